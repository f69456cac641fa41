import type { Db } from '@perihelion/db';
import {
  type ChannelInfo,
  type ChannelKind,
  type ChatMessage,
  chatTextSchema,
  directParticipants,
  type PresenceEntry,
  type PublishRequest,
  type ReadMark,
  type SubscribeRequest,
  type SubscribeResult,
} from '@perihelion/protocol';
import type { Logger } from 'pino';
import { type Bus, LocalBus, type Unsubscribe } from '../cluster/bus.js';
import { type ChannelConfig, channelConfigProblem } from './channel-config.js';
import { ChannelConnections } from './channel-connections.js';
import { directoryOf } from './channel-directory.js';
import { ChannelError } from './channel-error.js';
import { ChannelReads } from './channel-reads.js';
import { channelKindOf, channelRules, type RuleContext } from './channel-rules.js';
import * as store from './channel-store.js';
import { CHAT_DIRECTORY, CHAT_STORED } from './channel-topics.js';
import { ChannelWriter, NONCE_TTL_MS } from './channel-writer.js';
import type { ChatFanout } from './chat-fanout.js';
import { PublishLimiter } from './publish-limiter.js';
import { type ChatConnection, MAX_BATCH } from './subscription.js';

export type { ChannelConfig };

export interface ChannelsOptions {
  db: Db;
  logger: Logger;
  config: ChannelConfig;
  /**
   * The sector the player is in now, or null when this node does not know (then `sector:<id>`
   * answers UNAVAILABLE: retry).
   */
  sectorOf: (playerId: string) => string | null;
  /** Most subscriptions per connection (default MAX_SUBSCRIPTIONS). */
  maxSubscriptions?: number;
  /** How long a publish's nonce is remembered for retries (default NONCE_TTL_MS). */
  nonceTtlMs?: number;
  /**
   * What tells the other nodes of a cluster about stored messages, changed directories and
   * presence; each node serves its own connections. Default: a LocalBus (one node).
   */
  bus?: Bus;
  /** Whether another node of the cluster still reports its load (its presence is dropped once not). */
  nodeIsLive?: (node: string) => boolean;
}

/** Most messages one history read returns (the publish API's limit). */
export const MAX_HISTORY = 500;

/** Most channels one connection subscribes to at once. */
export const MAX_SUBSCRIPTIONS = 256;

/** The system sender (the server and the publish API). */
export const SYSTEM_SENDER_ID = 'system';

/**
 * Game-agnostic channels: stored messages with per-channel offsets, subscriptions that replay
 * exactly what a connection is missing, presence, per-kind permissions and the per-player
 * directory. The `/chat` gateway feeds it connections and requests; the server and the publish API
 * post through it.
 */
export class Channels {
  private readonly db: Db;
  private readonly log: Logger;
  private readonly config: ChannelConfig;
  private readonly sectorOf: (playerId: string) => string | null;
  private readonly limiter: PublishLimiter;
  private readonly writer: ChannelWriter;
  private readonly rules: RuleContext;
  private readonly live: ChannelConnections;
  private readonly reads: ChannelReads;
  private readonly bus: Bus;
  private busSubscriptions: Unsubscribe[] = [];
  private closed = false;
  /** Resolves once messages stored on other nodes reach this one (at once with one node). */
  readonly ready: Promise<void>;

  constructor(opts: ChannelsOptions) {
    const problem = channelConfigProblem(opts.config);
    if (problem) throw new Error(`bad channel configuration: ${problem}`);
    this.db = opts.db;
    this.log = opts.logger;
    this.config = opts.config;
    this.sectorOf = opts.sectorOf;
    this.limiter = new PublishLimiter(opts.config.publishRate);
    this.reads = new ChannelReads(opts.db, opts.config.retention);
    // The handlers take this node's own messages from here on; other nodes' once `ready`.
    this.bus = opts.bus ?? new LocalBus('local', (err, context) => this.log.error({ err }, context));
    this.writer = new ChannelWriter({
      db: opts.db,
      logger: opts.logger,
      retention: opts.config.retention,
      nonceTtlMs: opts.nonceTtlMs ?? NONCE_TTL_MS,
      deliver: (channel, message) => this.bus.publish(CHAT_STORED, { channel, message }),
      membersAdded: (playerIds) => {
        if (playerIds.length > 0) this.bus.publish(CHAT_DIRECTORY, { players: [...playerIds] });
      },
    });
    this.rules = {
      sectorOf: (playerId) => this.sectorOf(playerId),
      isMember: (channel, playerId) => store.isMember(this.db, channel, playerId),
      playerExists: async (playerId) => (await this.reads.playerNames([playerId])).has(playerId),
    };
    this.live = new ChannelConnections({
      db: this.db,
      logger: this.log,
      retention: opts.config.retention,
      presenceGraceMs: opts.config.presenceGraceMs,
      presenceBatchMs: opts.config.presenceBatchMs,
      kindOf: (channel) => this.kindOf(channel),
      rules: this.rules,
      directory: (playerId) => this.directory(playerId),
      reads: this.reads,
      maxSubscriptions: opts.maxSubscriptions ?? MAX_SUBSCRIPTIONS,
      bus: this.bus,
      ...(opts.nodeIsLive ? { nodeIsLive: opts.nodeIsLive } : {}),
    });
    this.ready = Promise.all([
      this.live.presenceReady.then(() => () => {}),
      this.bus.subscribe(CHAT_STORED, ({ channel, message }) => this.live.deliver(channel, message)),
      this.bus.subscribe(CHAT_DIRECTORY, ({ players }) => {
        for (const playerId of players) this.refreshDirectory(playerId);
      }),
    ]).then((stops) => {
      this.busSubscriptions = stops;
      if (this.closed) this.unsubscribeBus();
    });
    // Awaited by whoever starts the node; a failure must not also surface as an unhandled rejection.
    this.ready.catch(() => {});
  }

  kindOf(channel: string): ChannelKind | null {
    return channelKindOf(this.config, channel);
  }

  /**
   * Server / publish-API post: the sender is `system` (shown as `senderName`, default "Server");
   * any known kind, direct channels only between existing players. Delivered live to subscribers.
   * Throws ChannelError.
   */
  async post(
    channel: string,
    msg: { text: string; senderName?: string; data?: Record<string, unknown>; nonce?: string },
  ): Promise<{ offset: number; at: number }> {
    const kind = this.knownKind(channel);
    const text = chatTextSchema.safeParse(msg.text);
    if (!text.success) throw ChannelError.of('BAD_MESSAGE', text.error.issues[0]?.message ?? 'bad text');
    if (kind === 'direct') {
      const pair = directParticipants(channel)!;
      const found = await store.playerNames(this.db, pair);
      const missing = pair.find((id) => !found.has(id));
      if (missing) throw ChannelError.of('NOT_FOUND', `there is no player "${missing}"`);
    }
    return this.writer.append(channel, kind, {
      senderId: SYSTEM_SENDER_ID,
      senderName: msg.senderName ?? 'Server',
      text: text.data,
      data: msg.data,
      ...(msg.nonce !== undefined ? { nonce: msg.nonce } : {}),
    });
  }

  /**
   * Stored messages after `after` (default: the most recent `limit`), at most `limit` (default
   * 100, at most 500), with the channel's head and oldest retained offset. Throws ChannelError.
   */
  async history(
    channel: string,
    opts: { after?: number; limit?: number } = {},
  ): Promise<{ head: number; retainedFrom: number; messages: ChatMessage[] }> {
    this.knownKind(channel);
    const limit = Math.max(1, Math.min(MAX_HISTORY, Math.floor(opts.limit ?? MAX_BATCH)));
    const { head, retainedFrom } = await store.retainedRange(this.db, channel, this.config.retention);
    const start =
      opts.after === undefined
        ? Math.max(retainedFrom - 1, head - Math.min(limit, this.config.retention))
        : Math.max(opts.after, retainedFrom - 1);
    return { head, retainedFrom, messages: await store.messagesAfter(this.db, channel, start, limit) };
  }

  /**
   * Who is subscribed to the channel (one entry per player): everyone on this node, then the
   * players the other nodes of a cluster list (the first PRESENCE_LIST_MAX of each). Always empty
   * for read-only channels, which keep no presence (see ChannelConnections). Its cost grows with
   * the channel: for an operator's request, not for every join.
   */
  presence(channel: string): PresenceEntry[] {
    return this.live.presence(channel);
  }

  /** How many players are subscribed to the channel, on every node. */
  presenceCount(channel: string): number {
    return this.live.presenceCount(channel);
  }

  /** Adds a player to a private channel (idempotent). Throws ChannelError. */
  async addMember(channel: string, playerId: string): Promise<void> {
    this.privateOnly(channel);
    if (!(await this.rules.playerExists(playerId))) {
      throw ChannelError.of('NOT_FOUND', `there is no player "${playerId}"`);
    }
    const added = await store.addMembers(this.db, channel, [playerId]);
    if (added.length > 0) this.directoryChanged(playerId);
  }

  /** Removes a player from a private channel; their subscriptions to it are closed. */
  async removeMember(channel: string, playerId: string): Promise<void> {
    this.privateOnly(channel);
    if (await store.removeMember(this.db, channel, playerId)) this.directoryChanged(playerId);
  }

  /**
   * The player's channel set may have changed (joined a sector, team change): re-sends `channels`
   * to their connections and closes the subscriptions they may no longer read (`channel:closed`
   * with FORBIDDEN).
   */
  directoryChanged(playerId: string): void {
    this.bus.publish(CHAT_DIRECTORY, { players: [playerId] });
  }

  /** directoryChanged on this node's connections of the player. */
  private refreshDirectory(playerId: string): void {
    this.live.refresh(playerId).catch((err: unknown) => {
      this.log.error({ err, playerId }, 'could not refresh a channel directory');
    });
  }

  /** Every channel the player may subscribe to now. */
  directory(playerId: string): Promise<ChannelInfo[]> {
    return directoryOf(
      this.reads,
      { names: this.config, kindOf: (c) => this.kindOf(c), sectorOf: this.sectorOf },
      playerId,
    );
  }

  /** Stops the timers (pending presence leaves are not announced). */
  close(): void {
    this.closed = true;
    this.unsubscribeBus();
    this.writer.close();
    this.limiter.close();
    this.live.close();
  }

  private unsubscribeBus(): void {
    for (const stop of this.busSubscriptions.splice(0)) stop();
  }

  /** Forgets publish nonces older than their time to live (also done on a timer). Never rejects. */
  pruneNonces(): Promise<void> {
    return this.writer.pruneNonces();
  }

  // ---- the gateway's side ----------------------------------------------------------------------

  /**
   * Broadcasts channel messages and presence batches through `fanout` (the gateway's Socket.IO
   * rooms: encoded once per group) instead of one send per connection. Before any connection.
   */
  useFanout(fanout: ChatFanout): void {
    this.live.useFanout(fanout);
  }

  /** A new connection: tracked, and sent its directory. Never rejects. */
  connected(conn: ChatConnection): Promise<void> {
    return this.live.add(conn);
  }

  /**
   * The connection is gone: its subscriptions end and its presence leaves (after the grace). The
   * player's publish rate is kept (reconnecting does not refill it).
   */
  disconnected(connId: string): void {
    this.live.remove(connId);
  }

  /**
   * Subscribes a connection: `answer` gets the ack (before any replay batch), then the messages
   * after the client's `after` (or the recent history) follow, then live ones. Never rejects.
   */
  subscribe(connId: string, req: SubscribeRequest, answer: (res: SubscribeResult) => void): Promise<void> {
    return this.live.subscribe(connId, req, answer);
  }

  unsubscribe(connId: string, channel: string): void {
    this.live.unsubscribe(connId, channel);
  }

  /**
   * A player's publish: rate-limited per player, checked by the channel kind's rule, stored with
   * the connection's principal as the sender (never anything from the payload). A retry of a
   * stored publish (same nonce) is answered with its offset and costs nothing. Throws ChannelError.
   */
  async publish(connId: string, req: PublishRequest): Promise<{ offset: number; at: number }> {
    const who = this.live.principalOf(connId);
    if (!who) throw ChannelError.of('UNAVAILABLE', 'the connection is closing');
    const kind = this.knownKind(req.channel);
    const stored = await store.findByNonce(this.db, req.channel, who.playerId, req.nonce);
    if (stored) return { offset: stored.offset, at: stored.at };
    if (!this.limiter.take(who.playerId)) {
      throw ChannelError.of('RATE_LIMITED', 'you are sending messages too fast; wait a moment');
    }
    const decision = await channelRules[kind].publish(who, req.channel, this.rules);
    if (!decision.ok) throw new ChannelError(decision.error);
    const message = { senderId: who.playerId, senderName: who.name, text: req.text, nonce: req.nonce };
    return this.writer.append(req.channel, kind, message, { nonceChecked: true });
  }

  /** The player has read a channel up to `upTo` (kept per player, only forward). */
  markRead(connId: string, mark: ReadMark): Promise<void> {
    return this.live.markRead(connId, mark);
  }

  /** The connections of a player on this node. */
  connectionsOf(playerId: string): ChatConnection[] {
    return this.live.connectionsOf(playerId);
  }

  // ---- internals -------------------------------------------------------------------------------

  private knownKind(channel: string): ChannelKind {
    const kind = this.kindOf(channel);
    if (!kind) throw ChannelError.of('NOT_FOUND', `there is no channel "${channel}"`);
    return kind;
  }

  private privateOnly(channel: string): void {
    const kind = this.knownKind(channel);
    if (kind !== 'private') {
      throw ChannelError.of(
        'BAD_MESSAGE',
        `${channel} is a ${kind} channel; only private channels have members`,
      );
    }
  }
}
