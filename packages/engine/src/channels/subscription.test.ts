import type { ChatMessage } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { quietLogger } from '../durable/test-support.js';
import { MAX_BATCH, Subscription } from './subscription.js';
import { principal, RecordingChat } from './test-support.js';

const message = (offset: number): ChatMessage => ({
  offset,
  sender: { id: 'p', name: 'P' },
  text: `m${offset}`,
  at: 0,
});

/** A channel's stored messages, readable like the store (pages after an offset). */
function storeOf(offsets: number[]) {
  const stored = offsets.map(message);
  const reads: number[] = [];
  return {
    stored,
    reads,
    read: async (_channel: string, after: number, limit: number) => {
      reads.push(after);
      return stored.filter((m) => m.offset > after).slice(0, limit);
    },
  };
}

describe('subscription delivery', () => {
  it('holds live messages until started, then sends each offset once and in order', async () => {
    const conn = new RecordingChat(principal('ada'));
    const s = storeOf([1, 2, 3, 4, 5]);
    const sub = new Subscription(conn, 'global', s.read, quietLogger());
    sub.live(message(5));
    sub.live(message(4));
    expect(conn.log).toEqual([]);
    sub.start(2);
    sub.live(message(3));
    await sub.idle();
    expect(conn.offsets('global')).toEqual([3, 4, 5]);
    // The next offset goes straight out, without reading the store.
    s.stored.push(message(6));
    const readsBefore = s.reads.length;
    sub.live(message(6));
    await sub.idle();
    expect(conn.offsets('global')).toEqual([3, 4, 5, 6]);
    expect(s.reads.length).toBe(readsBefore);
  });

  it('a message that overtook an earlier one is sent after it, from the store', async () => {
    const conn = new RecordingChat(principal('ada'));
    const s = storeOf([1, 2, 3]);
    const sub = new Subscription(conn, 'global', s.read, quietLogger());
    sub.start(1);
    await sub.idle();
    sub.live(message(3));
    sub.live(message(2));
    await sub.idle();
    expect(conn.offsets('global')).toEqual([2, 3]);
  });

  it(`sends a long replay in batches of at most ${MAX_BATCH}`, async () => {
    const conn = new RecordingChat(principal('ada'));
    const all = Array.from({ length: 250 }, (_, i) => i + 1);
    const sub = new Subscription(conn, 'global', storeOf(all).read, quietLogger());
    sub.start(0);
    await sub.idle();
    expect(conn.events('channel:messages').map((b) => b.messages.length)).toEqual([100, 100, 50]);
    expect(conn.offsets('global')).toEqual(all);
  });

  it('drops the connection when retention removed what it was not sent yet', async () => {
    const conn = new RecordingChat(principal('ada'));
    const sub = new Subscription(conn, 'global', storeOf([7, 8, 9]).read, quietLogger());
    sub.start(3);
    await sub.idle();
    expect(conn.offsets('global')).toEqual([]);
    expect(conn.dropped).toMatch(/retained history/);
  });

  it('a failed catch-up read is retried by itself: nothing waits for another message', async () => {
    const conn = new RecordingChat(principal('ada'));
    let failures = 2;
    const s = storeOf([1, 2]);
    const sub = new Subscription(
      conn,
      'global',
      async (c, after, limit) => {
        if (failures > 0) {
          failures--;
          throw new Error('store down');
        }
        return s.read(c, after, limit);
      },
      quietLogger(),
      { retryDelaysMs: [1, 1, 1] },
    );
    sub.start(0);
    await sub.idle();
    expect(conn.offsets('global')).toEqual([1, 2]);
    expect(conn.dropped).toBeNull();
    sub.close();
    sub.live(message(3));
    await sub.idle();
    expect(conn.offsets('global')).toEqual([1, 2]);
  });

  it('a catch-up that keeps failing drops the connection, so the client resubscribes', async () => {
    const conn = new RecordingChat(principal('ada'));
    let reads = 0;
    const sub = new Subscription(
      conn,
      'global',
      async () => {
        reads++;
        throw new Error('store down');
      },
      quietLogger(),
      { retryDelaysMs: [1, 1] },
    );
    sub.start(0);
    await sub.idle();
    expect(reads).toBe(3);
    expect(conn.dropped).toMatch(/could not read global/);
    expect(sub.closed).toBe(true);
  });

  it('closing during a retry pause stops the retries at once', async () => {
    const conn = new RecordingChat(principal('ada'));
    let reads = 0;
    const sub = new Subscription(
      conn,
      'global',
      async () => {
        reads++;
        throw new Error('store down');
      },
      quietLogger(),
      { retryDelaysMs: [60_000] },
    );
    sub.start(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    sub.close();
    await sub.idle();
    expect(reads).toBe(1);
    expect(conn.dropped).toBeNull();
  });
});
