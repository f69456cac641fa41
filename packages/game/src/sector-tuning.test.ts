import { describe, expect, it } from 'vitest';
import { ASTEROID_SIZE_CLASSES, asteroidRadius } from './asteroids.js';
import { Button } from './buttons.js';
import { type Content, defaultContent } from './content.js';
import { resolveContent } from './content-profiles.js';
import { EntityKind } from './entities.js';
import { SectorSimulation } from './sector.js';

function tuned(override: Record<string, unknown>): Content {
  return resolveContent(override);
}

function speedOf(sim: SectorSimulation, playerId: string): number {
  const [, , vx = 0, vy = 0] = sim.ownState(playerId) ?? [];
  return Math.hypot(vx, vy);
}

function asteroids(sim: SectorSimulation) {
  return [...sim.entities()].filter((e) => e.kind === EntityKind.Asteroid).map((e) => ({ ...e }));
}

describe('SectorSimulation.setContent (live tuning)', () => {
  it('applies a new top speed from the next input on, without moving the ship', () => {
    const sim = new SectorSimulation('tuning', 30, defaultContent);
    sim.spawn('p1', null);
    for (let i = 0; i < 30 * 4; i++) sim.applyInput('p1', Button.Thrust);
    expect(speedOf(sim, 'p1')).toBeCloseTo(defaultContent.ship.maxSpeed, 0);
    const before = sim.ownState('p1');

    sim.setContent(tuned({ ship: { maxSpeed: 150 } }));
    expect(sim.ownState('p1')).toEqual(before);
    sim.applyInput('p1', Button.Thrust);
    expect(speedOf(sim, 'p1')).toBeCloseTo(150, 3);
    for (let i = 0; i < 30; i++) sim.applyInput('p1', Button.Thrust);
    expect(speedOf(sim, 'p1')).toBeCloseTo(150, 3);
  });

  it('adds and removes asteroids by count, keeping the rocks that stay where they are', () => {
    const sim = new SectorSimulation('belt', 30, defaultContent);
    const start = asteroids(sim);
    const count = defaultContent.asteroids.count;

    sim.setContent(tuned({ asteroids: { count: count + 10 } }));
    const grown = asteroids(sim);
    expect(grown).toHaveLength(count + 10);
    expect(grown.slice(0, count)).toEqual(start);
    const oldHandles = new Set(start.map((a) => a.handle));
    expect(grown.slice(count).every((a) => !oldHandles.has(a.handle))).toBe(true);

    sim.setContent(tuned({ asteroids: { count: count - 20 } }));
    expect(asteroids(sim)).toEqual(start.slice(0, count - 20));
  });

  it('resizes rocks in place to their size class under a new radius range, capping their ore', () => {
    const sim = new SectorSimulation('sizes', 30, defaultContent);
    const before = asteroids(sim);
    const oreBefore = sim.oreByAsteroid();
    const small = tuned({ asteroids: { minRadius: 10, maxRadius: 20 } });

    sim.setContent(small);
    const after = asteroids(sim);
    expect(after.map((a) => a.variant)).toEqual(before.map((a) => a.variant));
    expect(after.map((a) => [a.x, a.y])).toEqual(before.map((a) => [a.x, a.y]));
    const largest = asteroidRadius(ASTEROID_SIZE_CLASSES - 1, small);
    for (const [handle, ore] of sim.oreByAsteroid()) {
      expect(ore).toBeLessThanOrEqual(Math.round(largest * small.asteroids.orePerRadius) + 1e-9);
      expect(ore).toBeLessThanOrEqual(oreBefore.get(handle) ?? 0);
    }
  });

  it('reads the view radius from the content in force', () => {
    const sim = new SectorSimulation('view', 30, defaultContent);
    sim.setContent(tuned({ sector: { viewRadius: 900 } }));
    expect(sim.viewRadius).toBe(900);
  });
});
