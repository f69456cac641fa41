import { describe, expect, it } from 'vitest';
import { resolveContent } from './content-profiles.js';
import { EntityKind, entityKindName } from './entities.js';
import { SectorSimulation } from './sector.js';

const TICK = 30;
const content = resolveContent({ raids: { dragons: 3, dragonSpeed: 300, circleRadius: 200 } });

const dragonsOf = (sim: SectorSimulation) => [...sim.entities()].filter((e) => e.kind === EntityKind.Dragon);

function run(sim: SectorSimulation, seconds: number) {
  for (let i = 0; i < seconds * TICK; i++) sim.step();
}

describe('raids in the sector', () => {
  it('has no dragons until a raid starts', () => {
    const sim = new SectorSimulation('raid', TICK, content);
    expect(sim.raidActive).toBe(false);
    expect(dragonsOf(sim)).toEqual([]);
    expect(entityKindName(EntityKind.Dragon)).toBe('dragon');
  });

  it('brings raids.dragons dragons in at the sector edge, under new handles', () => {
    const sim = new SectorSimulation('raid', TICK, content);
    sim.spawn('p1', null);
    const taken = new Set([...sim.entities()].map((e) => e.handle));
    sim.startRaid(60);
    expect(sim.raidActive).toBe(true);
    const dragons = dragonsOf(sim);
    expect(dragons).toHaveLength(3);
    for (const d of dragons) {
      expect(taken.has(d.handle)).toBe(false);
      const fromEdge = Math.min(
        content.sector.width / 2 - Math.abs(d.x),
        content.sector.height / 2 - Math.abs(d.y),
      );
      expect(fromEdge).toBeLessThan(100);
    }
  });

  it('flies them to circle the landmarks', () => {
    const sim = new SectorSimulation('raid', TICK, content);
    const landmark = { x: 800, y: -600 };
    sim.setLandmarks([landmark]);
    sim.startRaid(120);
    run(sim, 40);
    for (const d of dragonsOf(sim)) {
      const distance = Math.hypot(d.x - landmark.x, d.y - landmark.y);
      expect(distance).toBeLessThan(content.raids.circleRadius * 2);
    }
    // Circling, not parked: they keep moving.
    const before = dragonsOf(sim);
    run(sim, 1);
    const after = dragonsOf(sim);
    for (let i = 0; i < before.length; i++) {
      expect(Math.hypot(after[i]!.x - before[i]!.x, after[i]!.y - before[i]!.y)).toBeGreaterThan(50);
    }
  });

  it('roams around the centre with no landmarks, inside the sector', () => {
    const sim = new SectorSimulation('raid', TICK, content);
    sim.startRaid(120);
    run(sim, 40);
    for (const d of dragonsOf(sim)) {
      expect(Math.hypot(d.x, d.y)).toBeLessThan(content.raids.circleRadius * 3 * 2);
    }
  });

  it('flies the same way for the same sector and landmarks', () => {
    const flight = () => {
      const sim = new SectorSimulation('raid', TICK, content);
      sim.setLandmarks([
        { x: 100, y: 100 },
        { x: -900, y: 300 },
      ]);
      sim.startRaid(60);
      run(sim, 10);
      return dragonsOf(sim);
    };
    expect(flight()).toEqual(flight());
  });

  it('ends by itself after its duration, or when told to', () => {
    const sim = new SectorSimulation('raid', TICK, content);
    sim.startRaid(2);
    for (let i = 0; i < 2 * TICK - 1; i++) sim.step();
    expect(sim.raidActive).toBe(true);
    sim.step();
    expect(sim.raidActive).toBe(false);
    expect(dragonsOf(sim)).toEqual([]);

    sim.startRaid(60);
    sim.endRaid();
    expect(sim.raidActive).toBe(false);
    expect(dragonsOf(sim)).toEqual([]);
  });

  it('keeps its dragons when a running raid is started again, and never reuses their handles', () => {
    const sim = new SectorSimulation('raid', TICK, content);
    sim.startRaid(60);
    const first = dragonsOf(sim).map((d) => d.handle);
    sim.startRaid(60);
    expect(dragonsOf(sim).map((d) => d.handle)).toEqual(first);
    sim.endRaid();
    sim.startRaid(60);
    for (const d of dragonsOf(sim)) expect(first).not.toContain(d.handle);
  });

  it('follows landmarks that change during the raid', () => {
    const sim = new SectorSimulation('raid', TICK, content);
    sim.setLandmarks([{ x: 0, y: 0 }]);
    sim.startRaid(120);
    run(sim, 20);
    const moved = { x: -1500, y: 1500 };
    sim.setLandmarks([moved]);
    run(sim, 30);
    for (const d of dragonsOf(sim)) {
      expect(Math.hypot(d.x - moved.x, d.y - moved.y)).toBeLessThan(content.raids.circleRadius * 2);
    }
  });
});
