import { type ErrorPayload, subscribeResultSchema } from '@perihelion/protocol';
import type { Emitter } from '../emitter.js';
import { ChannelSubscription, type SubscriptionHost } from './channel-subscription.js';
import type { ChatClientEvents } from './chat-client-events.js';
import { isTransient } from './chat-error.js';
import type { ChatSocket } from './chat-socket.js';
import type { ReadMarks } from './read-marks.js';
import type { Timers } from './timers.js';

export interface SubscriptionRegistryOptions {
  /** Messages kept per subscription, newest kept. */
  historyLimit: number;
  /** A subscribe unanswered this long on a live connection is sent again. */
  ackTimeoutMs: number;
  /** Wait before retrying after an answer that may pass (UNAVAILABLE, RATE_LIMITED…). */
  retryDelayMs: number;
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
 * (re)subscribed on every connection from its last offset, an unanswered subscribe is sent again,
 * a refusal that may pass is retried, and one that will not ends the subscription. Only the answer
 * to a subscription's latest subscribe on the current connection counts; any older one is stale.
 */
export class SubscriptionRegistry {
  private readonly byChannel = new Map<string, ChannelSubscription>();
  /** The request id of each subscription's latest subscribe: older answers are ignored. */
  private readonly requests = new WeakMap<ChannelSubscription, number>();
  private nextRequest = 1;

  constructor(private readonly context: SubscriptionRegistryContext) {}

  get all(): ReadonlyMap<string, ChannelSubscription> {
    return this.byChannel;
  }

  get(channel: string): ChannelSubscription | undefined {
    return this.byChannel.get(channel);
  }

  /** A new subscription to `channel` (whose name is valid and not subscribed yet), subscribing now. */
  add(channel: string): ChannelSubscription {
    const { host, events, options } = this.context;
    const sub = new ChannelSubscription(channel, host, options.historyLimit);
    sub.on('message', (message) => events.emit('message', channel, message));
    this.byChannel.set(channel, sub);
    events.emit('subscribed', sub);
    this.sendSubscribe(sub);
    return sub;
  }

  /** A connection is up: every subscription resumes from where it was. */
  resumeAll(): void {
    for (const sub of this.byChannel.values()) this.sendSubscribe(sub);
  }

  /** The connection is gone: every subscription waits for the next one. */
  offline(): void {
    for (const sub of this.byChannel.values()) sub.offline();
  }

  /** The stream skipped an offset: subscribe again from the last one this client has. */
  resync(channel: string): void {
    const sub = this.byChannel.get(channel);
    if (!sub || !this.context.socket.connected) return;
    this.context.socket.emit('channel:unsubscribe', { channel });
    this.sendSubscribe(sub);
  }

  /** Ends `sub` here and tells the server (if it can hear it) to stop sending. */
  leave(sub: ChannelSubscription, reason: ErrorPayload | null): void {
    const { socket } = this.context;
    if (socket.connected) socket.emit('channel:unsubscribe', { channel: sub.channel });
    this.drop(sub, reason);
  }

  /** Ends `sub` here only (the server ended it, or the client is closing). */
  drop(sub: ChannelSubscription, reason: ErrorPayload | null): void {
    if (this.byChannel.get(sub.channel) !== sub) return;
    this.byChannel.delete(sub.channel);
    this.context.readMarks.forget(sub.channel);
    sub.end(reason);
    this.context.events.emit('unsubscribed', sub.channel, reason);
  }

  dropAll(): void {
    for (const sub of [...this.byChannel.values()]) this.drop(sub, null);
  }

  private sendSubscribe(sub: ChannelSubscription): void {
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
      if (current() && sub.state === 'pending') this.sendSubscribe(sub);
    });
    socket.emit('channel:subscribe', sub.subscribeRequest(), (raw: unknown) => {
      timers.cancel(timeout);
      if (current()) this.onSubscribeAnswer(sub, raw, current);
    });
  }

  private onSubscribeAnswer(sub: ChannelSubscription, raw: unknown, current: () => boolean): void {
    const { timers, options, readMarks } = this.context;
    const parsed = subscribeResultSchema.safeParse(raw);
    if (!parsed.success) {
      this.context.malformed('channel:subscribe');
      timers.later(options.retryDelayMs, () => current() && this.sendSubscribe(sub));
      return;
    }
    const res = parsed.data;
    if (res.ok) {
      sub.accepted(res);
      if (readMarks.has(sub.channel)) readMarks.flush();
      return;
    }
    if (isTransient(res.error.code) || res.error.code === 'RATE_LIMITED') {
      timers.later(options.retryDelayMs, () => current() && this.sendSubscribe(sub));
      return;
    }
    this.drop(sub, res.error);
  }
}
