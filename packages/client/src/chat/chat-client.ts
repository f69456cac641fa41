import {
  type ChannelInfo,
  type ChatMessage,
  channelNameSchema,
  chatServerEventSchemas,
  directChannel,
  type ErrorPayload,
  errorPayloadSchema,
  publishRequestSchema,
  subscribeResultSchema,
} from '@perihelion/protocol';
import { Emitter } from '../emitter.js';
import { isPermanentHandshakeRefusal } from '../refusals.js';
import { RetryTimer } from '../retry-timer.js';
import { ChannelSubscription, type SubscriptionHost } from './channel-subscription.js';
import { ChatError, isTransient } from './chat-error.js';
import type { ChatSocket } from './chat-socket.js';
import type { PendingPublish, PublishReceipt } from './outbox.js';
import { Publisher } from './publisher.js';
import { ReadMarks } from './read-marks.js';
import { Timers } from './timers.js';

export interface ChatClientOptions {
  /**
   * The own player id, once known: own messages never count as unread, and sendDirect() names
   * the direct channel with it.
   */
  self: () => string | null;
  /** Subscribe to every channel of the server's directory, and drop those it removes. Default true. */
  autoSubscribe?: boolean;
  /** Messages kept per subscription, newest kept. Default 500. */
  historyLimit?: number;
  /** A subscribe or publish unanswered this long on a live connection is sent again. Default 10 s. */
  ackTimeoutMs?: number;
  /** Least time between two read-mark messages (they are coalesced). Default 250 ms. */
  readIntervalMs?: number;
  /** Wait before retrying after an answer that may pass (UNAVAILABLE…). Default 1 s. */
  retryDelayMs?: number;
  /**
   * Bring the socket back when Socket.IO will not by itself: after the server closed it (`io
   * server disconnect`, e.g. a restart or an expired session) or its middleware refused the
   * handshake for a reason that may pass. Never after the socket's owner disconnected it, nor for
   * a permanent refusal (PROTOCOL_MISMATCH, BAD_HANDSHAKE). Default true.
   */
  reconnect?: boolean;
  /** First delay of those reconnects (doubling, jittered, up to 3 s or this). Default 500 ms. */
  reconnectDelayMs?: number;
}

export interface ChatClientEvents {
  /** The server's list of channels this player may read (on connect and whenever it changes). */
  directory: (channels: readonly ChannelInfo[]) => void;
  /** A subscription was created (by subscribe() or from the directory). */
  subscribed: (subscription: ChannelSubscription) => void;
  /** A subscription ended (see ChannelSubscriptionEvents.closed for the reason). */
  unsubscribed: (channel: string, reason: ErrorPayload | null) => void;
  /** A new message on any subscribed channel (each offset once, in order per channel). */
  message: (channel: string, message: ChatMessage) => void;
  /** The server reported an error, or sent something that does not match the protocol. */
  error: (error: ErrorPayload) => void;
}

const DEFAULTS = {
  autoSubscribe: true,
  historyLimit: 500,
  ackTimeoutMs: 10_000,
  readIntervalMs: 250,
  retryDelayMs: 1000,
  reconnect: true,
  reconnectDelayMs: 500,
} as const;

const LEFT_DIRECTORY: ErrorPayload = {
  code: 'FORBIDDEN',
  message: 'the channel is no longer in this player’s directory',
};

/**
 * Channels over the `/chat` namespace as typed subscriptions that survive reconnects: after every
 * (re)connect each subscription is resumed from its last offset and the server replays exactly
 * what is missing; publishes wait in an ordered outbox until the server has answered them, and are
 * re-sent after a reconnect with the same nonce, so nothing is lost or stored twice.
 *
 * It does not own the socket: it listens to it, and the socket's owner connects, reconnects and
 * authenticates it. Every server event is validated against the protocol's schemas.
 */
export class ChatClient {
  private readonly events = new Emitter<ChatClientEvents>();
  private readonly options: Required<Omit<ChatClientOptions, 'self'>>;
  private readonly reconnects: RetryTimer;
  private readonly subs = new Map<string, ChannelSubscription>();
  /** The request id of each subscription's latest subscribe: older answers are ignored. */
  private readonly requests = new WeakMap<ChannelSubscription, number>();
  private nextRequest = 1;
  private _directory: readonly ChannelInfo[] = [];
  /** Listed channels unsubscribed here: not auto-subscribed again until they leave the list. */
  private readonly optedOut = new Set<string>();
  private readonly timers = new Timers();
  private readonly publisher: Publisher;
  private readonly readMarks: ReadMarks;
  /** Bumped on every connect and disconnect: an answer from an older connection is stale. */
  private epoch = 0;
  private closed = false;
  private readonly detach: Array<() => void> = [];
  private readonly host: SubscriptionHost;

  constructor(
    private readonly socket: ChatSocket,
    private readonly clientOptions: ChatClientOptions,
  ) {
    const { self: _self, ...rest } = clientOptions;
    this.options = { ...DEFAULTS, ...stripUndefined(rest) };
    const delay = this.options.reconnectDelayMs;
    this.reconnects = new RetryTimer(delay, Math.max(delay, 3000));
    this.host = {
      self: () => this.clientOptions.self(),
      markRead: (channel, upTo) => this.markRead(channel, upTo),
      unsubscribe: (channel) => this.unsubscribe(channel),
      publish: (channel, text) => this.publish(channel, text),
      resync: (channel) => this.resync(channel),
    };
    this.publisher = new Publisher(
      socket,
      () => this.epoch,
      this.timers,
      this.options,
      (event) => this.reportMalformed(event),
    );
    this.readMarks = new ReadMarks(
      (channel, upTo) => {
        // A mark for a channel not resumed yet on this connection waits for its answer.
        if (!this.socket.connected || this.subs.get(channel)?.state !== 'live') return false;
        this.socket.emit('channel:read', { channel, upTo });
        return true;
      },
      this.options.readIntervalMs,
      this.timers,
    );
    this.listen();
    if (socket.connected) this.onConnect();
  }

  /** The own player id, once known (from the `self` option). */
  get playerId(): string | null {
    return this.clientOptions.self();
  }

  /** The socket is connected (subscriptions may still be resuming). */
  get connected(): boolean {
    return this.socket.connected;
  }

  /** Every channel the server says this player may read now (empty until it has said so). */
  get directory(): readonly ChannelInfo[] {
    return this._directory;
  }

  get subscriptions(): ReadonlyMap<string, ChannelSubscription> {
    return this.subs;
  }

  subscription(channel: string): ChannelSubscription | undefined {
    return this.subs.get(channel);
  }

  /** Publishes not answered yet (all, or one channel's), oldest first. */
  pending(channel?: string): PendingPublish[] {
    return this.publisher.pending(channel);
  }

  on<E extends keyof ChatClientEvents>(event: E, listener: ChatClientEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  /** Opens the socket (if it is not already open or opening); reconnects then follow by themselves. */
  connect(): void {
    if (!this.closed && !this.socket.active) this.socket.connect();
  }

  /**
   * Subscribes to `channel` (or returns the existing subscription): the recent history comes
   * first, then every new message. Refusals (not allowed, no such channel) end it with 'closed'.
   * Throws a ChatError (BAD_MESSAGE) for a name no channel can have.
   */
  subscribe(channel: string): ChannelSubscription {
    this.assertOpen();
    const existing = this.subs.get(channel);
    if (existing) return existing;
    const name = channelNameSchema.safeParse(channel);
    if (!name.success)
      throw new ChatError('BAD_MESSAGE', name.error.issues[0]?.message ?? 'bad name', channel);
    this.optedOut.delete(channel);
    const sub = new ChannelSubscription(channel, this.host, this.options.historyLimit);
    sub.on('message', (message) => this.events.emit('message', channel, message));
    this.subs.set(channel, sub);
    this.events.emit('subscribed', sub);
    this.sendSubscribe(sub);
    return sub;
  }

  unsubscribe(channel: string): void {
    const sub = this.subs.get(channel);
    if (!sub) return;
    if (sub.listed) this.optedOut.add(channel);
    if (this.socket.connected) this.socket.emit('channel:unsubscribe', { channel });
    this.drop(sub, null);
  }

  /** The direct channel with `playerId`, subscribed (e.g. to open a conversation before writing). */
  direct(playerId: string): ChannelSubscription {
    return this.subscribe(this.directChannelWith(playerId));
  }

  /** The name of the direct channel between this player and `playerId`. */
  directChannelWith(playerId: string): string {
    const self = this.clientOptions.self();
    if (self === null) throw new ChatError('UNAUTHENTICATED', 'the own player id is not known yet');
    return directChannel(self, playerId);
  }

  /**
   * Publishes `text` on `channel`; resolves with where it was stored. Kept until the server
   * answers, across reconnects (same nonce: stored once). Rejects with a ChatError when the server
   * refuses it for good (RATE_LIMITED, FORBIDDEN, BAD_MESSAGE, NOT_FOUND…), or when the text or
   * channel name is invalid (BAD_MESSAGE, without asking the server).
   */
  publish(channel: string, text: string): Promise<PublishReceipt> {
    if (this.closed) return Promise.reject(new ChatError('CLOSED', 'the chat client was closed', channel));
    const request = publishRequestSchema.safeParse({ channel, text, nonce: '-' });
    if (!request.success) {
      const message = request.error.issues[0]?.message ?? 'invalid message';
      return Promise.reject(new ChatError('BAD_MESSAGE', message, channel));
    }
    return this.publisher.publish(channel, request.data.text);
  }

  /** Publishes on the direct channel with `playerId`. */
  sendDirect(playerId: string, text: string): Promise<PublishReceipt> {
    const self = this.clientOptions.self();
    if (self === null) {
      return Promise.reject(new ChatError('UNAUTHENTICATED', 'the own player id is not known yet'));
    }
    if (self === playerId) return Promise.reject(new ChatError('BAD_MESSAGE', 'that is you'));
    return this.publish(directChannel(self, playerId), text);
  }

  /**
   * "This player has read `channel` up to `upTo`" (default: everything this client has). Takes
   * effect locally at once (unread counts drop); the server hears of it coalesced, so calling
   * this every frame costs nothing.
   */
  markRead(channel: string, upTo?: number): void {
    const sub = this.subs.get(channel);
    if (!sub) return;
    const mark = upTo ?? sub.lastOffset;
    if (!sub.raiseReadMark(mark)) return;
    this.readMarks.set(channel, mark);
  }

  /**
   * Stops listening to the socket (which stays open: it is not ours), ends every subscription and
   * rejects every unanswered publish with CLOSED.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.detach) off();
    this.timers.clear();
    this.reconnects.cancel();
    this.publisher.close();
    for (const sub of [...this.subs.values()]) this.drop(sub, null);
    this.events.removeAll();
  }

  // ---- connection ------------------------------------------------------------------------------

  private listen(): void {
    const { socket } = this;
    const onConnect = () => this.onConnect();
    const onDisconnect = (reason: string) => this.onDisconnect(reason);
    const onConnectError = (err: Error & { data?: unknown }) => this.onConnectError(err);
    const onMessages = (raw: unknown) => {
      const batch = this.parse('channel:messages', raw);
      if (batch) this.subs.get(batch.channel)?.receive(batch.messages);
    };
    const onPresence = (raw: unknown) => {
      const change = this.parse('presence', raw);
      if (change) this.subs.get(change.channel)?.presenceChanged(change);
    };
    const onChannels = (raw: unknown) => {
      const directory = this.parse('channels', raw);
      if (directory) this.onDirectory(directory.channels);
    };
    const onClosed = (raw: unknown) => {
      const closed = this.parse('channel:closed', raw);
      const sub = closed && this.subs.get(closed.channel);
      if (sub) this.drop(sub, closed.reason);
    };
    const onError = (raw: unknown) => {
      const error = this.parse('server:error', raw);
      if (error) this.events.emit('error', error);
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    socket.on('channel:messages', onMessages);
    socket.on('presence', onPresence);
    socket.on('channels', onChannels);
    socket.on('channel:closed', onClosed);
    socket.on('server:error', onError);
    this.detach.push(
      () => socket.off('connect', onConnect),
      () => socket.off('disconnect', onDisconnect),
      () => socket.off('connect_error', onConnectError),
      () => socket.off('channel:messages', onMessages),
      () => socket.off('presence', onPresence),
      () => socket.off('channels', onChannels),
      () => socket.off('channel:closed', onClosed),
      () => socket.off('server:error', onError),
    );
  }

  /** Validates a server event; a malformed one is reported and ignored. */
  private parse<E extends keyof typeof chatServerEventSchemas>(
    event: E,
    raw: unknown,
  ): ReturnType<(typeof chatServerEventSchemas)[E]['parse']> | null {
    const parsed = chatServerEventSchemas[event].safeParse(raw);
    if (parsed.success) return parsed.data as ReturnType<(typeof chatServerEventSchemas)[E]['parse']>;
    this.reportMalformed(event);
    return null;
  }

  private reportMalformed(event: string): void {
    this.events.emit('error', {
      code: 'BAD_MESSAGE',
      message: `the server sent a malformed '${event}'`,
      event,
    });
  }

  private onConnect(): void {
    if (this.closed) return;
    this.reconnects.succeeded();
    this.epoch++;
    for (const sub of this.subs.values()) this.sendSubscribe(sub);
    this.publisher.flush();
  }

  private onDisconnect(reason: string): void {
    this.epoch++;
    for (const sub of this.subs.values()) sub.offline();
    this.publisher.connectionLost();
    // Socket.IO comes back by itself after a network loss, not when the server closed us.
    if (reason === 'io server disconnect') this.reconnectLater();
  }

  private onConnectError(err: Error & { data?: unknown }): void {
    const refusal = errorPayloadSchema.safeParse(err.data);
    if (refusal.success && isPermanentHandshakeRefusal(refusal.data.code)) return;
    // A refusal by the server's middleware stops Socket.IO's own retries; a network error doesn't.
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (!this.options.reconnect || this.closed) return;
    this.reconnects.schedule(() => {
      if (!this.closed && !this.socket.active) this.socket.connect();
    });
  }

  // ---- subscriptions ---------------------------------------------------------------------------

  private sendSubscribe(sub: ChannelSubscription): void {
    if (this.closed || !this.socket.connected) return;
    const id = this.nextRequest++;
    this.requests.set(sub, id);
    const epoch = this.epoch;
    const current = () =>
      epoch === this.epoch && this.requests.get(sub) === id && this.subs.get(sub.channel) === sub;
    const timeout = this.timers.later(this.options.ackTimeoutMs, () => {
      if (current() && sub.state === 'pending') this.sendSubscribe(sub);
    });
    this.socket.emit('channel:subscribe', sub.subscribeRequest(), (raw: unknown) => {
      this.timers.cancel(timeout);
      if (current()) this.onSubscribeAnswer(sub, raw, current);
    });
  }

  private onSubscribeAnswer(sub: ChannelSubscription, raw: unknown, current: () => boolean): void {
    const parsed = subscribeResultSchema.safeParse(raw);
    if (!parsed.success) {
      this.reportMalformed('channel:subscribe');
      this.timers.later(this.options.retryDelayMs, () => current() && this.sendSubscribe(sub));
      return;
    }
    const res = parsed.data;
    if (res.ok) {
      sub.accepted(res);
      if (this.readMarks.has(sub.channel)) this.readMarks.flush();
      return;
    }
    if (isTransient(res.error.code) || res.error.code === 'RATE_LIMITED') {
      this.timers.later(this.options.retryDelayMs, () => current() && this.sendSubscribe(sub));
      return;
    }
    this.drop(sub, res.error);
  }

  /** The stream skipped an offset: subscribe again from the last one this client has. */
  private resync(channel: string): void {
    const sub = this.subs.get(channel);
    if (!sub || !this.socket.connected) return;
    this.socket.emit('channel:unsubscribe', { channel });
    this.sendSubscribe(sub);
  }

  private onDirectory(channels: readonly ChannelInfo[]): void {
    this._directory = channels;
    const listed = new Map(channels.map((c) => [c.name, c]));
    for (const name of this.optedOut) if (!listed.has(name)) this.optedOut.delete(name);
    for (const sub of [...this.subs.values()]) {
      if (!sub.listed || listed.has(sub.channel)) continue;
      if (this.socket.connected) this.socket.emit('channel:unsubscribe', { channel: sub.channel });
      this.drop(sub, LEFT_DIRECTORY);
    }
    for (const info of channels) {
      let sub = this.subs.get(info.name);
      if (!sub && this.options.autoSubscribe && !this.optedOut.has(info.name))
        sub = this.subscribe(info.name);
      if (!sub) continue;
      sub.listed = true;
      sub.setKind(info.kind);
    }
    this.events.emit('directory', channels);
  }

  private drop(sub: ChannelSubscription, reason: ErrorPayload | null): void {
    if (this.subs.get(sub.channel) !== sub) return;
    this.subs.delete(sub.channel);
    this.readMarks.forget(sub.channel);
    sub.end(reason);
    this.events.emit('unsubscribed', sub.channel, reason);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new ChatError('CLOSED', 'the chat client was closed');
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
