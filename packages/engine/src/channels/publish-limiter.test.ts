import { afterEach, describe, expect, it, vi } from 'vitest';
import { PublishLimiter } from './publish-limiter.js';

describe('PublishLimiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps a player’s bucket until it would be full again (burst / rate after its last use)', () => {
    let now = 0;
    const limiter = new PublishLimiter({ burst: 2, perSecond: 1 }, { now: () => now });
    expect([limiter.take('ada'), limiter.take('ada'), limiter.take('ada')]).toEqual([true, true, false]);
    now = 1500;
    limiter.sweep();
    expect(limiter.size).toBe(1);
    // 1.5 tokens came back: one publish now, none after.
    expect([limiter.take('ada'), limiter.take('ada')]).toEqual([true, false]);
    now = 1500 + 1999;
    limiter.sweep();
    expect(limiter.size).toBe(1);
    now = 1500 + 2000;
    limiter.sweep();
    expect(limiter.size).toBe(0);
    // Forgotten only once it was full anyway: a fresh bucket gives the same burst.
    expect([limiter.take('ada'), limiter.take('ada'), limiter.take('ada')]).toEqual([true, true, false]);
    limiter.close();
  });

  it('sweeps on a timer of its own that close() stops', () => {
    vi.useFakeTimers();
    const limiter = new PublishLimiter(
      { burst: 5, perSecond: 1 },
      { now: () => Date.now(), sweepEveryMs: 1000 },
    );
    limiter.take('ada');
    limiter.take('bob');
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(4000);
    expect(limiter.size).toBe(2);
    limiter.take('bob');
    vi.advanceTimersByTime(2000);
    expect(limiter.size).toBe(1);
    limiter.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(limiter.size).toBe(0);
  });
});
