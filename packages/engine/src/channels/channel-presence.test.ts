import { PRESENCE_LIST_MAX } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { range } from '../durable/test-support.js';
import {
  ChannelPresence,
  type ChannelPresenceOptions,
  PRESENCE_BATCH_MS,
  PRESENCE_COUNT_BATCH_MS,
  type PresenceChangeEvent,
} from './channel-presence.js';

describe('channel presence', () => {
  let changes: PresenceChangeEvent[];
  const make = (graceMs: number, more: Partial<ChannelPresenceOptions> = {}) =>
    new ChannelPresence({ graceMs, onChange: (c) => changes.push(c), ...more });
  const ada = { id: 'ada', name: 'Ada' };
  const bob = { id: 'bob', name: 'Bob' };
  const player = (i: number) => ({ id: `p${i}`, name: `P${i}` });

  beforeEach(() => {
    changes = [];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a burst of joins is one batch per channel, after the batch time', () => {
    const p = make(0);
    for (const i of range(1, 20)) p.join('global', player(i), `c${i}`);
    p.join('sector:a', ada, 'c1');
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(PRESENCE_BATCH_MS - 1);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual([
      { channel: 'global', joined: range(1, 20).map(player), left: [], count: 20 },
      { channel: 'sector:a', joined: [ada], left: [], count: 1 },
    ]);
    vi.advanceTimersByTime(60_000);
    expect(changes).toHaveLength(2);
  });

  it('answers carry what was last announced; the next batch brings them up to date', () => {
    const p = make(0);
    p.join('global', ada, 'c1');
    expect(p.snapshot('global')).toEqual({ players: [], count: 0 });
    expect(p.count('global')).toBe(1);
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(p.snapshot('global')).toEqual({ players: [ada], count: 1 });
    p.join('global', bob, 'c2');
    expect(p.snapshot('global')).toEqual({ players: [ada], count: 1 });
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(p.snapshot('global')).toEqual({ players: [ada, bob], count: 2 });
    expect(changes.at(-1)).toEqual({ channel: 'global', joined: [bob], left: [], count: 2 });
  });

  it('a join and a leave within one batch announce nothing, whichever comes first', () => {
    const p = make(0);
    p.join('global', ada, 'c1');
    p.leave('global', 'ada', 'c1');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS * 4);
    expect(changes).toEqual([]);
    expect(p.snapshot('global')).toEqual({ players: [], count: 0 });
    // Announced, then gone and back within one batch: nothing changed for the others.
    p.join('global', bob, 'c2');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    changes = [];
    p.leave('global', 'bob', 'c2');
    p.join('global', bob, 'c3');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS * 4);
    expect(changes).toEqual([]);
  });

  it('counts a player with two connections once: joined with the first, left with the last', () => {
    const p = make(0);
    p.join('global', ada, 'c1');
    p.join('global', ada, 'c2');
    p.join('global', bob, 'c3');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(p.list('global')).toEqual([ada, bob]);
    expect(changes).toEqual([{ channel: 'global', joined: [ada, bob], left: [], count: 2 }]);
    p.leave('global', 'ada', 'c1');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(changes).toHaveLength(1);
    expect(p.list('global')).toEqual([ada, bob]);
    p.leave('global', 'ada', 'c2');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(changes.at(-1)).toEqual({ channel: 'global', joined: [], left: ['ada'], count: 1 });
    expect(p.list('global')).toEqual([bob]);
    expect(p.list('elsewhere')).toEqual([]);
  });

  it('three tabs, repeated joins and leaves of one: present until the last tab leaves', () => {
    const p = make(0);
    p.join('global', ada, 'c1');
    p.join('global', ada, 'c1');
    p.join('global', ada, 'c2');
    p.join('global', ada, 'c3');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    changes = [];
    for (const conn of ['c2', 'c2', 'c1', 'c9']) p.leave('global', 'ada', conn);
    p.join('global', ada, 'c4');
    p.leave('global', 'ada', 'c3');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS * 2);
    expect(changes).toEqual([]);
    expect(p.count('global')).toBe(1);
    p.leave('global', 'ada', 'c4');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(changes).toEqual([{ channel: 'global', joined: [], left: ['ada'], count: 0 }]);
  });

  it('announces a leave only after the grace, and a quick return announces nothing', () => {
    const p = make(5000);
    p.join('global', ada, 'c1');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    changes = [];
    p.leave('global', 'ada', 'c1');
    vi.advanceTimersByTime(4999);
    expect(changes).toEqual([]);
    p.join('global', ada, 'c2');
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual([]);
    expect(p.list('global')).toEqual([ada]);
    p.leave('global', 'ada', 'c2');
    expect(p.list('global')).toEqual([ada]);
    vi.advanceTimersByTime(5000 + PRESENCE_BATCH_MS);
    expect(changes).toEqual([{ channel: 'global', joined: [], left: ['ada'], count: 0 }]);
    expect(p.list('global')).toEqual([]);
  });

  it(`a large channel lists ${PRESENCE_LIST_MAX} players and counts the rest`, () => {
    const p = make(0);
    const n = 1000;
    for (const i of range(1, n)) p.join('global', player(i), `c${i}`);
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(changes).toEqual([
      { channel: 'global', joined: range(1, PRESENCE_LIST_MAX).map(player), left: [], count: n },
    ]);
    expect(p.snapshot('global').players).toHaveLength(PRESENCE_LIST_MAX);
    expect(p.snapshot('global').count).toBe(n);
    changes = [];

    // An unlisted player leaving changes the count alone: announced after the longer wait.
    p.leave('global', `p${n}`, `c${n}`);
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(PRESENCE_COUNT_BATCH_MS - PRESENCE_BATCH_MS);
    expect(changes).toEqual([{ channel: 'global', joined: [], left: [], count: n - 1 }]);
    changes = [];

    // A listed player leaving is replaced by the next in line, in one batch with the new count.
    p.leave('global', 'p2', 'c2');
    p.join('global', ada, 'ca');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(changes).toEqual([
      { channel: 'global', joined: [player(PRESENCE_LIST_MAX + 1)], left: ['p2'], count: n - 1 },
    ]);
    expect(p.snapshot('global').players).toHaveLength(PRESENCE_LIST_MAX);
    expect(p.snapshot('global').players.map((e) => e.id)).not.toContain('p2');
    expect(p.count('global')).toBe(n - 1);
    expect(p.list('global')).toHaveLength(n - 1);
  });

  it('a small list keeps every player; a renamed listed player is announced again', () => {
    const p = make(0, { listMax: 2 });
    p.join('global', ada, 'c1');
    p.join('global', bob, 'c2');
    p.join('global', player(3), 'c3');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(changes).toEqual([{ channel: 'global', joined: [ada, bob], left: [], count: 3 }]);
    p.join('global', { id: 'ada', name: 'Ada II' }, 'c4');
    vi.advanceTimersByTime(PRESENCE_BATCH_MS);
    expect(changes.at(-1)).toEqual({
      channel: 'global',
      joined: [{ id: 'ada', name: 'Ada II' }],
      left: [],
      count: 3,
    });
  });

  it('ignores leaves of connections it does not know and stops its timers on close', () => {
    const p = make(1000);
    p.leave('global', 'ada', 'c1');
    p.join('global', ada, 'c1');
    p.leave('global', 'ada', 'other');
    expect(p.list('global')).toEqual([ada]);
    p.leave('global', 'ada', 'c1');
    p.close();
    vi.advanceTimersByTime(10_000);
    expect(changes).toEqual([]);
    expect(p.count('global')).toBe(0);
  });
});
