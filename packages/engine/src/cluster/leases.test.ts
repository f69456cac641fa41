import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LocalLeases } from './leases.js';
import { RedisLeases, type RedisLeasesOptions } from './redis-leases.js';
import { dropRedisPrefix, redisSkipReason, TEST_REDIS_URL, testRedisPrefix } from './redis-test-support.js';

/** A generous guard for conditions that need a lease to lapse, on a busy machine too. */
const EVENTUALLY = { timeout: 60_000, interval: 20 };

describe('LocalLeases', () => {
  it('holds every room, with fences that grow with every new grant and are not below the clock', async () => {
    const leases = new LocalLeases('solo');
    const before = Date.now();
    const a = await leases.claim('alpha');
    const b = await leases.claim('beta');
    expect(a).toMatchObject({ held: true });
    if (!a.held || !b.held) throw new Error('unreachable');
    expect(a.fence).toBeGreaterThanOrEqual(before);
    expect(b.fence).toBeGreaterThan(a.fence);
    expect(await leases.claim('alpha')).toEqual(a);
    await leases.release('alpha');
    expect(leases.holds('alpha')).toBe(false);
    const again = await leases.claim('alpha');
    if (!again.held) throw new Error('unreachable');
    expect(again.fence).toBeGreaterThan(b.fence);
  });
});

const redisSkip = await redisSkipReason();

describe.skipIf(redisSkip !== null)('RedisLeases: several nodes on one Redis', () => {
  const prefix = testRedisPrefix();
  const open: RedisLeases[] = [];
  const node = async (nodeId: string, extra: Partial<RedisLeasesOptions> = {}) => {
    const leases = await RedisLeases.connect({ url: TEST_REDIS_URL, nodeId, prefix, ...extra });
    open.push(leases);
    return leases;
  };
  let roomCounter = 0;
  const newRoom = () => `room-${++roomCounter}`;

  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
  });
  afterAll(async () => {
    await dropRedisPrefix(TEST_REDIS_URL, prefix);
  });

  it('grants a free room to the first claimant only, and tells the others who holds it', async () => {
    const [a, b] = [await node('a'), await node('b')];
    const room = newRoom();
    const claims = await Promise.all([a.claim(room), b.claim(room)]);
    const winners = claims.filter((c) => c.held);
    expect(winners).toHaveLength(1);
    const holder = claims[0]?.held ? a : b;
    const other = holder === a ? b : a;
    expect(holder.holds(room)).toBe(true);
    expect(other.holds(room)).toBe(false);
    expect(await other.claim(room)).toEqual({ held: false, owner: holder.nodeId });
    expect(await other.ownerOf(room)).toBe(holder.nodeId);
  });

  it('keeps the grant through renewals long past its time to live', async () => {
    const a = await node('a', { ttlMs: 2000 });
    const b = await node('b', { ttlMs: 2000 });
    const room = newRoom();
    const first = await a.claim(room);
    expect(first.held).toBe(true);
    // Several lifetimes of the grant pass; the renewals keep it (b is refused every time).
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await b.claim(room)).toEqual({ held: false, owner: 'a' });
    }
    expect(await a.claim(room)).toEqual(first);
  });

  it('gives a released room to the next claimant with a larger fence; a release by a non-holder does nothing', async () => {
    const [a, b] = [await node('a'), await node('b')];
    const room = newRoom();
    const first = await a.claim(room);
    await b.release(room);
    expect(await b.claim(room)).toEqual({ held: false, owner: 'a' });
    await a.release(room);
    expect(a.holds(room)).toBe(false);
    const second = await b.claim(room);
    if (!first.held || !second.held) throw new Error('expected both grants');
    expect(second.fence).toBeGreaterThan(first.fence);
    expect(b.fenceOf(room)).toBe(second.fence);
  });

  it('assigns a free room to another node, which adopts the grant when it claims', async () => {
    const [a, b] = [await node('a'), await node('b')];
    const room = newRoom();
    expect(await a.claim(room, 'b')).toEqual({ held: false, owner: 'b' });
    const adopted = await b.claim(room);
    expect(adopted.held).toBe(true);
    expect(await a.claim(room)).toEqual({ held: false, owner: 'b' });
  });

  it('a stalled holder stops acting as owner before another node can take over, and learns it lost the room', async () => {
    const a = await node('a', { ttlMs: 600 });
    const b = await node('b', { ttlMs: 600 });
    const room = newRoom();
    const lost = vi.fn();
    a.onLost(lost);
    const first = await a.claim(room);
    expect(first.held).toBe(true);
    // The whole process stalls (as under SIGSTOP or a long pause) for longer than the grant lasts.
    const until = performance.now() + 1500;
    while (performance.now() < until) {
      /* stalled */
    }
    // By its own clock the holder knows at once it may no longer act, before it hears from Redis.
    expect(a.holds(room)).toBe(false);
    const second = await b.claim(room);
    if (!first.held || !second.held) throw new Error('expected b to take the room over');
    expect(second.fence).toBeGreaterThan(first.fence);
    await vi.waitFor(() => expect(lost).toHaveBeenCalledWith(room), EVENTUALLY);
    expect(lost).toHaveBeenCalledTimes(1);
    expect(a.fenceOf(room)).toBeNull();
    expect(await a.claim(room)).toEqual({ held: false, owner: 'b' });
  });

  it('reports a grant taken from it (the key changed hands) as lost at the next renewal', async () => {
    const a = await node('a', { ttlMs: 400 });
    const room = newRoom();
    const lost = vi.fn();
    a.onLost(lost);
    await a.claim(room);
    // Someone else's grant replaces ours (as after an operator's manual fix).
    const { createClient } = await import('redis');
    const raw = createClient({ url: TEST_REDIS_URL });
    await raw.connect();
    await raw.set(`${prefix}lease:${room}`, 'z|1', { PX: 60_000 });
    raw.destroy();
    await vi.waitFor(() => expect(lost).toHaveBeenCalledWith(room), EVENTUALLY);
    expect(a.holds(room)).toBe(false);
  });

  it('refuses a second running node with the same id, and lets the id go on close', async () => {
    const first = await node('twin');
    await expect(RedisLeases.connect({ url: TEST_REDIS_URL, nodeId: 'twin', prefix })).rejects.toThrow(
      /NODE_ID "twin" is in use by another running node.*give every node its own NODE_ID/,
    );
    await first.close();
    const again = await node('twin');
    expect((await again.claim(newRoom())).held).toBe(true);
  });

  it('close releases every grant at once', async () => {
    const a = await node('a', { ttlMs: 60_000 });
    const b = await node('b', { ttlMs: 60_000 });
    const [r1, r2] = [newRoom(), newRoom()];
    await a.claim(r1);
    await a.claim(r2);
    await a.close();
    expect((await b.claim(r1)).held).toBe(true);
    expect((await b.claim(r2)).held).toBe(true);
  });
});
