import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import {
  type Bus,
  type BusErrorReporter,
  type BusHandler,
  BusHandlers,
  type BusTopic,
  type Unsubscribe,
} from './bus.js';

export interface RedisBusOptions {
  url: string;
  nodeId: string;
  /** Prefix of every key and channel: one per deployment (tests use a random one each). */
  prefix?: string;
  /** Entries a log topic keeps, approximately (XADD MAXLEN ~). Default 10,000. */
  logLength?: number;
  /** How long one blocking read waits before it asks again. Default 4 s, under node-redis's 5 s command timeout. */
  blockMs?: number;
  report?: BusErrorReporter;
}

type RedisClient = ReturnType<typeof createClient>;

/** XREAD's reply over RESP2 (the default protocol); node-redis types it as a union with RESP3's. */
type StreamsReply = Array<{
  name: string;
  messages: Array<{ id: string; message: Record<string, unknown> | null }>;
}> | null;

/** A log topic this node reads: where it is in the stream. */
interface LogCursor {
  topic: BusTopic<unknown>;
  lastId: string;
}

const DEFAULT_PREFIX = 'perihelion:bus:';
const READ_BATCH = 256;
/** Waits between attempts to reconnect to Redis. */
const RECONNECT_MS = [50, 100, 200, 500, 1000, 2000] as const;
/** Backoff after a failed read, doubling up to the last value. */
const READ_RETRY_MS = [100, 200, 500, 1000, 2000] as const;

/**
 * The bus of a cluster, on Redis. Three connections: one for commands and publishing, one in
 * subscriber mode for broadcast topics (pub/sub), and one that blocks on XREAD for log topics
 * (one Redis stream per topic). A node keeps, per log topic, the id of the last entry it handled
 * and reads on from there after a dropped connection, so it misses nothing the stream still holds;
 * its own entries it skips (it handed them to its handlers when it published them).
 */
export class RedisBus implements Bus {
  private readonly handlers: BusHandlers;
  private readonly cursors = new Map<string, LogCursor>();
  private readerId: number | null = null;
  private readerLoop: Promise<void> = Promise.resolve();
  private wakeReader: (() => void) | null = null;
  private closed = false;
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
  ) {
    this.prefix = opts.prefix ?? DEFAULT_PREFIX;
    this.logLength = opts.logLength ?? 10_000;
    this.blockMs = opts.blockMs ?? 4000;
    this.report = opts.report ?? (() => {});
    this.handlers = new BusHandlers(this.report);
  }

  /** Connects all three connections; rejects (closing what it opened) when Redis cannot be reached. */
  static async connect(opts: RedisBusOptions): Promise<RedisBus> {
    const report = opts.report ?? (() => {});
    const clients: RedisClient[] = [];
    const open = async (name: string): Promise<RedisClient> => {
      let established = false;
      const client = createClient({
        url: opts.url,
        // Named, so CLIENT LIST shows an operator which node holds which connection.
        name: `perihelion-bus:${opts.nodeId}:${name}`,
        socket: {
          // A node that cannot reach Redis at start stops, saying so; one that loses it later
          // keeps trying (its reads go on from where they were once it is back).
          reconnectStrategy: (retries: number, cause: Error) =>
            established ? (RECONNECT_MS[Math.min(retries, RECONNECT_MS.length - 1)] ?? 2000) : cause,
        },
      });
      let failure: unknown = null;
      client.on('error', (err: unknown) => {
        if (established) report(err, `redis bus (${name} connection)`);
        else failure = err;
      });
      clients.push(client);
      try {
        await client.connect();
      } catch (err) {
        // The URL may hold a password: the message names the address only through the cause.
        throw new Error(`cannot reach Redis (REDIS_URL): ${((failure ?? err) as Error).message}`);
      }
      established = true;
      return client;
    };
    try {
      const bus = new RedisBus(
        await open('commands'),
        await open('subscriber'),
        await open('reader'),
        opts.nodeId,
        opts,
      );
      bus.readerId = await bus.reader.clientId();
      bus.readerLoop = bus.readLogs();
      return bus;
    } catch (err) {
      for (const client of clients) if (client.isOpen) client.destroy();
      throw err;
    }
  }

  publish<T>(topic: BusTopic<T>, message: T): void {
    if (this.closed) {
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
    if (this.closed) throw new Error(`the bus is closed (subscribing to ${topic.name})`);
    const first = this.handlers.add(topic, handler);
    if (first) {
      try {
        if (topic.delivery === 'broadcast') {
          await this.subscriber.subscribe(this.key(topic.name), (raw) => this.onBroadcast(topic, raw));
        } else {
          this.cursors.set(topic.name, { topic, lastId: await this.lastEntryId(topic.name) });
          this.nudgeReader();
        }
      } catch (err) {
        this.handlers.remove(topic, handler);
        throw err;
      }
    }
    return () => {
      if (!this.handlers.remove(topic, handler) || this.closed) return;
      if (topic.delivery === 'broadcast') {
        this.subscriber
          .unsubscribe(this.key(topic.name))
          .catch((err: unknown) => this.report(err, 'bus unsubscribe'));
      } else {
        this.cursors.delete(topic.name);
        this.nudgeReader();
      }
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.cursors.clear();
    // Destroying the reader ends a blocked XREAD at once; the loop sees `closed` and returns.
    this.reader.destroy();
    this.subscriber.destroy();
    this.wakeReader?.();
    await this.readerLoop;
    // Publishes still in flight go out first, unless Redis is gone.
    await (this.commands.isReady ? this.commands.close() : Promise.resolve(this.commands.destroy()));
  }

  private key(topicName: string): string {
    return `${this.prefix}${topicName}`;
  }

  /** The id of the newest entry of a topic's stream ("0-0" when there is none): reading starts after it. */
  private async lastEntryId(topicName: string): Promise<string> {
    const newest = await this.commands.xRevRange(this.key(topicName), '+', '-', { COUNT: 1 });
    return newest[0]?.id ?? '0-0';
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

  private deliver(topic: BusTopic<unknown>, message: unknown, from: string): void {
    const parsed = topic.schema.safeParse(message);
    if (!parsed.success) {
      this.report(parsed.error, `bus message on ${topic.name} from ${from} does not match its schema`);
      return;
    }
    this.handlers.dispatch(topic.name, parsed.data, from);
  }

  /** Makes the reader start a new read with the current set of streams. */
  private nudgeReader(): void {
    if (this.wakeReader) {
      this.wakeReader();
      return;
    }
    if (this.readerId === null) return;
    this.commands
      .sendCommand(['CLIENT', 'UNBLOCK', String(this.readerId)])
      .catch((err: unknown) => this.report(err, 'bus reader unblock'));
  }

  private async readLogs(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      if (this.cursors.size === 0) {
        await new Promise<void>((resolve) => {
          this.wakeReader = resolve;
        });
        this.wakeReader = null;
        continue;
      }
      const streams = [...this.cursors.values()].map((c) => ({ key: this.key(c.topic.name), id: c.lastId }));
      try {
        const reply = (await this.reader.xRead(streams, {
          BLOCK: this.blockMs,
          COUNT: READ_BATCH,
        })) as unknown as StreamsReply;
        failures = 0;
        for (const stream of reply ?? []) {
          const cursor = this.cursors.get(stream.name.slice(this.prefix.length));
          if (!cursor) continue;
          for (const entry of stream.messages) {
            cursor.lastId = entry.id;
            this.onLogEntry(cursor.topic, entry.message);
          }
        }
      } catch (err) {
        if (this.closed) return;
        this.report(err, 'bus log read');
        await sleep(READ_RETRY_MS[Math.min(failures, READ_RETRY_MS.length - 1)]);
        failures += 1;
        // A reconnected reader is a new Redis client with a new id.
        this.readerId = await this.reader.clientId().catch(() => this.readerId);
      }
    }
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
}
