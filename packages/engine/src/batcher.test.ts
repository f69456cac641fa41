import { describe, expect, it, vi } from 'vitest';
import { Batcher, MAX_BATCH_KEYS } from './batcher.js';
import { range } from './durable/test-support.js';

/** A batcher over a fake query that records what each query asked for and can be held. */
function recording() {
  const queries: { group: string; keys: string[] }[] = [];
  let hold: Promise<void> | null = null;
  let failNext = false;
  const batcher = new Batcher<string>(async (group, keys) => {
    queries.push({ group, keys });
    const fail = failNext;
    failNext = false;
    if (hold) await hold;
    if (fail) throw new Error('store down');
    return keys.map((k) => `${group}/${k}`);
  });
  return {
    batcher,
    queries,
    holdNext() {
      let release: () => void = () => {};
      hold = new Promise<void>((resolve) => {
        release = () => {
          hold = null;
          resolve();
        };
      });
      return release;
    },
    failNext() {
      failNext = true;
    },
  };
}

describe('batcher', () => {
  it('reads asked for together share one query per group, each caller getting its own value', async () => {
    const { batcher, queries } = recording();
    const values = await Promise.all([
      batcher.load('global', 'ada'),
      batcher.load('global', 'bob'),
      batcher.load('global', 'ada'),
      batcher.load('sector:a', 'ada'),
    ]);
    expect(values).toEqual(['global/ada', 'global/bob', 'global/ada', 'sector:a/ada']);
    expect(queries).toEqual([
      { group: 'global', keys: ['ada', 'bob'] },
      { group: 'sector:a', keys: ['ada'] },
    ]);
  });

  it('a read asked for while a query runs goes into the next query, once that one is done', async () => {
    const { batcher, queries, holdNext } = recording();
    const release = holdNext();
    const first = batcher.load('global', 'ada');
    await new Promise((resolve) => setImmediate(resolve));
    expect(queries).toHaveLength(1);
    // Asked after the running query started: it must not be answered by it.
    const later = [batcher.load('global', 'ada'), batcher.load('global', 'bob')];
    await new Promise((resolve) => setImmediate(resolve));
    expect(queries).toHaveLength(1);
    release();
    expect(await first).toBe('global/ada');
    expect(await Promise.all(later)).toEqual(['global/ada', 'global/bob']);
    expect(queries.map((q) => q.keys)).toEqual([['ada'], ['ada', 'bob']]);
  });

  it('a failed query rejects its own callers only', async () => {
    const { batcher, failNext, holdNext } = recording();
    failNext();
    const release = holdNext();
    const failed = batcher.load('global', 'ada').catch((err: Error) => err.message);
    await new Promise((resolve) => setImmediate(resolve));
    const next = batcher.load('global', 'bob');
    release();
    expect(await failed).toBe('store down');
    expect(await next).toBe('global/bob');
  });

  it(`asks for at most ${MAX_BATCH_KEYS} keys per query`, async () => {
    const { batcher, queries } = recording();
    const keys = range(1, MAX_BATCH_KEYS + 20).map(String);
    const values = await Promise.all(keys.map((k) => batcher.load('global', k)));
    expect(values).toEqual(keys.map((k) => `global/${k}`));
    expect(queries.map((q) => q.keys.length)).toEqual([MAX_BATCH_KEYS, 20]);
  });

  it('with a linger, requests from separate turns of the event loop within it share one query', async () => {
    vi.useFakeTimers();
    try {
      const queries: string[][] = [];
      const batcher = new Batcher<string>(
        async (_, keys) => {
          queries.push(keys);
          return keys;
        },
        { lingerMs: 5 },
      );
      const a = batcher.load('g', 'a');
      await vi.advanceTimersByTimeAsync(2);
      const b = batcher.load('g', 'b');
      expect(queries).toEqual([]);
      await vi.advanceTimersByTimeAsync(3);
      expect(await Promise.all([a, b])).toEqual(['a', 'b']);
      expect(queries).toEqual([['a', 'b']]);
    } finally {
      vi.useRealTimers();
    }
  });
});
