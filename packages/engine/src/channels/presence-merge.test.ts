import type { PresenceEntry } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import type { PresenceChangeEvent } from './channel-presence.js';
import { PresenceMerge } from './presence-merge.js';

const pilot = (n: number): PresenceEntry => ({ id: `p${n}`, name: `Pilot ${n}` });
const pilots = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => pilot(from + i));

function merge(listMax = 50) {
  const changes: PresenceChangeEvent[] = [];
  const m = new PresenceMerge({ onChange: (c) => changes.push(c), listMax });
  return { m, changes };
}

describe('PresenceMerge', () => {
  it('one node: announces what changed in its summary, as a single node would', () => {
    const { m, changes } = merge();
    m.update('a', 'global', { players: [pilot(1), pilot(2)], count: 2 });
    m.update('a', 'global', { players: [pilot(2), pilot(3)], count: 2 });
    m.update('a', 'global', { players: [pilot(2), pilot(3)], count: 2 });
    expect(changes).toEqual([
      { channel: 'global', joined: [pilot(1), pilot(2)], left: [], count: 2 },
      { channel: 'global', joined: [pilot(3)], left: ['p1'], count: 2 },
    ]);
    expect(m.snapshot('global')).toEqual({ players: [pilot(2), pilot(3)], count: 2 });
  });

  it('lists every node’s players once in node order, and a player on two nodes counts once', () => {
    const { m, changes } = merge();
    m.update('b', 'global', { players: [pilot(3), pilot(1)], count: 2 });
    m.update('a', 'global', { players: [pilot(1), pilot(2)], count: 2 });
    expect(m.snapshot('global')).toEqual({ players: [pilot(1), pilot(2), pilot(3)], count: 3 });
    expect(changes.at(-1)).toEqual({ channel: 'global', joined: [pilot(2)], left: [], count: 3 });
    // The two-tab player closes the tab on b: still listed (a has them), nothing to announce.
    m.update('b', 'global', { players: [pilot(3)], count: 1 });
    expect(changes).toHaveLength(2);
  });

  it('cuts the merged list at its maximum and counts the rest', () => {
    const { m } = merge(5);
    m.update('a', 'c', { players: pilots(1, 5), count: 400 });
    m.update('b', 'c', { players: pilots(6, 10), count: 300 });
    expect(m.snapshot('c')).toEqual({ players: pilots(1, 5), count: 700 });
    // a's list empties: b's listed players take the places.
    m.update('a', 'c', { players: [], count: 0 });
    expect(m.snapshot('c')).toEqual({ players: pilots(6, 10), count: 300 });
  });

  it('forgets a node at once in every channel it was part of, and expires parts not reported again', () => {
    const { m, changes } = merge();
    m.update('a', 'x', { players: [pilot(1)], count: 1 }, 1000);
    m.update('b', 'x', { players: [pilot(2)], count: 1 }, 1000);
    m.update('b', 'y', { players: [pilot(2)], count: 1 }, 1000);
    m.forget('b');
    expect(m.snapshot('x')).toEqual({ players: [pilot(1)], count: 1 });
    expect(m.snapshot('y')).toEqual({ players: [], count: 0 });
    expect(changes.slice(-2)).toEqual([
      { channel: 'x', joined: [], left: ['p2'], count: 1 },
      { channel: 'y', joined: [], left: ['p2'], count: 0 },
    ]);
    m.update('c', 'x', { players: [pilot(3)], count: 1 }, 1000);
    m.update('d', 'x', { players: [pilot(4)], count: 1 }, 5000);
    // This node's own part never expires; c's is older than the limit, d's is not.
    m.expire('a', 2000);
    expect(m.snapshot('x').players.map((p) => p.id)).toEqual(['p1', 'p4']);
    expect(m.nodes('a')).toEqual(['d']);
  });

  it('names the players other nodes list', () => {
    const { m } = merge();
    m.update('a', 'x', { players: [pilot(1)], count: 1 });
    m.update('b', 'x', { players: [pilot(2), pilot(1)], count: 2 });
    expect(m.listedElsewhere('x', 'a')).toEqual([pilot(2), pilot(1)]);
  });
});
