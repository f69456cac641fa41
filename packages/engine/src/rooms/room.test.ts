import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MemberLink } from './member.js';
import { Room } from './room.js';
import { StillWorld } from './still-world.test-support.js';

/** Counts what a member was sent. */
class CountingLink implements MemberLink {
  snapshots = 0;
  reliable = 0;
  sendSnapshot(_frame: Uint8Array, reliable: boolean): void {
    this.snapshots++;
    if (reliable) this.reliable++;
  }
  sendError(): void {}
}

describe('a room’s snapshot rate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    [30, 20],
    [30, 15],
    [30, 30],
    [60, 20],
  ])('at %i ticks/s and %i snapshots/s, every member gets that many snapshots a second', (tickRate, rate) => {
    const room = new Room({
      id: 'r',
      tickRate,
      snapshotRate: rate,
      capacity: 50,
      simulation: new StillWorld(),
    });
    const links = Array.from({ length: 7 }, () => new CountingLink());
    for (const [i, link] of links.entries()) room.join(`p${i}`, `P${i}`, link, null);
    room.start();
    vi.advanceTimersByTime(10_000);
    room.stop();
    // The last tick of the tenth second may fall just after it (fractional step length).
    expect(room.tick).toBeGreaterThanOrEqual(tickRate * 10 - 1);
    const owed = (room.tick * rate) / tickRate;
    for (const link of links) expect(Math.abs(link.snapshots - owed)).toBeLessThanOrEqual(1);
  });

  it('spreads members over the ticks instead of sending all of them on the same tick', () => {
    const room = new Room({
      id: 'r',
      tickRate: 30,
      snapshotRate: 15,
      capacity: 50,
      simulation: new StillWorld(),
    });
    const links = Array.from({ length: 20 }, () => new CountingLink());
    for (const [i, link] of links.entries()) room.join(`p${i}`, `P${i}`, link, null);
    room.start();
    const perTick: number[] = [];
    for (let t = 1; t <= 30; t++) {
      const before = links.reduce((n, l) => n + l.snapshots, 0);
      while (room.tick < t) vi.advanceTimersByTime(1);
      perTick.push(links.reduce((n, l) => n + l.snapshots, 0) - before);
    }
    room.stop();
    // 20 members at half the tick rate: 10 per tick, give or take the spread's rounding.
    for (const n of perTick) expect(n).toBeGreaterThanOrEqual(8);
    for (const n of perTick) expect(n).toBeLessThanOrEqual(12);
  });

  it('a member whose acknowledgements stop gets deltas against its last keyframe, not a keyframe each time', () => {
    const room = new Room({
      id: 'r',
      tickRate: 30,
      snapshotRate: 20,
      capacity: 5,
      simulation: new StillWorld(),
    });
    const link = new CountingLink();
    room.join('p', 'P', link, null);
    room.start();
    vi.advanceTimersByTime(3_000);
    room.stop();
    // ~60 snapshots, no acknowledgement at all: a keyframe only when the last one left the
    // 32-snapshot history (the first, then one ~32 later), all of them reliable.
    expect(link.snapshots).toBeGreaterThanOrEqual(59);
    expect(link.reliable).toBe(2);
  });
});
