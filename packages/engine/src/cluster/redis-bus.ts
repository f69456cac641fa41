import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Bus,
  type BusErrorReporter,
  type BusHandler,
  BusHandlers,
  type BusTopic,
  type Unsubscribe,
} from './bus.js';
import { closeRedis, openRedis, type RedisClient } from './redis-connection.js';

export interface RedisBusOptions {
  url: string;
  nodeId: string;
  /** Prefix of every key and channel: one per deployment (tests use a random one each). */
  prefix?: string;
  /** Entries a log topic keeps, approximately (XADD MAXLEN ~). Default 10,000. */
  logLength?: number;
  /** How long one blocking read waits before it asks again. Default 5 s. */
  blockMs?: number;
  report?: BusErrorReporter;
}

/** XREAD's reply over RESP2 (the default protocol); node-redis types it as a union with RESP3's. */
type StreamsReply = Array<{
  name: string;
  messages: Array<{ id: string; message: Record<string, unknown> | null }>;
}> | null;

/** Where this node is in one stream: the id of the last entry it handled. */
interface Cursor {
  readonly topic: BusTopic<unknown> | null;
  readonly key: string;
  lastId: string;
}

const DEFAULT_PREFIX = 'perihelion:bus:';
const READ_BATCH = 256;
/** Backoff after a failed read, doubling up to the last value. */
const READ_RETRY_MS = [100, 200, 500, 1000, 2000] as const;
/** Commands kept while Redis is away (publishes during an outage); the data itself is stored. */
const QUEUE_LIMIT = 100_000;
/** Entries kept in a node's wake stream, and how long it outlives the node. */
const WAKE_LENGTH = 16;
const WAKE_TTL_MS = 24 * 3600 * 1000;
const CLOSE_GRACE_MS = 2000;

/**
 * The bus of a cluster, on Redis. Three connections: one for commands and publishing, one in
 * subscriber mode for broadcast topics (pub/sub), and one that blocks on XREAD for log topics (one
 * Redis stream per topic). A node keeps, per log topic, the id of the last entry it handled and
 * reads on from there after a dropped connection, so it misses nothing the stream still holds; its
 * own entries it skips (it handed them to its handlers when it published them). The reader also
 * reads a small stream of its own, which is written to when the set of topics changes: the
 * blocked read returns and starts again with the new set (no CLIENT UNBLOCK, so no admin rights).
 */
export class RedisBus implements Bus {
  private readonly handlers: BusHandlers;
  private readonly cursors = new Map<string, Cursor>();
  /** Per topic, the subscription to Redis being made (every subscriber waits for it). */
  private readonly activations = new Map<string, Promise<void>>();
  /** Per broadcast topic, the listener given to Redis (unsubscribing names it). */
  private readonly listeners = new Map<string, (raw: string) => void>();
  private readonly wake: Cursor;
  private readerLoop: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private closing: Promise<void> | null = null;
  private readonly prefix: string;
  private readonly logLength: number;
  private readonly blockMs: number;
  private readonly report: BusErrorReporter;

  private constructor(
    private readonly commands: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly reader: RedisClient,
    readonly nodeId: string,
    opts: RedisBusOptions,
    wakeFrom: string,
  ) {
    this.prefix = opts.prefix ?? DEFAULT_PREFIX;
    this.logLength = opts.logLength ?? 10_000;
    this.blockMs = opts.blockMs ?? 5000;
    this.report = opts.report ?? (() => {});
    this.handlers = new BusHandlers(this.report);
    this.wake = { topic: null, key: `${this.prefix}wake:${nodeId}`, lastId: wakeFrom };
  }

  /** Connects all three connections; rejects (closing what it opened) when Redis cannot be reached. */
  static async connect(opts: RedisBusOptions): Promise<RedisBus> {
    const report = opts.report ?? (() => {});
    const blockMs = opts.blockMs ?? 5000;
    const name = (role: string) => `perihelion-bus:${opts.nodeId}:${role}`;
    const opened: RedisClient[] = [];
    try {
      const commands = await openRedis({
        url: opts.url,
        name: name('commands'),
        report,
        queueLimit: QUEUE_LIMIT,
      });
      opened.push(commands);
      const subscriber = await openRedis({ url: opts.url, name: name('subscriber'), report });
      opened.push(subscriber);
      // The reader is always blocked in a read of at most blockMs: silence beyond that is a dead link.
      const reader = await openRedis({
        url: opts.url,
        name: name('reader'),
        report,
        socketTimeoutMs: blockMs + 5000,
      });
      opened.push(reader);
      const wakeKey = `${opts.prefix ?? DEFAULT_PREFIX}wake:${opts.nodeId}`;
      const bus = new RedisBus(
        commands,
        subscriber,
        reader,
        opts.nodeId,
        opts,
        await lastId(commands, wakeKey),
      );
      bus.readerLoop = bus.readLogs();
      return bus;
    } catch (err) {
      for (const client of opened) if (client.isOpen) client.destroy();
      throw err;
    }
  }

  publish<T>(topic: BusTopic<T>, message: T): void {
    if (this.closing) {
      // A store write that finishes while the node shuts down: nothing is lost (it is stored), and
      // the request that made it must not fail for it.
      this.report(new Error('the bus is closed'), `bus publish to ${topic.name}`);
      return;
    }
    this.handlers.dispatch(topic.name, message, this.nodeId);
    const key = this.key(topic.name);
    const sent =
      topic.delivery === 'broadcast'
        ? this.commands.publish(key, JSON.stringify({ from: this.nodeId, message }))
        : this.commands.xAdd(
            key,
            '*',
            { from: this.nodeId, message: JSON.stringify(message) },
            { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.logLength } },
          );
    sent.catch((err: unknown) => this.report(err, `bus publish to ${topic.name}`));
  }

  async subscribe<T>(topic: BusTopic<T>, handler: BusHandler<T>): Promise<Unsubscribe> {
    if (this.closing) throw new Error(`the bus is closed (subscribing to ${topic.name})`);
    if (this.handlers.add(topic, handler)) this.activations.set(topic.name, this.activate(topic));
    try {
      await this.activations.get(topic.name);
    } catch (err) {
      this.handlers.remove(topic, handler);
      this.activations.delete(topic.name);
      throw err;
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (this.handlers.remove(topic, handler) && !this.closing) this.deactivate(topic);
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.stopping.abort();
    this.handlers.clear();
    this.cursors.clear();
    // Destroying the reader ends a blocked XREAD at once; the loop sees the abort and returns.
    this.reader.destroy();
    this.subscriber.destroy();
    await this.readerLoop;
    // Publishes still in flight go out first, unless Redis is away.
    await closeRedis(this.commands, CLOSE_GRACE_MS);
  }

  private key(topicName: string): string {
    return `${this.prefix}${topicName}`;
  }

  /** Starts receiving a topic from Redis (its first handler on this node). */
  private async activate(topic: BusTopic<unknown>): Promise<void> {
    const key = this.key(topic.name);
    if (topic.delivery === 'broadcast') {
      const listener = (raw: string) => this.onBroadcast(topic, raw);
      this.listeners.set(topic.name, listener);
      await this.subscriber.subscribe(key, listener);
      return;
    }
    const cursor: Cursor = { topic, key, lastId: await lastId(this.commands, key) };
    // Unsubscribed meanwhile: nothing to read.
    if (!this.handlers.has(topic.name) || this.closing) return;
    this.cursors.set(topic.name, cursor);
    this.nudgeReader();
  }

  /** Stops receiving a topic (its last handler on this node is gone). */
  private deactivate(topic: BusTopic<unknown>): void {
    this.activations.delete(topic.name);
    if (topic.delivery === 'broadcast') {
      const listener = this.listeners.get(topic.name);
      this.listeners.delete(topic.name);
      // Naming the listener makes node-redis mark the channel as leaving, so a subscribe right
      // after sends a fresh SUBSCRIBE instead of joining the one being torn down.
      this.subscriber
        .unsubscribe(this.key(topic.name), listener)
        .catch((err: unknown) => this.report(err, 'bus unsubscribe'));
      return;
    }
    this.cursors.delete(topic.name);
    this.nudgeReader();
  }

  /** Makes the blocked read return, so the next one reads the current set of topics. */
  private nudgeReader(): void {
    this.commands
      .xAdd(
        this.wake.key,
        '*',
        { wake: '1' },
        { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: WAKE_LENGTH } },
      )
      .then(() => (this.closing ? undefined : this.commands.pExpire(this.wake.key, WAKE_TTL_MS)))
      .catch((err: unknown) => {
        // Topics dropped as the node shuts down: the reader is going away anyway.
        if (!this.closing) this.report(err, 'bus reader wake-up');
      });
  }

  private async readLogs(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      // The cursors this read uses: a reply is applied only to a cursor still in place.
      const reading = [this.wake, ...this.cursors.values()];
      try {
        const reply = (await this.reader.xRead(
          reading.map((c) => ({ key: c.key, id: c.lastId })),
          { BLOCK: this.blockMs, COUNT: READ_BATCH },
        )) as unknown as StreamsReply;
        failures = 0;
        for (const stream of reply ?? []) {
          const cursor = reading.find((c) => c.key === stream.name);
          if (!cursor || (cursor.topic && this.cursors.get(cursor.topic.name) !== cursor)) continue;
          for (const entry of stream.messages) {
            cursor.lastId = entry.id;
            if (cursor.topic) this.onLogEntry(cursor.topic, entry.message);
          }
        }
      } catch (err) {
        if (this.stopping.signal.aborted) return;
        this.report(err, 'bus log read');
        const wait = READ_RETRY_MS[Math.min(failures, READ_RETRY_MS.length - 1)];
        failures += 1;
        await sleep(wait, undefined, { signal: this.stopping.signal }).catch(() => {});
      }
    }
  }

  private onBroadcast(topic: BusTopic<unknown>, raw: string): void {
    let envelope: { from?: unknown; message?: unknown };
    try {
      envelope = JSON.parse(raw) as typeof envelope;
    } catch (err) {
      this.report(err, `bus message on ${topic.name} is not JSON`);
      return;
    }
    if (typeof envelope.from !== 'string') {
      this.report(new Error('no sender'), `bus message on ${topic.name}`);
      return;
    }
    if (envelope.from === this.nodeId) return;
    this.deliver(topic, envelope.message, envelope.from);
  }

  private onLogEntry(topic: BusTopic<unknown>, fields: Record<string, unknown> | null): void {
    const from = fields?.from;
    const text = fields?.message;
    if (typeof from !== 'string' || typeof text !== 'string') {
      this.report(new Error('malformed entry'), `bus log ${topic.name}`);
      return;
    }
    if (from === this.nodeId) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (err) {
      this.report(err, `bus log entry on ${topic.name} is not JSON`);
      return;
    }
    this.deliver(topic, message, from);
  }

  private deliver(topic: BusTopic<unknown>, message: unknown, from: string): void {
    const parsed = topic.schema.safeParse(message);
    if (!parsed.success) {
      this.report(parsed.error, `bus message on ${topic.name} from ${from} does not match its schema`);
      return;
    }
    this.handlers.dispatch(topic.name, parsed.data, from);
  }
}

/** The id of a stream's newest entry ("0-0" when there is none): reading starts after it. */
async function lastId(client: RedisClient, key: string): Promise<string> {
  const newest = await client.xRevRange(key, '+', '-', { COUNT: 1 });
  return newest[0]?.id ?? '0-0';
}
