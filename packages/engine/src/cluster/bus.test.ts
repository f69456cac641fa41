import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createClient } from 'redis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { busTopic, LocalBus } from './bus.js';
import { RedisBus } from './redis-bus.js';
import { dropRedisPrefix, redisSkipReason, TEST_REDIS_URL, testRedisPrefix } from './redis-test-support.js';

const note = busTopic('test:note', z.object({ n: z.number().int(), text: z.string() }), 'log');
const marker = busTopic('test:marker', z.object({ n: z.number().int() }), 'log');
const ping = busTopic('test:ping', z.object({ n: z.number().int() }), 'broadcast');
/** A generous guard for conditions that need Redis round trips, on a busy machine too. */
const EVENTUALLY = { timeout: 60_000, interval: 20 };
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('LocalBus', () => {
  it('hands a message to every handler of its topic at once, with this node as the sender', async () => {
    const bus = new LocalBus('solo');
    const seen: string[] = [];
    await bus.subscribe(note, (m, from) => seen.push(`1:${from}:${m.n}`));
    await bus.subscribe(note, (m, from) => seen.push(`2:${from}:${m.n}`));
    await bus.subscribe(ping, () => seen.push('ping'));
    bus.publish(note, { n: 7, text: 'x' });
    expect(seen).toEqual(['1:solo:7', '2:solo:7']);
  });

  it('stops after unsubscribe, and a handler that throws is reported without stopping the others', async () => {
    const reported: string[] = [];
    const bus = new LocalBus('solo', (_err, context) => reported.push(context));
    const seen: number[] = [];
    await bus.subscribe(note, () => {
      throw new Error('boom');
    });
    const stop = await bus.subscribe(note, (m) => seen.push(m.n));
    bus.publish(note, { n: 1, text: '' });
    stop();
    bus.publish(note, { n: 2, text: '' });
    expect(seen).toEqual([1]);
    expect(reported).toEqual(['bus handler for test:note', 'bus handler for test:note']);
  });
});

describe('RedisBus without Redis', () => {
  it('refuses to start, saying that Redis cannot be reached', async () => {
    // A port nothing listens on: taken, then let go.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(RedisBus.connect({ url: `redis://127.0.0.1:${port}`, nodeId: 'lonely' })).rejects.toThrow(
      /cannot reach Redis \(REDIS_URL\): connect ECONNREFUSED/,
    );
  });
});

const redisSkip = await redisSkipReason();

describe.skipIf(redisSkip !== null)('RedisBus: several nodes on one Redis', () => {
  const prefix = testRedisPrefix();
  const open: RedisBus[] = [];
  const errors: string[] = [];

  async function node(name: string, blockMs?: number): Promise<RedisBus> {
    const nodeId = `${name}-${randomBytes(4).toString('hex')}`;
    const bus = await RedisBus.connect({
      url: TEST_REDIS_URL,
      nodeId,
      prefix,
      ...(blockMs !== undefined ? { blockMs } : {}),
      report: (err, context) => errors.push(`${nodeId}: ${context}: ${(err as Error).message}`),
    });
    open.push(bus);
    return bus;
  }

  async function withAdmin<T>(fn: (admin: ReturnType<typeof createClient>) => Promise<T>): Promise<T> {
    const admin = createClient({ url: TEST_REDIS_URL });
    admin.on('error', () => {});
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      admin.destroy();
    }
  }

  /** The ids of the Redis connections a node's bus holds, from CLIENT LIST. */
  async function connectionsOf(nodeId: string): Promise<string[]> {
    return withAdmin(async (admin) => {
      const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
      return list
        .split('\n')
        .filter((line) => line.includes(` name=perihelion-bus:${nodeId}:`))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1] ?? '')
        .filter(Boolean);
    });
  }

  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
    errors.length = 0;
  });
  afterAll(async () => {
    await dropRedisPrefix(TEST_REDIS_URL, prefix);
  });

  it('log topic: every node gets every message once, in the order each node published it (its own at once)', async () => {
    const a = await node('a');
    const b = await node('b');
    const seenA: string[] = [];
    const seenB: string[] = [];
    await a.subscribe(note, (m, from) => seenA.push(`${from}:${m.n}`));
    await b.subscribe(note, (m, from) => seenB.push(`${from}:${m.n}`));
    for (const i of range(100)) {
      a.publish(note, { n: i, text: 'from a' });
      b.publish(note, { n: i, text: 'from b' });
    }
    // Local delivery does not wait for Redis.
    expect(seenA.filter((s) => s.startsWith(`${a.nodeId}:`))).toHaveLength(100);
    await vi.waitFor(() => {
      expect(seenA).toHaveLength(200);
      expect(seenB).toHaveLength(200);
    }, EVENTUALLY);
    for (const seen of [seenA, seenB]) {
      for (const from of [a.nodeId, b.nodeId]) {
        expect(seen.filter((s) => s.startsWith(`${from}:`))).toEqual(range(100).map((i) => `${from}:${i}`));
      }
    }
    expect(errors).toEqual([]);
  });

  it('log topic: a node whose Redis connections are cut reads on from where it was and misses nothing', async () => {
    const a = await node('a');
    const b = await node('b');
    const seen: number[] = [];
    await b.subscribe(note, (m) => seen.push(m.n));
    for (const i of range(50)) a.publish(note, { n: i, text: '' });
    await vi.waitFor(() => expect(seen).toHaveLength(50), EVENTUALLY);

    const ids = await connectionsOf(b.nodeId);
    expect(ids).toHaveLength(3);
    await withAdmin(async (admin) => {
      for (const id of ids) await admin.sendCommand(['CLIENT', 'KILL', 'ID', id]);
    });
    for (const i of range(50)) a.publish(note, { n: 50 + i, text: '' });

    await vi.waitFor(() => expect(seen).toHaveLength(100), EVENTUALLY);
    expect(seen).toEqual(range(100));
    // b noticed: its read failed and it reconnected.
    expect(errors.some((e) => e.startsWith(b.nodeId))).toBe(true);
  });

  it('broadcast topic: reaches every node once, the publisher at once', async () => {
    const a = await node('a');
    const b = await node('b');
    const c = await node('c');
    const seen: string[] = [];
    for (const bus of [a, b, c])
      await bus.subscribe(ping, (m, from) => seen.push(`${bus.nodeId}<${from}:${m.n}`));
    a.publish(ping, { n: 1 });
    expect(seen).toEqual([`${a.nodeId}<${a.nodeId}:1`]);
    await vi.waitFor(() => expect(seen).toHaveLength(3), EVENTUALLY);
    expect(seen.sort()).toEqual([a, b, c].map((bus) => `${bus.nodeId}<${a.nodeId}:1`).sort());
  });

  it('a message that does not match its topic is reported and dropped; the next one arrives', async () => {
    const a = await node('a');
    const b = await node('b');
    const seen: number[] = [];
    await b.subscribe(note, (m) => seen.push(m.n));
    await withAdmin(async (admin) => {
      await admin.xAdd(`${prefix}${note.name}`, '*', { from: 'elsewhere', message: '{"n":"seven"}' });
      await admin.xAdd(`${prefix}${note.name}`, '*', { from: 'elsewhere', message: 'not json' });
    });
    a.publish(note, { n: 8, text: 'fine' });
    await vi.waitFor(() => expect(seen).toEqual([8]), EVENTUALLY);
    expect(errors.filter((e) => e.startsWith(b.nodeId))).toEqual([
      expect.stringContaining('does not match its schema'),
      expect.stringContaining('is not JSON'),
    ]);
  });

  it('a node subscribed later gets what is published from then on, not what came before', async () => {
    const a = await node('a');
    const b = await node('b');
    a.publish(note, { n: 1, text: 'before' });
    await withAdmin(async (admin) => {
      await vi.waitFor(
        async () => expect(await admin.xLen(`${prefix}${note.name}`)).toBeGreaterThan(0),
        EVENTUALLY,
      );
    });
    const seen: number[] = [];
    await b.subscribe(note, (m) => seen.push(m.n));
    a.publish(note, { n: 2, text: 'after' });
    await vi.waitFor(() => expect(seen).toEqual([2]), EVENTUALLY);
  });

  it('unsubscribe stops delivery, and close lets go of every connection', async () => {
    const a = await node('a');
    const b = await node('b');
    const seen: number[] = [];
    const stop = await b.subscribe(note, (m) => seen.push(m.n));
    const markers: number[] = [];
    await b.subscribe(marker, (m) => markers.push(m.n));
    a.publish(note, { n: 1, text: '' });
    await vi.waitFor(() => expect(seen).toEqual([1]), EVENTUALLY);
    stop();
    a.publish(note, { n: 2, text: '' });
    // The marker is stored after note 2: a read that returns it would have returned note 2 as well
    // had b still been reading that topic, and one read's entries are all handled before the next.
    a.publish(marker, { n: 3 });
    await vi.waitFor(() => expect(markers).toEqual([3]), EVENTUALLY);
    expect(seen).toEqual([1]);

    expect(await connectionsOf(b.nodeId)).toHaveLength(3);
    await b.close();
    await vi.waitFor(async () => expect(await connectionsOf(b.nodeId)).toEqual([]), EVENTUALLY);
    errors.length = 0;
    b.publish(note, { n: 4, text: '' });
    expect(errors).toEqual([`${b.nodeId}: bus publish to test:note: the bus is closed`]);
  });

  it('a topic subscribed while the reader is blocked is read at once, not after the block runs out', async () => {
    // Blocks far longer than the guard: only the wake-up can make these arrive in time.
    const a = await node('a');
    const b = await node('b', 600_000);
    const first: number[] = [];
    await b.subscribe(note, (m) => first.push(m.n));
    a.publish(note, { n: 1, text: '' });
    await vi.waitFor(() => expect(first).toEqual([1]), EVENTUALLY);
    const later: number[] = [];
    await b.subscribe(marker, (m) => later.push(m.n));
    a.publish(marker, { n: 2 });
    await vi.waitFor(() => expect(later).toEqual([2]), EVENTUALLY);
  });

  it('a topic unsubscribed and subscribed again is received again, once', async () => {
    const a = await node('a');
    const b = await node('b');
    for (const topic of [ping, marker] as const) {
      const seen: number[] = [];
      const stop = await b.subscribe(topic, (m) => seen.push(m.n));
      stop();
      await b.subscribe(topic, (m) => seen.push(m.n));
      a.publish(topic, { n: 5 });
      await vi.waitFor(() => expect(seen).toEqual([5]), EVENTUALLY);
    }
  });

  it('subscribers arriving together all wait until the topic is received', async () => {
    const a = await node('a');
    const b = await node('b');
    const seen: string[] = [];
    await Promise.all([
      b.subscribe(note, (m) => seen.push(`1:${m.n}`)),
      b.subscribe(note, (m) => seen.push(`2:${m.n}`)),
    ]);
    a.publish(note, { n: 9, text: '' });
    await vi.waitFor(() => expect(seen.sort()).toEqual(['1:9', '2:9']), EVENTUALLY);
  });
});
