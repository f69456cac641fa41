import type { InboxMessage } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InboxReader, type InboxReaderOptions } from './inbox-reader.js';

const msg = (seq: number): InboxMessage => ({ seq, kind: 'k', text: `n${seq}`, data: {}, at: 0 });
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Lets the microtasks queued so far run (the reader acknowledges from one). */
const microtasks = () => new Promise<void>((resolve) => queueMicrotask(resolve));

function reader(saved = new Map<string, number>(), options?: InboxReaderOptions) {
  const shown: number[] = [];
  const acks: number[] = [];
  const r = new InboxReader(
    { load: (p) => saved.get(p) ?? 0, save: (p, s) => saved.set(p, s) },
    (m) => shown.push(m.seq),
    (upTo) => acks.push(upTo),
    options,
  );
  return { r, shown, acks, saved };
}

describe('InboxReader', () => {
  // Only the acknowledgement interval's timeouts are faked; microtasks are real.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows each sequence number once, in order; acknowledges a batch once, with the highest seq', async () => {
    const { r, shown, acks } = reader();
    r.setPlayer('p1');
    for (const seq of [1, 2, 2, 3, 1, 3, 4]) r.receive(msg(seq));
    expect(acks).toEqual([]);
    await microtasks();
    expect(shown).toEqual([1, 2, 3, 4]);
    expect(acks).toEqual([4]);
  });

  it('acknowledges repeats too (with the highest seq received), so the server’s pointer moves', async () => {
    const { r, shown, acks } = reader();
    r.setPlayer('p1');
    r.receive(msg(1));
    r.receive(msg(2));
    await microtasks();
    vi.advanceTimersByTime(100);
    // A reconnect resends what the server had not stored as acknowledged.
    r.receive(msg(1));
    r.receive(msg(2));
    await microtasks();
    expect(shown).toEqual([1, 2]);
    expect(acks).toEqual([2, 2]);
  });

  it('holds notifications that arrive before the player is known, then shows them in order', async () => {
    const { r, shown, acks } = reader();
    r.receive(msg(1));
    r.receive(msg(2));
    await microtasks();
    expect(shown).toEqual([]);
    expect(acks).toEqual([]);
    r.setPlayer('p1');
    expect(shown).toEqual([1, 2]);
    await microtasks();
    expect(acks).toEqual([2]);
  });

  it('a backlog of 120 released at once by setPlayer costs one acknowledgement', async () => {
    const { r, shown, acks } = reader();
    for (let seq = 1; seq <= 120; seq++) r.receive(msg(seq));
    r.setPlayer('p1');
    await microtasks();
    vi.advanceTimersByTime(1000);
    await microtasks();
    expect(shown).toEqual(range(1, 120));
    expect(acks).toEqual([120]);
  });

  it('120 notifications arriving one task each (WebSocket) cost a few acknowledgements', async () => {
    const { r, shown, acks } = reader();
    r.setPlayer('p1');
    for (let seq = 1; seq <= 120; seq++) {
      r.receive(msg(seq));
      await microtasks();
      if (seq % 40 === 0) vi.advanceTimersByTime(100);
    }
    vi.advanceTimersByTime(100);
    expect(shown).toEqual(range(1, 120));
    // The first at once, then one per interval with the highest seq received by its end.
    expect(acks).toEqual([1, 40, 80, 120]);
    // Quiet for an interval: the next receipt is acknowledged at once again.
    vi.advanceTimersByTime(100);
    r.receive(msg(121));
    await microtasks();
    expect(acks).toEqual([1, 40, 80, 120, 121]);
  });

  it('with no interval, acknowledges once per microtask', async () => {
    const { r, acks } = reader(new Map(), { ackIntervalMs: 0 });
    r.setPlayer('p1');
    r.receive(msg(1));
    r.receive(msg(2));
    await microtasks();
    r.receive(msg(3));
    await microtasks();
    r.receive(msg(1));
    await microtasks();
    expect(acks).toEqual([2, 3, 3]);
  });

  it('does not show again what an earlier page showed (cursor store), but still acknowledges it', async () => {
    const saved = new Map([['p1', 2]]);
    const { r, shown, acks } = reader(saved);
    r.setPlayer('p1');
    r.receive(msg(2));
    await microtasks();
    expect(acks).toEqual([2]);
    r.receive(msg(3));
    vi.advanceTimersByTime(100);
    expect(shown).toEqual([3]);
    expect(acks).toEqual([2, 3]);
    expect(saved.get('p1')).toBe(3);
  });

  it('never acknowledges one player’s receipts as another’s', async () => {
    const { r, acks } = reader(new Map(), { ackIntervalMs: 0 });
    r.setPlayer('p1');
    r.receive(msg(7));
    r.setPlayer('p2');
    await microtasks();
    expect(acks).toEqual([]);
    r.receive(msg(1));
    await microtasks();
    expect(acks).toEqual([1]);
  });
});
