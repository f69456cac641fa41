import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelPresence, type PresenceChangeEvent } from './channel-presence.js';

describe('channel presence', () => {
  let changes: PresenceChangeEvent[];
  const make = (graceMs: number) => new ChannelPresence({ graceMs, onChange: (c) => changes.push(c) });
  const ada = { id: 'ada', name: 'Ada' };
  const bob = { id: 'bob', name: 'Bob' };

  beforeEach(() => {
    changes = [];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts a player with two connections once: joined with the first, left with the last', () => {
    const p = make(0);
    p.join('global', ada, 'c1');
    p.join('global', ada, 'c2');
    p.join('global', bob, 'c3');
    expect(p.list('global')).toEqual([ada, bob]);
    expect(changes).toEqual([
      { channel: 'global', joined: [ada], left: [] },
      { channel: 'global', joined: [bob], left: [] },
    ]);
    p.leave('global', 'ada', 'c1');
    expect(changes).toHaveLength(2);
    expect(p.list('global')).toEqual([ada, bob]);
    p.leave('global', 'ada', 'c2');
    expect(changes.at(-1)).toEqual({ channel: 'global', joined: [], left: ['ada'] });
    expect(p.list('global')).toEqual([bob]);
    expect(p.list('elsewhere')).toEqual([]);
  });

  it('announces a leave only after the grace, and a quick return announces nothing', () => {
    const p = make(5000);
    p.join('global', ada, 'c1');
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
    vi.advanceTimersByTime(5000);
    expect(changes).toEqual([{ channel: 'global', joined: [], left: ['ada'] }]);
    expect(p.list('global')).toEqual([]);
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
    expect(changes).toEqual([{ channel: 'global', joined: [ada], left: [] }]);
  });
});
