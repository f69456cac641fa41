import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SilenceWatch } from './silence-watch.js';

describe('SilenceWatch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stays quiet while snapshots keep coming, and fires once when they stop', () => {
    let silent = 0;
    const watch = new SilenceWatch(
      () => silent++,
      5000,
      () => Date.now(),
    );
    watch.start();
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(1000);
      watch.heard();
    }
    expect(silent).toBe(0);
    vi.advanceTimersByTime(4000);
    expect(silent).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(silent).toBe(1);
    vi.advanceTimersByTime(20_000);
    expect(silent).toBe(1);
  });

  it('does nothing once stopped, and starts counting afresh on start', () => {
    let silent = 0;
    const watch = new SilenceWatch(
      () => silent++,
      5000,
      () => Date.now(),
    );
    watch.start();
    vi.advanceTimersByTime(3000);
    watch.stop();
    vi.advanceTimersByTime(10_000);
    expect(silent).toBe(0);
    watch.start();
    vi.advanceTimersByTime(4000);
    expect(silent).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(silent).toBe(1);
  });
});
