import { describe, expect, it } from 'vitest';
import { quietLogger, range } from '../durable/test-support.js';
import { ChannelFeed, FEED_RECENT } from './channel-feed.js';
import { type ReadAfter, Subscription } from './subscription.js';
import { CountingFanout, message, principal, RecordingChat, storeOf } from './test-support.js';

/** A read that waits until `release()` before it answers (one slow catch-up). */
function gated(read: ReadAfter) {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reached: () => void = () => {};
  const waiting = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const slow: ReadAfter = async (channel, after, limit) => {
    reached();
    await gate;
    return read(channel, after, limit);
  };
  return { read: slow, release: open, waiting };
}

function setup(offsets: number[], feedRead?: ReadAfter) {
  const s = storeOf(offsets);
  const fanout = new CountingFanout();
  const feed = new ChannelFeed({
    channel: 'global',
    group: 'g',
    read: feedRead ?? s.read,
    fanout,
    logger: quietLogger(),
    retryDelaysMs: [1],
  });
  /** A subscription registered with the feed, not started yet. */
  const register = (name: string, read: ReadAfter = s.read) => {
    const conn = new RecordingChat(principal(name));
    const sub = new Subscription(conn, 'global', read, quietLogger(), (x) => feed.offer(x));
    feed.add(sub);
    return { conn, sub };
  };
  const subscribe = async (name: string, after: number, read?: ReadAfter) => {
    const r = register(name, read);
    r.sub.start(after);
    await r.sub.idle();
    return r;
  };
  /** Stores a message and delivers it, as the writer does. */
  const publish = (offset: number) => {
    s.stored.push(message(offset));
    feed.deliver(message(offset));
  };
  return { s, fanout, feed, register, subscribe, publish };
}

describe('channel feed', () => {
  it('broadcasts each message once to every member, in order, even when deliveries overtake', async () => {
    const { s, fanout, feed, subscribe, publish } = setup([1, 2, 3]);
    const members = [];
    for (const i of range(1, 1000)) members.push(await subscribe(`p${i}`, 0));
    expect(feed.memberCount).toBe(1000);
    for (const { conn } of members) expect(conn.offsets('global')).toEqual([1, 2, 3]);
    publish(4);
    await feed.idle();
    expect(fanout.emits).toBe(1);
    // 6 is delivered before 5: the feed reads the store from where it is, once for everyone.
    s.stored.push(message(5), message(6));
    const readsBefore = s.reads.length;
    feed.deliver(message(6));
    feed.deliver(message(5));
    await feed.idle();
    expect(fanout.emits).toBe(2);
    expect(s.reads.length - readsBefore).toBe(1);
    for (const { conn, sub } of members) {
      expect(conn.offsets('global')).toEqual([1, 2, 3, 4, 5, 6]);
      expect(sub.sentUpTo).toBe(6);
    }
  });

  it('keeps what is delivered before anyone caught up and broadcasts it from where the first did', async () => {
    const { feed, register } = setup([1, 2]);
    const ada = register('ada');
    ada.sub.start(0);
    // Stored after ada's read looked: only its delivery can bring it.
    feed.deliver(message(3));
    await ada.sub.idle();
    await feed.idle();
    expect(ada.conn.offsets('global')).toEqual([1, 2, 3]);
  });

  it('a subscription a little behind gets the recent messages directly; further behind, it reads again', async () => {
    const { s, feed, subscribe, register, publish } = setup([1, 2]);
    const ada = await subscribe('ada', 0);
    const near = gated(s.read);
    const bob = register('bob', near.read);
    bob.sub.start(0);
    await near.waiting;
    for (const offset of [3, 4, 5]) publish(offset);
    await feed.idle();
    // Bob's read answers as of now: 1…5. It joins at the feed's position.
    near.release();
    await bob.sub.idle();
    expect(bob.conn.offsets('global')).toEqual([1, 2, 3, 4, 5]);
    expect(bob.sub.feed).toBe(feed);

    // Carl's read saw 1…5, and FEED_RECENT + 5 more went out before he offered himself.
    let first = true;
    const carl = register('carl', async (channel, after, limit) => {
      const page = await s.read(channel, after, limit);
      if (first) {
        first = false;
        for (const offset of range(6, FEED_RECENT + 10)) publish(offset);
        await feed.idle();
      }
      return page;
    });
    const readsBefore = s.reads.length;
    carl.sub.start(0);
    await carl.sub.idle();
    const all = range(1, FEED_RECENT + 10);
    expect(carl.conn.offsets('global')).toEqual(all);
    expect(s.reads.length - readsBefore).toBeGreaterThanOrEqual(2);
    publish(FEED_RECENT + 11);
    await feed.idle();
    for (const { conn } of [ada, bob, carl])
      expect(conn.offsets('global')).toEqual([...all, FEED_RECENT + 11]);

    // Dave is 3 behind when he offers himself: the feed sends him those 3 itself.
    let once = true;
    const dave = register('dave', async (channel, after, limit) => {
      const page = await s.read(channel, after, limit);
      if (once) {
        once = false;
        for (const offset of range(FEED_RECENT + 12, FEED_RECENT + 14)) publish(offset);
        await feed.idle();
      }
      return page;
    });
    const before = s.reads.length;
    dave.sub.start(0);
    await dave.sub.idle();
    expect(s.reads.length - before).toBe(1);
    expect(dave.conn.offsets('global')).toEqual(range(1, FEED_RECENT + 14));
  });

  it('a subscription ahead of the feed waits, and joins once the feed gets there', async () => {
    const { s, feed, subscribe } = setup([1, 2]);
    const ada = await subscribe('ada', 0);
    // Stored, but its delivery has not reached the feed yet when bob reads it.
    s.stored.push(message(3));
    const bob = await subscribe('bob', 0);
    expect(bob.conn.offsets('global')).toEqual([1, 2, 3]);
    // The feed reads the store to get there; ada gets 3, and bob is a member from 3 on.
    await feed.idle();
    expect(ada.conn.offsets('global')).toEqual([1, 2, 3]);
    expect(bob.sub.feed).toBe(feed);
    feed.deliver(message(3));
    s.stored.push(message(4));
    feed.deliver(message(4));
    await feed.idle();
    expect(ada.conn.offsets('global')).toEqual([1, 2, 3, 4]);
    expect(bob.conn.offsets('global')).toEqual([1, 2, 3, 4]);
  });

  it('a removed member gets nothing more; the last one out leaves the feed empty', async () => {
    const { feed, subscribe, publish } = setup([1]);
    const ada = await subscribe('ada', 0);
    const bob = await subscribe('bob', 0);
    expect(feed.remove(ada.sub)).toBe(false);
    ada.sub.close();
    publish(2);
    await feed.idle();
    expect(ada.conn.offsets('global')).toEqual([1]);
    expect(bob.conn.offsets('global')).toEqual([1, 2]);
    expect(feed.remove(bob.sub)).toBe(true);
  });

  it('a feed that cannot read the store drops its members; the next one to catch up starts it again', async () => {
    let broken = true;
    const s = storeOf([1, 2]);
    const { feed, subscribe } = setup([], async (channel, after, limit) => {
      if (broken) throw new Error('store down');
      return s.read(channel, after, limit);
    });
    const ada = await subscribe('ada', 0, s.read);
    expect(ada.conn.offsets('global')).toEqual([1, 2]);
    // 4 overtook 3: the feed must read the store, and cannot.
    s.stored.push(message(3), message(4));
    feed.deliver(message(4));
    await feed.idle();
    expect(ada.conn.dropped).toMatch(/could not read global/);
    expect(ada.sub.closed).toBe(true);
    expect(feed.memberCount).toBe(0);
    broken = false;
    feed.remove(ada.sub);
    const bob = await subscribe('bob', 0, s.read);
    expect(bob.conn.offsets('global')).toEqual([1, 2, 3, 4]);
    expect(bob.sub.feed).toBe(feed);
  });
});
