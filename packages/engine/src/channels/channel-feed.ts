import type { ChatMessage } from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { ChatFanout } from './chat-fanout.js';
import {
  CATCH_UP_RETRY_DELAYS_MS,
  MAX_BATCH,
  pause,
  type ReadAfter,
  type Subscription,
} from './subscription.js';

/**
 * Messages a feed keeps after broadcasting them: a subscription that caught up while a few more
 * went out gets those from here instead of reading the store again.
 */
export const FEED_RECENT = 32;

export interface ChannelFeedOptions {
  channel: string;
  /** The fanout group of the feed's members. */
  group: string;
  read: ReadAfter;
  fanout: ChatFanout;
  logger: Logger;
  /** Default CATCH_UP_RETRY_DELAYS_MS. */
  retryDelaysMs?: readonly number[];
}

/**
 * The live stream of one channel on this node: every stored message once, in offset order,
 * broadcast in one emit to the connections that have caught up (its members), so a message to a
 * channel of 10,000 costs one encode, not 10,000 closures and copies.
 *
 * `upTo` is the highest offset broadcast; the feed moves it one message at a time, and reads the
 * store itself when a message arrives out of order or was stored elsewhere. A subscription reads
 * its replay from the store on its own (see Subscription) and then offers itself here: at exactly
 * `upTo` it joins; a little behind, it gets the recent messages it lacks and joins; further behind,
 * it reads again; ahead (it read a message whose delivery has not reached the feed yet), it waits
 * until the feed gets there. Every join happens between two broadcasts, so a member gets every
 * offset after its own position once.
 *
 * The feed exists while the channel has subscriptions on this node and starts where the first of
 * them caught up; messages delivered before that are kept and replayed from there.
 */
export class ChannelFeed {
  /** Highest offset broadcast; null until the first subscription caught up. */
  private position: number | null = null;
  /** The last FEED_RECENT messages broadcast, contiguous, ending at `position`. */
  private recent: ChatMessage[] = [];
  /** Messages delivered before the feed had a position (the newest FEED_RECENT, by offset). */
  private early: ChatMessage[] = [];
  /** Every subscription of the channel on this node, whatever its state. */
  private readonly subs = new Set<Subscription>();
  private readonly members = new Set<Subscription>();
  /** Subscriptions ahead of the feed, by the offset they are at. */
  private readonly waiting = new Map<number, Set<Subscription>>();
  private chain: Promise<void> = Promise.resolve();
  private catchUpQueued = false;
  private closed = false;
  private wake: (() => void) | null = null;
  private readonly retryDelaysMs: readonly number[];

  constructor(private readonly opts: ChannelFeedOptions) {
    this.retryDelaysMs = opts.retryDelaysMs ?? CATCH_UP_RETRY_DELAYS_MS;
  }

  /** Highest offset broadcast to the members (0 before the feed has a position). */
  get upTo(): number {
    return this.position ?? 0;
  }

  /** Connections receiving the broadcast now. */
  get memberCount(): number {
    return this.members.size;
  }

  add(sub: Subscription): void {
    this.subs.add(sub);
  }

  /** Forgets a subscription; true when it was the last one (the caller then closes the feed). */
  remove(sub: Subscription): boolean {
    this.subs.delete(sub);
    if (this.members.delete(sub)) this.opts.fanout.leave(sub.conn, this.opts.group);
    else this.unwait(sub);
    return this.subs.size === 0;
  }

  /** A message was stored in the channel (deliveries may overtake one another). */
  deliver(message: ChatMessage): void {
    if (this.closed) return;
    if (this.position === null) {
      this.keepEarly(message);
      return;
    }
    this.enqueue(() => this.take(message));
  }

  /** A subscription has read everything up to its `sentUpTo`: it joins, tops up, waits or reads. */
  offer(sub: Subscription): void {
    if (this.closed || sub.closed || sub.feed || !this.subs.has(sub)) return;
    if (this.position === null) {
      this.position = sub.sentUpTo;
      this.admit(sub);
      const early = this.early;
      this.early = [];
      for (const message of early) this.enqueue(() => this.take(message));
      return;
    }
    if (sub.sentUpTo > this.position) {
      this.waitAt(sub.sentUpTo, sub);
      this.requestCatchUp();
      return;
    }
    this.handOver(sub);
  }

  /** Stops for good (no subscriptions left): nothing more is broadcast. */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** Resolves once no step is queued any more, those queued meanwhile included (tests). */
  async idle(): Promise<void> {
    for (let chain = this.chain; ; chain = this.chain) {
      await chain;
      if (chain === this.chain) return;
    }
  }

  private handOver(sub: Subscription): void {
    const at = sub.sentUpTo;
    const upTo = this.upTo;
    if (at < upTo) {
      const first = this.recent[0]?.offset;
      if (first === undefined || first > at + 1) {
        sub.resume();
        return;
      }
      sub.sendNow(this.recent.slice(at + 1 - first));
    }
    this.admit(sub);
  }

  private admit(sub: Subscription): void {
    this.members.add(sub);
    sub.joined(this);
    this.opts.fanout.join(sub.conn, this.opts.group);
  }

  private waitAt(at: number, sub: Subscription): void {
    let subs = this.waiting.get(at);
    if (!subs) {
      subs = new Set();
      this.waiting.set(at, subs);
    }
    subs.add(sub);
  }

  private unwait(sub: Subscription): void {
    const subs = this.waiting.get(sub.sentUpTo);
    if (!subs?.delete(sub)) return;
    if (subs.size === 0) this.waiting.delete(sub.sentUpTo);
  }

  private keepEarly(message: ChatMessage): void {
    this.early.push(message);
    if (this.early.length > FEED_RECENT) {
      // Dropping the oldest only costs a read of the store once the feed has a position.
      this.early.sort((a, b) => a.offset - b.offset);
      this.early.shift();
    }
  }

  private enqueue(step: () => Promise<void> | void): void {
    this.chain = this.chain.then(step).catch((err: unknown) => {
      this.opts.logger.error({ err, channel: this.opts.channel }, 'channel broadcast failed');
    });
  }

  private async take(message: ChatMessage): Promise<void> {
    if (this.closed) return;
    if (this.position === null) {
      this.keepEarly(message);
      return;
    }
    if (message.offset <= this.position) return;
    if (message.offset === this.position + 1) {
      this.broadcast([message]);
      return;
    }
    await this.catchUp();
  }

  private requestCatchUp(): void {
    if (this.catchUpQueued) return;
    this.catchUpQueued = true;
    this.enqueue(async () => {
      this.catchUpQueued = false;
      await this.catchUp();
    });
  }

  private broadcast(messages: ChatMessage[]): void {
    const { channel, group, fanout } = this.opts;
    if (this.members.size > 0) fanout.emit(group, 'channel:messages', { channel, messages });
    this.position = messages[messages.length - 1]!.offset;
    this.recent = this.recent.concat(messages);
    if (this.recent.length > FEED_RECENT) this.recent = this.recent.slice(-FEED_RECENT);
    if (this.waiting.size > 0) this.settleWaiting();
  }

  /** Subscriptions the feed has now reached: at its position they join, behind it they top up. */
  private settleWaiting(): void {
    for (const [at, subs] of this.waiting) {
      if (at > this.upTo) continue;
      this.waiting.delete(at);
      for (const sub of subs) this.handOver(sub);
    }
  }

  /**
   * Reads what the feed has not broadcast from the store (a message overtook an earlier one, was
   * stored by another node, or a subscription read further). Retried after a pause on failure;
   * when the retries are used up, or retention removed what the members were not sent, every
   * member is dropped (its client resubscribes from its offsets) and the feed starts over.
   */
  private async catchUp(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.catchUpOnce();
        return;
      } catch (err) {
        if (this.closed || this.position === null) return;
        const log = { err, channel: this.opts.channel, attempt };
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined) {
          this.opts.logger.error(log, 'channel feed keeps failing: dropping its connections');
          this.fail(`could not read ${this.opts.channel} from the store`);
          return;
        }
        this.opts.logger.warn(log, 'channel feed could not read the store; trying again');
        await pause(delay, (wake) => {
          this.wake = wake;
        });
        this.wake = null;
      }
    }
  }

  private async catchUpOnce(): Promise<void> {
    for (;;) {
      if (this.closed || this.position === null) return;
      const after = this.position;
      const page = await this.opts.read(this.opts.channel, after, MAX_BATCH);
      if (this.closed || this.position !== after || page.length === 0) return;
      if (page[0]!.offset !== after + 1) {
        this.fail(`fell behind the retained history of ${this.opts.channel}`);
        return;
      }
      this.broadcast(page);
      if (page.length < MAX_BATCH) return;
    }
  }

  /** Drops every member and waiting subscription; the next one to catch up starts the feed again. */
  private fail(reason: string): void {
    const stranded = [...this.members];
    for (const subs of this.waiting.values()) stranded.push(...subs);
    // Cleared first: dropping a connection removes its subscription from here at once.
    this.members.clear();
    this.waiting.clear();
    for (const sub of stranded) {
      this.opts.fanout.leave(sub.conn, this.opts.group);
      sub.fail(reason);
    }
    this.position = null;
    this.recent = [];
    this.early = [];
  }
}
