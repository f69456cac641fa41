import { describe, expect, it } from 'vitest';
import { eventually, quietLogger } from '../durable/test-support.js';
import { MAX_BATCH, Subscription } from './subscription.js';
import { message, principal, RecordingChat, storeOf } from './test-support.js';

describe('subscription catch-up', () => {
  it('reads the replay after its position once started, then hands itself to the feed', async () => {
    const conn = new RecordingChat(principal('ada'));
    const s = storeOf([1, 2, 3, 4, 5]);
    const offered: number[] = [];
    const sub = new Subscription(conn, 'global', s.read, quietLogger(), (x) => offered.push(x.sentUpTo));
    await Promise.resolve();
    expect(s.reads).toEqual([]);
    sub.start(2);
    await sub.idle();
    expect(conn.offsets('global')).toEqual([3, 4, 5]);
    expect(offered).toEqual([5]);
    // Offered again after reading what it lacks (the feed was further ahead than it keeps).
    s.stored.push(message(6), message(7));
    sub.resume();
    await sub.idle();
    expect(conn.offsets('global')).toEqual([3, 4, 5, 6, 7]);
    expect(offered).toEqual([5, 7]);
  });

  it('once in a feed, sentUpTo follows the feed and nothing is sent on its own', async () => {
    const conn = new RecordingChat(principal('ada'));
    const s = storeOf([1, 2]);
    const feed = { upTo: 2 };
    const sub = new Subscription(conn, 'global', s.read, quietLogger(), (x) => x.joined(feed));
    sub.start(0);
    await sub.idle();
    expect(sub.sentUpTo).toBe(2);
    feed.upTo = 9;
    expect(sub.sentUpTo).toBe(9);
    sub.sendNow([message(3)]);
    expect(conn.offsets('global')).toEqual([1, 2]);
    sub.close();
    expect(sub.sentUpTo).toBe(9);
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
    let offered = 0;
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
      () => offered++,
      { retryDelaysMs: [1, 1, 1] },
    );
    sub.start(0);
    await sub.idle();
    expect(conn.offsets('global')).toEqual([1, 2]);
    expect(conn.dropped).toBeNull();
    expect(offered).toBe(1);
  });

  it('a catch-up that keeps failing drops the connection, so the client resubscribes', async () => {
    const conn = new RecordingChat(principal('ada'));
    let reads = 0;
    let offered = 0;
    const sub = new Subscription(
      conn,
      'global',
      async () => {
        reads++;
        throw new Error('store down');
      },
      quietLogger(),
      () => offered++,
      { retryDelaysMs: [1, 1] },
    );
    sub.start(0);
    await sub.idle();
    expect(reads).toBe(3);
    expect(conn.dropped).toMatch(/could not read global/);
    expect(sub.closed).toBe(true);
    expect(offered).toBe(0);
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
      () => {},
      { retryDelaysMs: [60_000] },
    );
    sub.start(0);
    await eventually(() => expect(reads).toBe(1));
    sub.close();
    await sub.idle();
    expect(reads).toBe(1);
    expect(conn.dropped).toBeNull();
  });
});
