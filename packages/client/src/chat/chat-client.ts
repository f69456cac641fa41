import {
  type ChannelInfo,
  channelNameSchema,
  directChannel,
  publishRequestSchema,
} from '@perihelion/protocol';
import { Emitter } from '../emitter.js';
import type { ChannelSubscription, SubscriptionHost } from './channel-subscription.js';
import type { ChatClientEvents } from './chat-client-events.js';
import {
  type ChatClientOptions,
  type ResolvedChatClientOptions,
  resolveChatClientOptions,
} from './chat-client-options.js';
import { ChatError } from './chat-error.js';
import type { ChatSocket } from './chat-socket.js';
import { DirectorySync } from './directory-sync.js';
import type { PendingPublish, PublishReceipt } from './outbox.js';
import { Publisher } from './publisher.js';
import { ReadMarks } from './read-marks.js';
import { ReconnectPolicy } from './reconnect-policy.js';
import { listenToChatServer } from './server-events.js';
import { SubscriptionRegistry } from './subscription-registry.js';
import { Timers } from './timers.js';

/**
 * Channels over the `/chat` namespace as typed subscriptions that survive reconnects: after every
 * (re)connect each subscription is resumed from its last offset and the server replays exactly
 * what is missing; publishes wait in an ordered outbox until the server has answered them, and are
 * re-sent after a reconnect with the same nonce, so nothing is lost or stored twice.
 *
 * It does not own the socket: it listens to it, and the socket's owner connects, reconnects and
 * authenticates it. Every server event is validated against the protocol's schemas.
 *
 * This class is the public face and the connection's timeline (connect, disconnect, close); the
 * work is done by its parts: SubscriptionRegistry (subscribe and resume, a few at a time, and
 * remember where ended subscriptions were), DirectorySync (follow the server's channel list),
 * Publisher (the outbox, paused while the server says RATE_LIMITED), ReadMarks and ReconnectPolicy.
 */
export class ChatClient {
  private readonly events = new Emitter<ChatClientEvents>();
  private readonly options: ResolvedChatClientOptions;
  private readonly timers = new Timers();
  private readonly reconnects: ReconnectPolicy;
  private readonly subs: SubscriptionRegistry;
  private readonly directorySync: DirectorySync;
  private readonly publisher: Publisher;
  private readonly readMarks: ReadMarks;
  /** Bumped on every connect and disconnect: an answer from an older connection is stale. */
  private epoch = 0;
  private closed = false;
  private readonly stopListening: () => void;

  constructor(
    private readonly socket: ChatSocket,
    private readonly clientOptions: ChatClientOptions,
  ) {
    this.options = resolveChatClientOptions(clientOptions);
    const malformed = (event: string) => this.reportMalformed(event);
    this.reconnects = new ReconnectPolicy(socket, this.options, () => this.closed);
    this.publisher = new Publisher(
      socket,
      () => this.epoch,
      this.timers,
      this.options,
      malformed,
      (error) => this.events.emit('error', error),
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
    const host: SubscriptionHost = {
      self: () => this.clientOptions.self(),
      markRead: (channel, upTo) => this.markRead(channel, upTo),
      unsubscribe: (channel) => this.unsubscribe(channel),
      publish: (channel, text) => this.publish(channel, text),
      resync: (channel) => this.subs.resync(channel),
    };
    this.subs = new SubscriptionRegistry({
      socket,
      host,
      events: this.events,
      readMarks: this.readMarks,
      timers: this.timers,
      options: this.options,
      epoch: () => this.epoch,
      isClosed: () => this.closed,
      malformed,
    });
    this.directorySync = new DirectorySync(this.subs, this.options.autoSubscribe, (channel) =>
      this.subscribe(channel),
    );
    this.stopListening = listenToChatServer(
      socket,
      {
        connect: () => this.onConnect(),
        disconnect: (reason) => this.onDisconnect(reason),
        connectError: (err) => this.reconnects.connectFailed(err),
        messages: (batch) => this.subs.get(batch.channel)?.receive(batch.messages),
        presence: (change) => this.subs.get(change.channel)?.presenceChanged(change),
        directory: ({ channels }) => this.onDirectory(channels),
        channelClosed: ({ channel, reason }) => {
          const sub = this.subs.get(channel);
          if (sub) this.subs.drop(sub, reason);
        },
        serverError: (error) => this.events.emit('error', error),
      },
      malformed,
    );
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
    return this.directorySync.channels;
  }

  get subscriptions(): ReadonlyMap<string, ChannelSubscription> {
    return this.subs.all;
  }

  subscription(channel: string): ChannelSubscription | undefined {
    return this.subs.get(channel);
  }

  /**
   * The server answered a publish with RATE_LIMITED and none has gone through since: publishes
   * wait in the outbox (pending) and go out after a pause. The start of each such episode is also
   * reported once as an 'error' event with code RATE_LIMITED, e.g. for a "slow down" notice.
   */
  get rateLimited(): boolean {
    return this.publisher.rateLimited;
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
   * A channel subscribed not long ago (among the last 20 that ended) resumes where it was, with
   * the messages it had: the server sends only what is missing.
   * Throws a ChatError (BAD_MESSAGE) for a name no channel can have.
   */
  subscribe(channel: string): ChannelSubscription {
    if (this.closed) throw new ChatError('CLOSED', 'the chat client was closed');
    const existing = this.subs.get(channel);
    if (existing) return existing;
    const name = channelNameSchema.safeParse(channel);
    if (!name.success)
      throw new ChatError('BAD_MESSAGE', name.error.issues[0]?.message ?? 'bad name', channel);
    this.directorySync.optIn(channel);
    return this.subs.add(channel);
  }

  unsubscribe(channel: string): void {
    const sub = this.subs.get(channel);
    if (!sub) return;
    this.directorySync.optOut(sub);
    this.subs.leave(sub, null);
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
   * answers, across reconnects (same nonce: stored once), and sent again after a pause when the
   * server says RATE_LIMITED (see `rateLimited`). Rejects with a ChatError when the server refuses
   * it for good (FORBIDDEN, BAD_MESSAGE, NOT_FOUND…), or when the text or channel name is invalid
   * (BAD_MESSAGE, without asking the server).
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
    this.stopListening();
    this.timers.clear();
    this.reconnects.cancel();
    this.publisher.close();
    this.subs.dropAll();
    this.events.removeAll();
  }

  private onConnect(): void {
    if (this.closed) return;
    this.reconnects.connected();
    this.epoch++;
    this.subs.resumeAll();
    this.publisher.flush();
  }

  private onDisconnect(reason: string): void {
    this.epoch++;
    this.subs.offline();
    this.publisher.connectionLost();
    this.reconnects.disconnected(reason);
  }

  private onDirectory(channels: readonly ChannelInfo[]): void {
    this.directorySync.apply(channels);
    this.events.emit('directory', channels);
  }

  private reportMalformed(event: string): void {
    this.events.emit('error', {
      code: 'BAD_MESSAGE',
      message: `the server sent a malformed '${event}'`,
      event,
    });
  }
}
