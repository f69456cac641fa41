import { type ErrorPayload, type SubscribeAccepted, subscribeResultSchema } from '@perihelion/protocol';
import type { Emitter } from '../emitter.js';
import { ChannelSubscription, type SubscriptionHost } from './channel-subscription.js';
import type { ChatClientEvents } from './chat-client-events.js';
import { isTransient } from './chat-error.js';
import type { ChatSocket } from './chat-socket.js';
import { ParkedChannels } from './parked-channels.js';
import type { ReadMarks } from './read-marks.js';
import { SubscribeQueue } from './subscribe-queue.js';
import type { Timers } from './timers.js';

export interface SubscriptionRegistryOptions {
  /** Messages kept per subscription, newest kept. */
  historyLimit: number;
  /** A subscribe unanswered this long on a live connection is sent again. */
  ackTimeoutMs: number;
  /** Wait before retrying after an answer that may pass (UNAVAILABLE…). */
  retryDelayMs: number;
  /** Pause of every subscribe after a RATE_LIMITED answer. */
  rateLimitDelayMs: number;
  /** Flow control per connection (see SubscribeQueue). */
  maxSubscribesInFlight: number;
  subscribesPerSecond: number;
}

/** What the registry shares with the ChatClient that owns it. */
export interface SubscriptionRegistryContext {
  socket: ChatSocket;
  host: SubscriptionHost;
  events: Emitter<ChatClientEvents>;
  /** Marks waiting for their channel to be live again are sent once it is. */
  readMarks: ReadMarks;
  timers: Timers;
  options: SubscriptionRegistryOptions;
  /** The current connection's number (bumped on every connect and disconnect). */
  epoch: () => number;
  isClosed: () => boolean;
  malformed: (event: string) => void;
}

/**
 * The client's subscriptions, one per channel, and their conversation with the server: each is
 * (re)subscribed on every connection from its last offset, a few at a time (SubscribeQueue), an
 * unanswered subscribe is sent again, a refusal that may pass is retried, and one that will not
 * ends the subscription. Only the answer to a subscription's latest subscribe on the current
 * connection counts; any older one is stale. A subscription that ends is remembered for a while
 * (ParkedChannels): subscribed again, it resumes where it was.
 */
export class SubscriptionRegistry {
  private readonly byChannel = new Map<string, ChannelSubscription>();
  /** The request id of each subscription's latest subscribe: older answers are ignored. */
  private readonly requests = new WeakMap<ChannelSubscription, number>();
  private readonly parked = new ParkedChannels();
  private readonly queue: SubscribeQueue<ChannelSubscription>;
  private nextRequest = 1;

  constructor(private readonly context: SubscriptionRegistryContext) {
    const { options, timers } = context;
    this.queue = new SubscribeQueue(
      { maxInFlight: options.maxSubscribesInFlight, perSecond: options.subscribesPerSecond },
      timers,
      (sub) => this.send(sub),
    );
  }

  get all(): ReadonlyMap<string, ChannelSubscription> {
    return this.byChannel;
  }

  get(channel: string): ChannelSubscription | undefined {
    return this.byChannel.get(channel);
  }

  /**
   * A new subscription to `channel` (whose name is valid and not subscribed yet), subscribing now:
   * from where an earlier one ended, if that is remembered.
   */
  add(channel: string): ChannelSubscription {
    const { host, events, options } = this.context;
    const sub = new ChannelSubscription(channel, host, options.historyLimit, this.parked.take(channel));
    sub.on('message', (message) => events.emit('message', channel, message));
    this.byChannel.set(channel, sub);
    events.emit('subscribed', sub);
    this.request(sub);
    return sub;
  }

  /** A connection is up: every subscription resumes from where it was. */
  resumeAll(): void {
    this.queue.reset();
    for (const sub of this.byChannel.values()) this.request(sub);
  }

  /** The connection is gone: every subscription waits for the next one. */
  offline(): void {
    this.queue.reset();
    for (const sub of this.byChannel.values()) sub.offline();
  }

  /** The stream skipped an offset: subscribe again from the last one this client has. */
  resync(channel: string): void {
    const sub = this.byChannel.get(channel);
    if (!sub || !this.context.socket.connected) return;
    this.context.socket.emit('channel:unsubscribe', { channel });
    this.request(sub);
  }

  /** Ends `sub` here and tells the server (if it can hear it) to stop sending. */
  leave(sub: ChannelSubscription, reason: ErrorPayload | null): void {
    const { socket } = this.context;
    if (socket.connected) socket.emit('channel:unsubscribe', { channel: sub.channel });
    this.drop(sub, reason);
  }

  /** Ends `sub` here only (the server ended it), remembering where it was. */
  drop(sub: ChannelSubscription, reason: ErrorPayload | null, remember = true): void {
    if (this.byChannel.get(sub.channel) !== sub) return;
    this.byChannel.delete(sub.channel);
    this.queue.forget(sub);
    this.context.readMarks.forget(sub.channel);
    const position = remember ? sub.position() : null;
    if (position) this.parked.park(sub.channel, position);
    sub.end(reason);
    this.context.events.emit('unsubscribed', sub.channel, reason);
  }

  /** The client is closing: everything ends and nothing is remembered. */
  dropAll(): void {
    for (const sub of [...this.byChannel.values()]) this.drop(sub, null, false);
    this.parked.clear();
    this.queue.reset();
  }

  /** Queues a subscribe for `sub` on this connection; it is pending until answered. */
  private request(sub: ChannelSubscription): void {
    if (this.context.isClosed() || !this.context.socket.connected) return;
    sub.markPending();
    this.queue.request(sub);
  }

  /** Sends `sub`'s subscribe now (the queue gave it a slot, which it keeps until answered). */
  private send(sub: ChannelSubscription): void {
    const { socket, timers, options, isClosed } = this.context;
    if (isClosed() || !socket.connected) return;
    const id = this.nextRequest++;
    this.requests.set(sub, id);
    const epoch = this.context.epoch();
    const current = () =>
      epoch === this.context.epoch() &&
      this.requests.get(sub) === id &&
      this.byChannel.get(sub.channel) === sub;
    const timeout = timers.later(options.ackTimeoutMs, () => {
      if (current() && sub.state === 'pending') this.send(sub);
    });
    socket.emit('channel:subscribe', sub.subscribeRequest(), (raw: unknown) => {
      timers.cancel(timeout);
      if (current()) this.onSubscribeAnswer(sub, raw, current);
    });
  }

  private onSubscribeAnswer(sub: ChannelSubscription, raw: unknown, current: () => boolean): void {
    const { timers, options } = this.context;
    this.queue.answered(sub);
    const retryLater = (ms: number) => timers.later(ms, () => current() && this.request(sub));
    const parsed = subscribeResultSchema.safeParse(raw);
    if (!parsed.success) {
      this.context.malformed('channel:subscribe');
      retryLater(options.retryDelayMs);
      return;
    }
    const res = parsed.data;
    if (res.ok) {
      sub.accepted(res);
      if (sub.state === 'live') this.syncReadMark(sub, res);
      return;
    }
    if (res.error.code === 'RATE_LIMITED') {
      // The server's guard: every subscribe waits, this one behind the pause.
      this.queue.holdFor(options.rateLimitDelayMs);
      this.request(sub);
      return;
    }
    // CONFLICT: the server ended that subscribe for a later one of the same channel (a race).
    if (isTransient(res.error.code) || res.error.code === 'CONFLICT') {
      retryLater(options.retryDelayMs);
      return;
    }
    this.drop(sub, res.error);
  }

  /** Live again: a mark made meanwhile (or kept from an earlier subscription) goes to the server. */
  private syncReadMark(sub: ChannelSubscription, ack: SubscribeAccepted): void {
    const { readMarks } = this.context;
    if (readMarks.has(sub.channel)) readMarks.flush();
    else if (sub.readUpTo > ack.readUpTo && sub.readUpTo <= ack.head)
      readMarks.set(sub.channel, sub.readUpTo);
  }
}
