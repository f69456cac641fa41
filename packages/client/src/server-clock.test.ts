import { describe, expect, it } from 'vitest';
import { ServerClock } from './server-clock.js';

const TICK_MS = 1000 / 30;

/** Deterministic jitter so the tests do not depend on Math.random. */
function jitter(i: number): number {
  return ((i * 7919) % 37) * 1.3;
}

describe('ServerClock', () => {
  it('is 0 and not ready before the first sample', () => {
    const clock = new ServerClock({ tickMs: TICK_MS });
    expect(clock.ready).toBe(false);
    expect(clock.estimatedTick(1000)).toBe(0);
  });

  it('follows the least-delayed samples, ignoring late packets', () => {
    const clock = new ServerClock({ tickMs: TICK_MS });
    const base = 5000;
    // Snapshot every 2 ticks; one-way delay 20 ms plus 0..47 ms of jitter.
    for (let tick = 100; tick <= 220; tick += 2)
      clock.sample(base + tick * TICK_MS + 20 + jitter(tick), tick);
    const now = base + 221 * TICK_MS + 20;
    expect(clock.estimatedTick(now)).toBeCloseTo(221, 0);
  });

  it('never runs backwards while samples jitter, even when the true delay grows', () => {
    const clock = new ServerClock({ tickMs: TICK_MS });
    let last = Number.NEGATIVE_INFINITY;
    let delay = 10;
    for (let frame = 0; frame < 600; frame++) {
      const now = 1000 + frame * 16.7;
      const tick = Math.floor((now - 1000) / TICK_MS);
      if (frame === 300) delay = 150; // the route got slower: later arrivals for the same tick
      if (frame % 4 === 0) clock.sample(now + delay + jitter(frame), tick);
      const est = clock.estimatedTick(now + delay + 1);
      expect(est).toBeGreaterThanOrEqual(last);
      last = est;
    }
  });

  it('moves towards a new offset gradually when the error is small', () => {
    const clock = new ServerClock({ tickMs: TICK_MS, windowMs: 500 });
    clock.sample(1000, 0);
    // From now on every packet arrives 60 ms later than before for its tick.
    let now = 1000;
    for (let tick = 2; tick <= 120; tick += 2) {
      now = 1000 + tick * TICK_MS + 60;
      clock.sample(now, tick);
    }
    const settled = clock.estimatedTick(now);
    expect(settled).toBeCloseTo(120, 1);
  });

  it('snaps to a far-off offset (a restarted server) instead of drifting for minutes', () => {
    const clock = new ServerClock({ tickMs: TICK_MS });
    for (let tick = 5000; tick < 5060; tick += 2) clock.sample(tick * TICK_MS, tick);
    const now = 5060 * TICK_MS;
    expect(clock.estimatedTick(now)).toBeCloseTo(5060, 0);
    // The server restarted and counts from tick 3 again; a few snapshots confirm it.
    let t = now;
    for (let tick = 3; tick < 40; tick += 2) {
      t = now + 10 + (tick - 3) * TICK_MS;
      clock.sample(t, tick);
    }
    expect(clock.estimatedTick(t)).toBeCloseTo(39, 5);
  });

  it('snaps forward at once when the server turns out to be far ahead', () => {
    const clock = new ServerClock({ tickMs: TICK_MS });
    clock.sample(1000, 10);
    clock.sample(1010, 100);
    expect(clock.estimatedTick(1010)).toBeCloseTo(100, 5);
  });

  it('does not jump back for one very late packet', () => {
    const clock = new ServerClock({ tickMs: TICK_MS });
    for (let tick = 0; tick <= 60; tick += 2) clock.sample(1000 + tick * TICK_MS, tick);
    const before = clock.estimatedTick(1000 + 61 * TICK_MS);
    clock.sample(1000 + 62 * TICK_MS + 900, 62);
    expect(clock.estimatedTick(1000 + 62 * TICK_MS + 900)).toBeGreaterThan(before);
  });

  it('starts over after reset()', () => {
    const clock = new ServerClock({ tickMs: TICK_MS });
    clock.sample(1000, 900);
    clock.reset();
    expect(clock.ready).toBe(false);
    clock.sample(2000, 10);
    expect(clock.estimatedTick(2000)).toBeCloseTo(10, 5);
  });
});
