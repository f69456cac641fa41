import type { InboxMessage } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { InboxReader } from './inbox-reader.js';

const msg = (seq: number): InboxMessage => ({ seq, kind: 'k', text: `n${seq}`, data: {}, at: 0 });

function reader(saved = new Map<string, number>()) {
  const shown: number[] = [];
  const acks: number[] = [];
  const r = new InboxReader(
    { load: (p) => saved.get(p) ?? 0, save: (p, s) => saved.set(p, s) },
    (m) => shown.push(m.seq),
    (upTo) => acks.push(upTo),
  );
  return { r, shown, acks, saved };
}

describe('InboxReader', () => {
  it('shows each sequence number once and acknowledges every delivery, repeats included', () => {
    const { r, shown, acks } = reader();
    r.setPlayer('p1');
    for (const seq of [1, 2, 2, 3, 1, 3, 4]) r.receive(msg(seq));
    expect(shown).toEqual([1, 2, 3, 4]);
    expect(acks).toEqual([1, 2, 2, 3, 1, 3, 4]);
  });

  it('holds notifications that arrive before the player is known, then shows them in order', () => {
    const { r, shown, acks } = reader();
    r.receive(msg(1));
    r.receive(msg(2));
    expect(shown).toEqual([]);
    expect(acks).toEqual([]);
    r.setPlayer('p1');
    expect(shown).toEqual([1, 2]);
    expect(acks).toEqual([1, 2]);
  });

  it('does not show again what an earlier page showed (cursor store), but still acknowledges it', () => {
    const saved = new Map([['p1', 2]]);
    const { r, shown, acks } = reader(saved);
    r.setPlayer('p1');
    r.receive(msg(2));
    r.receive(msg(3));
    expect(shown).toEqual([3]);
    expect(acks).toEqual([2, 3]);
    expect(saved.get('p1')).toBe(3);
  });
});
