import { describe, expect, it } from 'vitest';
import { Button } from './buttons.js';
import { defaultContent } from './content.js';
import { EntityKind } from './entities.js';
import { SectorSimulation } from './sector.js';

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
});
