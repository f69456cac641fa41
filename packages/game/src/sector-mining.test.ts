import { describe, expect, it } from 'vitest';
import { Button } from './buttons.js';
import { resolveContent } from './content-profiles.js';
import { EntityKind, ShipVariant } from './entities.js';
import { SectorSimulation } from './sector.js';
import { stepShip } from './ship.js';

const TICK = 30;
/** One asteroid of radius 20 holding 10 ore; the beam takes 1 ore per step; respawn in 2 s. */
const content = resolveContent({
  asteroids: { count: 1, minRadius: 20, maxRadius: 20, orePerRadius: 0.5 },
  mining: { rate: 30, respawnSeconds: 2 },
});

function asteroidOf(sim: SectorSimulation) {
  return [...sim.entities()].find((e) => e.kind === EntityKind.Asteroid) ?? null;
}

function shipOf(sim: SectorSimulation) {
  return [...sim.entities()].find((e) => e.kind === EntityKind.Ship)!;
}

/** A sim with player `p1` parked `gap` units from the asteroid's surface. */
function parkedNextToAsteroid(gap = 10) {
  const sim = new SectorSimulation('mine', TICK, content);
  const rock = asteroidOf(sim)!;
  const x = rock.x > 0 ? rock.x - 20 - gap : rock.x + 20 + gap;
  sim.spawn('p1', { state: [x, rock.y, 0, 0, 0], handle: 1e9 }, null);
  return { sim, rock };
}

function mine(sim: SectorSimulation, steps: number, player = 'p1') {
  for (let i = 0; i < steps; i++) sim.applyInput(player, Button.Mine);
}

describe('mining in the sector', () => {
  it('mines at the content rate and credits whole units to the miner', () => {
    const { sim, rock } = parkedNextToAsteroid();
    mine(sim, 3);
    expect(sim.oreByAsteroid().get(rock.handle)).toBe(7);
    expect(sim.drainMinedOre()).toEqual(new Map([['p1', 3]]));
    expect(sim.drainMinedOre().size).toBe(0);
  });

  it('keeps fractions of ore between drains', () => {
    const slow = resolveContent({
      asteroids: { count: 1, minRadius: 20, maxRadius: 20, orePerRadius: 5 },
      mining: { rate: 3 },
    });
    const sim = new SectorSimulation('mine', TICK, slow);
    const rock = asteroidOf(sim)!;
    sim.spawn('p1', { state: [rock.x + 30, rock.y, 0, 0, 0], handle: 1e9 });
    mine(sim, 5); // 0.5 ore
    expect(sim.drainMinedOre().size).toBe(0);
    mine(sim, 5); // 1.0 ore
    expect(sim.drainMinedOre().get('p1')).toBe(1);
    expect(sim.oreByAsteroid().get(rock.handle)).toBeCloseTo(99, 9);
  });

  it('mines nothing without the Mine button or out of range', () => {
    const { sim } = parkedNextToAsteroid();
    sim.applyInput('p1', 0);
    const far = parkedNextToAsteroid(content.mining.range + 1).sim;
    mine(far, 5);
    expect(sim.drainMinedOre().size).toBe(0);
    expect(far.drainMinedOre().size).toBe(0);
    expect(shipOf(far).variant).toBe(ShipVariant.Idle);
  });

  it('flags the ship as mining only while its last step mined something', () => {
    const { sim } = parkedNextToAsteroid();
    expect(shipOf(sim).variant).toBe(ShipVariant.Idle);
    mine(sim, 1);
    expect(shipOf(sim).variant).toBe(ShipVariant.Mining);
    sim.applyInput('p1', Button.Left);
    expect(shipOf(sim).variant).toBe(ShipVariant.Idle);
  });

  it('does not change how the ship moves', () => {
    const { sim } = parkedNextToAsteroid();
    const start = sim.ownState('p1')!;
    const inputs = [Button.Thrust, Button.Thrust | Button.Left, Button.Brake, 0];
    for (const b of inputs) sim.applyInput('p1', b | Button.Mine);
    const [x, y, vx, vy, angle] = start as [number, number, number, number, number];
    const predicted = inputs.reduce((s, b) => stepShip(s, b, sim.dt, content), { x, y, vx, vy, angle });
    expect(sim.ownState('p1')).toEqual([
      predicted.x,
      predicted.y,
      predicted.vx,
      predicted.vy,
      predicted.angle,
    ]);
    expect(sim.drainMinedOre().get('p1')).toBeGreaterThan(0);
  });

  it('empties an asteroid, which then disappears and stops yielding ore', () => {
    const { sim } = parkedNextToAsteroid();
    mine(sim, 10);
    expect(asteroidOf(sim)).toBeNull();
    expect(shipOf(sim).variant).toBe(ShipVariant.Mining); // the last step took the last ore
    mine(sim, 5);
    expect(shipOf(sim).variant).toBe(ShipVariant.Idle);
    expect(sim.drainMinedOre().get('p1')).toBe(10);
  });

  it('takes only what is left, so ore is never created', () => {
    const odd = resolveContent({
      asteroids: { count: 1, minRadius: 20, maxRadius: 20, orePerRadius: 0.5 },
      mining: { rate: 90 }, // 3 per step: 10 ore is 3 + 3 + 3 + 1
    });
    const sim = new SectorSimulation('mine', TICK, odd);
    const rock = asteroidOf(sim)!;
    sim.spawn('p1', { state: [rock.x + 30, rock.y, 0, 0, 0], handle: 1e9 });
    mine(sim, 6);
    expect(sim.drainMinedOre().get('p1')).toBe(10);
  });

  it('respawns an emptied asteroid full, elsewhere, under a new handle, after respawnSeconds', () => {
    const { sim, rock } = parkedNextToAsteroid();
    mine(sim, 10);
    const steps = content.mining.respawnSeconds * TICK;
    for (let i = 0; i < steps - 1; i++) sim.step();
    expect(asteroidOf(sim)).toBeNull();
    sim.step();
    const back = asteroidOf(sim)!;
    expect(back).not.toBeNull();
    expect(back.handle).not.toBe(rock.handle);
    expect(back.handle).not.toBe(shipOf(sim).handle);
    expect(Math.hypot(back.x - rock.x, back.y - rock.y)).toBeGreaterThan(1);
    expect(sim.oreByAsteroid().get(back.handle)).toBe(10);
  });

  it('shares an asteroid between two miners without overdrawing it', () => {
    const { sim, rock } = parkedNextToAsteroid();
    sim.spawn('p2', { state: [rock.x, rock.y + 30, 0, 0, 0], handle: 1e9 });
    for (let i = 0; i < 10; i++) {
      sim.applyInput('p1', Button.Mine);
      sim.applyInput('p2', Button.Mine);
    }
    expect(sim.drainMinedOre()).toEqual(
      new Map([
        ['p1', 5],
        ['p2', 5],
      ]),
    );
  });
});
