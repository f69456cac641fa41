import type { z } from 'zod';

/**
 * How a topic's messages travel between nodes. Durable data is never only on the bus: it is
 * stored first, and the bus wakes the nodes that hold its recipients.
 */
export type BusDelivery =
  /**
   * Fire and forget (Redis pub/sub): a node that is not connected to Redis at that moment misses
   * the message. For state that is sent again anyway (presence batches, load reports, hints).
   */
  | 'broadcast'
  /**
   * An ordered log (a Redis stream, trimmed to its recent entries): a node whose Redis connection
   * drops reads on from where it was, so it misses nothing that is still in the log. For wake-ups
   * about stored data (a chat message, a notification, a sector change).
   */
  | 'log';

/** A named kind of bus message with its shape, checked on arrival from another node. */
export interface BusTopic<T> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  readonly delivery: BusDelivery;
}

export function busTopic<T>(name: string, schema: z.ZodType<T>, delivery: BusDelivery): BusTopic<T> {
  if (!/^[a-z0-9][a-z0-9:._-]*$/.test(name)) throw new Error(`bad bus topic name ${JSON.stringify(name)}`);
  return { name, schema, delivery };
}

/** `from` is the id of the node that published the message (this node's own for local ones). */
export type BusHandler<T> = (message: T, from: string) => void;

export type Unsubscribe = () => void;

/**
 * What nodes tell each other. One node runs LocalBus; a cluster runs RedisBus, where a message is
 * handed to the publishing node's own handlers at once (local delivery never waits for Redis) and
 * to every other node's handlers once each, in the order that node published them.
 */
export interface Bus {
  readonly nodeId: string;
  publish<T>(topic: BusTopic<T>, message: T): void;
  /** Resolves once messages published from then on reach the handler. */
  subscribe<T>(topic: BusTopic<T>, handler: BusHandler<T>): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** Where a bus reports what it cannot throw to anyone: a handler that threw, a bad message, Redis errors. */
export type BusErrorReporter = (err: unknown, context: string) => void;

/** The handlers of each topic on this node; a handler that throws does not stop the others. */
export class BusHandlers {
  private readonly byTopic = new Map<string, Set<BusHandler<unknown>>>();

  constructor(private readonly report: BusErrorReporter) {}

  /** Adds the handler; true when it is the topic's first. */
  add<T>(topic: BusTopic<T>, handler: BusHandler<T>): boolean {
    let set = this.byTopic.get(topic.name);
    const first = !set;
    if (!set) {
      set = new Set();
      this.byTopic.set(topic.name, set);
    }
    set.add(handler as BusHandler<unknown>);
    return first;
  }

  /** Removes the handler; true when the topic has none left. */
  remove<T>(topic: BusTopic<T>, handler: BusHandler<T>): boolean {
    const set = this.byTopic.get(topic.name);
    if (!set?.delete(handler as BusHandler<unknown>)) return false;
    if (set.size > 0) return false;
    this.byTopic.delete(topic.name);
    return true;
  }

  has(topicName: string): boolean {
    return this.byTopic.has(topicName);
  }

  dispatch(topicName: string, message: unknown, from: string): void {
    const set = this.byTopic.get(topicName);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(message, from);
      } catch (err) {
        this.report(err, `bus handler for ${topicName}`);
      }
    }
  }

  clear(): void {
    this.byTopic.clear();
  }
}

/** The bus of a single node: every message goes to this node's handlers, synchronously. */
export class LocalBus implements Bus {
  private readonly handlers: BusHandlers;

  constructor(
    readonly nodeId: string,
    report: BusErrorReporter = () => {},
  ) {
    this.handlers = new BusHandlers(report);
  }

  publish<T>(topic: BusTopic<T>, message: T): void {
    this.handlers.dispatch(topic.name, message, this.nodeId);
  }

  async subscribe<T>(topic: BusTopic<T>, handler: BusHandler<T>): Promise<Unsubscribe> {
    this.handlers.add(topic, handler);
    return () => void this.handlers.remove(topic, handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
