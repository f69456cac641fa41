import { describe, expect, it } from 'vitest';
import { Button } from './buttons.js';
import { defaultContent } from './content.js';
import { resolveContent } from './content-profiles.js';
import { EntityKind } from './entities.js';
import { SectorSimulation } from './sector.js';
import { sectorCheckpointSchema } from './sector-checkpoint.js';

describe('SectorSimulation', () => {
  it('builds the same asteroid field for the same sector id', () => {
    const a = [...new SectorSimulation('alpha', 30, defaultContent).entities()];
    const b = [...new SectorSimulation('alpha', 30, defaultContent).entities()];
    const c = [...new SectorSimulation('beta', 30, defaultContent).entities()];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((e) => e.kind === EntityKind.Asteroid)).toHaveLength(defaultContent.asteroids.count);
  });

  it('asteroids drift and stay inside the sector', () => {
    const sim = new SectorSimulation('drift', 30, defaultContent);
    const before = [...sim.entities()].map((e) => ({ ...e }));
    for (let i = 0; i < 30 * 120; i++) sim.step();
    const after = [...sim.entities()];
    expect(after).not.toEqual(before);
    for (const e of after) {
      expect(Math.abs(e.x)).toBeLessThanOrEqual(defaultContent.sector.width / 2);
      expect(Math.abs(e.y)).toBeLessThanOrEqual(defaultContent.sector.height / 2);
    }
  });

  it('gives each ship a handle never used before, and moves ships only by input', () => {
    const sim = new SectorSimulation('ships', 30, defaultContent);
    const h1 = sim.spawn('p1', null);
    sim.despawn('p1');
    const h2 = sim.spawn('p1', null);
    expect(h2).not.toBe(h1);
    const start = sim.ownState('p1')!;
    sim.step();
    expect(sim.ownState('p1')).toEqual(start);
    sim.applyInput('p1', Button.Thrust);
    expect(sim.ownState('p1')).not.toEqual(start);
  });

  it('restores a ship from its saved state', () => {
    const sim = new SectorSimulation('resume', 30, defaultContent);
    const first = sim.spawn('p1', null);
    sim.despawn('p1');
    expect(sim.spawn('p1', { state: [100, -200, 5, 6, 1], handle: first })).toBe(first);
    expect(sim.ownState('p1')).toEqual([100, -200, 5, 6, 1]);
  });

  it('spawns a new ship 120–220 units from a given point, at rest', () => {
    const sim = new SectorSimulation('home', 30, defaultContent);
    const home = { x: 1500, y: -900 };
    const { minDistance, maxDistance } = defaultContent.sector.spawnNear;
    const spots = [];
    for (let i = 0; i < 20; i++) {
      sim.spawn(`p${i}`, null, home);
      const [x, y, vx, vy] = sim.ownState(`p${i}`)!;
      const d = Math.hypot(x! - home.x, y! - home.y);
      expect(d).toBeGreaterThanOrEqual(minDistance - 0.01);
      expect(d).toBeLessThanOrEqual(maxDistance + 0.01);
      expect([vx, vy]).toEqual([0, 0]);
      spots.push(`${x},${y}`);
    }
    expect(new Set(spots).size).toBe(20);
  });

  it('keeps a ship spawned near a point by the edge inside the sector', () => {
    const sim = new SectorSimulation('home', 30, defaultContent);
    const edge = defaultContent.sector.width / 2;
    const limit = edge - defaultContent.ship.radius;
    for (let i = 0; i < 20; i++) {
      sim.spawn(`p${i}`, null, { x: edge - 10, y: -edge + 10 });
      const [x, y] = sim.ownState(`p${i}`)!;
      expect(Math.abs(x!)).toBeLessThanOrEqual(limit);
      expect(Math.abs(y!)).toBeLessThanOrEqual(limit);
    }
  });

  it('prefers a restored state over the spawn point', () => {
    const sim = new SectorSimulation('home', 30, defaultContent);
    sim.spawn('p1', { state: [10, 20, 0, 0, 0], handle: 1e9 }, { x: 2000, y: 2000 });
    expect(sim.ownState('p1')).toEqual([10, 20, 0, 0, 0]);
  });

  describe('checkpoints', () => {
    const content = resolveContent({
      asteroids: { count: 3, minRadius: 20, maxRadius: 20, orePerRadius: 0.5 },
      mining: { rate: 30, respawnSeconds: 10 },
    });
    const rocks = (sim: SectorSimulation) =>
      [...sim.entities()].filter((e) => e.kind === EntityKind.Asteroid);

    /** Mines the first asteroid empty and takes 4 ore from the second. */
    function worked(): SectorSimulation {
      const sim = new SectorSimulation('saved', 30, content);
      const [first, second] = rocks(sim);
      sim.spawn('a', { state: [first!.x + 25, first!.y, 0, 0, 0], handle: 1e9 });
      for (let i = 0; i < 10; i++) sim.applyInput('a', Button.Mine);
      sim.despawn('a');
      sim.spawn('b', { state: [second!.x + 25, second!.y, 0, 0, 0], handle: 1e9 });
      for (let i = 0; i < 4; i++) sim.applyInput('b', Button.Mine);
      sim.despawn('b');
      for (let i = 0; i < 30; i++) sim.step(); // 1 s of the 10 s respawn gone
      return sim;
    }

    it('round-trips ore left and respawn countdowns through JSON', () => {
      const saved = worked().checkpoint();
      const json = sectorCheckpointSchema.parse(JSON.parse(JSON.stringify(saved)));
      const restored = new SectorSimulation('saved', 30, content);
      restored.restore(json);
      expect(restored.checkpoint()).toEqual(saved);
      expect(rocks(restored)).toHaveLength(2);
      expect([...restored.oreByAsteroid().values()].sort((a, b) => a - b)).toEqual([6, 10]);
      for (let i = 0; i < 9 * 30 - 1; i++) restored.step();
      expect(rocks(restored)).toHaveLength(2);
      restored.step();
      expect(rocks(restored)).toHaveLength(3);
    });

    it('restores what fits a checkpoint written under other content', () => {
      const saved = worked().checkpoint();
      const fewer = resolveContent({
        asteroids: { count: 1, minRadius: 20, maxRadius: 20, orePerRadius: 0.1 },
      });
      const small = new SectorSimulation('saved', 30, fewer);
      small.restore(saved);
      expect(rocks(small)).toHaveLength(0); // slot 0 was mined out and is waiting to respawn

      const more = resolveContent({
        asteroids: { count: 5, minRadius: 20, maxRadius: 20, orePerRadius: 0.1 },
      });
      const big = new SectorSimulation('saved', 30, more);
      const extra = { ore: 1e6, respawnSeconds: 0 };
      big.restore({ version: 1, asteroids: [...saved.asteroids.slice(1), extra] });
      // Ore is capped at what each asteroid holds under this content (2), slots past the list are full.
      expect([...big.oreByAsteroid().values()]).toEqual([2, 2, 2, 2, 2]);
    });

    it('goes on numbering entities after the saved sector: a ship brought back keeps its handle, new ones never take it', () => {
      const old = new SectorSimulation('moved', 30, content);
      for (const id of ['a', 'b', 'c']) old.spawn(id, null);
      const carried = { state: old.ownState('c'), handle: old.spawn('c', null) };
      const saved = sectorCheckpointSchema.parse(JSON.parse(JSON.stringify(old.checkpoint())));
      const next = new SectorSimulation('moved', 30, content);
      next.restore(saved);
      expect(next.spawn('c', carried)).toBe(carried.handle);
      expect(next.ownState('c')).toEqual(carried.state);
      const fresh = next.spawn('d', null);
      const handles = [...next.entities()].map((e) => e.handle);
      expect(new Set(handles).size).toBe(handles.length);
      expect(fresh).toBeGreaterThan(carried.handle);
    });

    it('rejects data that is not a checkpoint', () => {
      expect(sectorCheckpointSchema.safeParse({ asteroids: 'x' }).success).toBe(false);
      expect(
        sectorCheckpointSchema.safeParse({ version: 1, asteroids: [{ ore: -1, respawnSeconds: 0 }] }).success,
      ).toBe(false);
    });
  });
});
