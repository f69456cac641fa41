import type { Db } from '@perihelion/db';
import {
  type ChannelInfo,
  type ChannelKind,
  type ChatMessage,
  type ErrorPayload,
  type PresenceEntry,
  protocolError,
  type ReadMark,
  type SubscribeRequest,
  type SubscribeResult,
} from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { type Bus, LocalBus } from '../cluster/bus.js';
import { ChannelFeed } from './channel-feed.js';
import { ChannelPresence, type PresenceSnapshot } from './channel-presence.js';
import { ChannelReads } from './channel-reads.js';
import { channelRules, type Decision, type RuleContext } from './channel-rules.js';
import * as store from './channel-store.js';
import { type ChatFanout, LocalFanout, messagesGroup, presenceGroup } from './chat-fanout.js';
import { PresenceExchange } from './presence-exchange.js';
import { type ChatConnection, MAX_BATCH, Subscription } from './subscription.js';

export interface ChannelConnectionsOptions {
  db: Db;
  logger: Logger;
  retention: number;
  presenceGraceMs: number;
  /** How long presence changes are gathered into one batch per channel (default 250 ms). */
  presenceBatchMs?: number | undefined;
  kindOf(channel: string): ChannelKind | null;
  rules: RuleContext;
  directory(playerId: string): Promise<ChannelInfo[]>;
  /** The subscribe path's store reads, batched across connections (default: unbatched). */
  reads?: ChannelReads;
  /** Most subscriptions one connection may hold (a repeated subscribe replaces, not adds). */
  maxSubscriptions: number;
  /** Where presence is exchanged with the other nodes of a cluster (default: a LocalBus, one node). */
  bus?: Bus;
  /** Whether another node still reports its load (its presence is dropped once not). */
  nodeIsLive?: (node: string) => boolean;
}

interface ConnState {
  readonly conn: ChatConnection;
  readonly subs: Map<string, Subscription>;
  /** Channels this connection counts as present in. */
  readonly present: Set<string>;
  closed: boolean;
}

const NO_PRESENCE: PresenceSnapshot = { players: [], count: 0 };

/**
 * The live `/chat` connections of this node and their subscriptions: subscribe (ack, then the
 * replay, then live messages), fan-out of stored messages, presence, and re-checking what a
 * player may read when their channel set changes.
 *
 * Fan-out goes through groups (see ChatFanout): each channel's feed broadcasts a stored message
 * once to every connection that has caught up, and its presence batches once to every connection
 * whose subscribe was answered. Nothing in a subscribe costs time proportional to the channel's
 * size: its answer carries the presence last announced (at most PRESENCE_LIST_MAX players and a
 * count), and a join reaches the others in the channel's next batch.
 *
 * Read-only channels (announcements) keep no presence: everyone may read them, so a roster would
 * only fan every join and leave out to every reader. Their acks carry `presence: []` and no
 * `presence` events are sent for them.
 */
export class ChannelConnections {
  private readonly conns = new Map<string, ConnState>();
  private readonly byPlayer = new Map<string, Set<ConnState>>();
  /** Each channel with subscriptions here, by name. */
  private readonly feeds = new Map<string, ChannelFeed>();
  /** The players this node holds, per channel. */
  private readonly roster: ChannelPresence;
  /** Every node's players, per channel: what subscribers are told. */
  private readonly presenceExchange: PresenceExchange;
  private fanout: ChatFanout = new LocalFanout();
  private readonly reads: ChannelReads;

  constructor(private readonly opts: ChannelConnectionsOptions) {
    this.reads = opts.reads ?? new ChannelReads(opts.db, opts.retention);
    this.roster = new ChannelPresence({
      graceMs: opts.presenceGraceMs,
      batchMs: opts.presenceBatchMs,
      onChange: ({ channel }) => this.presenceExchange.changed(channel, this.roster.snapshot(channel)),
    });
    this.presenceExchange = new PresenceExchange({
      bus: opts.bus ?? new LocalBus('local'),
      onChange: (change) => this.fanout.emit(presenceGroup(change.channel), 'presence', change),
      local: () => this.roster.snapshots(),
      ...(opts.nodeIsLive ? { isLive: opts.nodeIsLive } : {}),
    });
  }

  /**
   * Broadcasts through `fanout` (the gateway's Socket.IO rooms) instead of sending to each
   * connection. Only before the first connection: groups are not carried over.
   */
  useFanout(fanout: ChatFanout): void {
    if (this.conns.size > 0) throw new Error('the chat fanout must be set before any connection');
    this.fanout = fanout;
  }

  /** A new connection: tracked, then sent its directory. Never rejects. */
  async add(conn: ChatConnection): Promise<void> {
    const state: ConnState = { conn, subs: new Map(), present: new Set(), closed: false };
    this.conns.set(conn.id, state);
    const playerId = conn.principal.playerId;
    let mine = this.byPlayer.get(playerId);
    if (!mine) {
      mine = new Set();
      this.byPlayer.set(playerId, mine);
    }
    mine.add(state);
    try {
      const channels = await this.opts.directory(playerId);
      if (!state.closed) conn.send('channels', { channels });
    } catch (err) {
      this.opts.logger.error({ err, playerId }, 'could not send a channel directory');
    }
  }

  /** The connection is gone: its subscriptions end, its presence leaves (after the grace). */
  remove(connId: string): void {
    const state = this.conns.get(connId);
    if (!state) return;
    state.closed = true;
    for (const sub of [...state.subs.values()]) this.detach(state, sub);
    this.conns.delete(connId);
    const playerId = state.conn.principal.playerId;
    const mine = this.byPlayer.get(playerId);
    mine?.delete(state);
    if (mine?.size === 0) this.byPlayer.delete(playerId);
  }

  /** The session of a live connection, or null once it is gone. */
  principalOf(connId: string): Principal | null {
    const state = this.conns.get(connId);
    return state && !state.closed ? state.conn.principal : null;
  }

  connectionsOf(playerId: string): ChatConnection[] {
    return [...(this.byPlayer.get(playerId) ?? [])].map((s) => s.conn);
  }

  /** Resolves once presence from other nodes reaches this one. */
  get presenceReady(): Promise<void> {
    return this.presenceExchange.ready;
  }

  /**
   * Everyone present in the channel on this node, then the players other nodes list (proportional
   * to the channel's size: for on-demand requests). In a cluster, players beyond another node's
   * list are counted (presenceCount) but not named.
   */
  presence(channel: string): PresenceEntry[] {
    const here = this.roster.list(channel);
    const ids = new Set(here.map((p) => p.id));
    const elsewhere = this.presenceExchange.listedElsewhere(channel);
    return [...here, ...elsewhere.filter((p) => !ids.has(p.id) && ids.add(p.id))];
  }

  /** Players present in the channel: now on this node, as last announced on the others. */
  presenceCount(channel: string): number {
    const announced = this.presenceExchange.snapshot(channel).count;
    return announced - this.roster.snapshot(channel).count + this.roster.count(channel);
  }

  /**
   * `answer` gets the ack before any replay batch; then the messages after the client's `after`
   * (or the recent history, on a gap too) follow, then live ones. A repeated subscribe to the
   * same channel replaces the earlier one. Never rejects.
   *
   * A permission that can be revoked (teams, sectors) is checked after the subscription is
   * registered: a removal whose directory refresh completes during the check then finds it and
   * closes it. Any other kind is checked first, so a refusal tracks nothing.
   */
  async subscribe(
    connId: string,
    req: SubscribeRequest,
    answer: (res: SubscribeResult) => void,
  ): Promise<void> {
    const refuse = (error: ErrorPayload) =>
      answer({ ok: false, error: { ...error, event: 'channel:subscribe' } });
    const state = this.conns.get(connId);
    if (!state || state.closed) return;
    const { channel, after } = req;
    const kind = this.opts.kindOf(channel);
    if (!kind) return refuse(protocolError('NOT_FOUND', `there is no channel "${channel}"`));
    if (this.overCap(state, channel)) return refuse(this.capError());
    const rules = channelRules[kind];
    const who = state.conn.principal;
    let sub: Subscription | undefined;
    try {
      if (!rules.revocable) {
        const decision = await rules.subscribe(who, channel, this.opts.rules);
        if (!decision.ok) return refuse(decision.error);
        if (state.closed) return;
        if (this.overCap(state, channel)) return refuse(this.capError());
      }
      // Registered before the head is read: a message stored meanwhile waits behind the replay.
      sub = this.register(state, channel);
      if (rules.revocable) {
        const decision = await rules.subscribe(who, channel, this.opts.rules);
        if (!decision.ok) {
          this.detach(state, sub);
          return refuse(decision.error);
        }
      }
      const [{ head, retainedFrom }, mark] = await Promise.all([
        this.reads.retainedRange(channel),
        this.reads.readMark(who.playerId, channel),
      ]);
      // Closed meanwhile: replaced, unsubscribed, disconnected, or revoked by a refresh.
      if (sub.closed)
        return refuse(protocolError('CONFLICT', 'the subscription ended before it was answered'));
      const recent = Math.max(retainedFrom - 1, head - Math.min(this.opts.retention, MAX_BATCH));
      // An offset beyond the head means the client knows a history this store does not (it was
      // reset): as much a gap as one that retention removed.
      const gap = after !== undefined && (after < retainedFrom - 1 || after > head);
      const present = kind !== 'readonly';
      if (present) {
        state.present.add(channel);
        this.roster.join(channel, { id: who.playerId, name: who.name }, connId);
      }
      // What the others were last told; this join reaches everyone (itself too) in the next batch.
      const presence = present ? this.presenceExchange.snapshot(channel) : NO_PRESENCE;
      answer({
        ok: true,
        channel,
        kind,
        head,
        retainedFrom,
        gap,
        readUpTo: Math.min(mark, head),
        presence: [...presence.players],
        presenceCount: presence.count,
      });
      // Batches are broadcast from timers, never in between: this one gets every batch after it.
      if (present) this.fanout.join(state.conn, presenceGroup(channel));
      sub.start(after === undefined || gap ? recent : after);
    } catch (err) {
      this.opts.logger.error({ err, channel, conn: connId }, 'subscribe failed');
      if (sub) this.detach(state, sub);
      refuse(protocolError('UNAVAILABLE', 'channels are unavailable right now; try again'));
    }
  }

  unsubscribe(connId: string, channel: string): void {
    const state = this.conns.get(connId);
    const sub = state?.subs.get(channel);
    if (state && sub) this.detach(state, sub);
  }

  /** Only for a channel this connection subscribes to, and never beyond what it was sent. */
  async markRead(connId: string, mark: ReadMark): Promise<void> {
    const state = this.conns.get(connId);
    const sub = state?.subs.get(mark.channel);
    if (!state || !sub?.ready) return;
    const upTo = Math.min(mark.upTo, sub.sentUpTo);
    if (upTo > 0) await store.markRead(this.opts.db, state.conn.principal.playerId, mark.channel, upTo);
  }

  /** A message was stored: the channel's feed broadcasts it, in offset order. */
  deliver(channel: string, message: ChatMessage): void {
    this.feeds.get(channel)?.deliver(message);
  }

  /**
   * Sends the player's connections their directory again and closes the subscriptions the kind's
   * rule no longer allows (`channel:closed` with FORBIDDEN). Only revocable kinds are checked
   * again; a connection whose permissions cannot be checked (the store failed) is dropped, so it
   * cannot keep reading what it may have lost: the client resubscribes, and is checked, when back.
   */
  async refresh(playerId: string): Promise<void> {
    const mine = [...(this.byPlayer.get(playerId) ?? [])];
    if (mine.length === 0) return;
    const listing = this.opts.directory(playerId).then((channels) => {
      for (const state of mine) if (!state.closed) state.conn.send('channels', { channels });
    });
    // A closed subscription stops at once; the client hears of it after the new directory.
    const listed = listing.catch(() => {});
    await Promise.all([listing, ...mine.map((state) => this.recheck(state, listed))]);
  }

  /** Stops the presence timers (pending leaves are not announced). */
  close(): void {
    this.roster.close();
    this.presenceExchange.close();
    for (const feed of this.feeds.values()) feed.close();
  }

  private async recheck(state: ConnState, listed: Promise<void>): Promise<void> {
    const closed: { channel: string; why: string }[] = [];
    for (const sub of [...state.subs.values()]) {
      const kind = this.opts.kindOf(sub.channel);
      if (kind && !channelRules[kind].revocable) continue;
      let decision: Decision | null = null;
      try {
        decision = kind
          ? await channelRules[kind].subscribe(state.conn.principal, sub.channel, this.opts.rules)
          : null;
      } catch (err) {
        if (state.closed) return;
        this.opts.logger.error(
          { err, channel: sub.channel, conn: state.conn.id },
          'could not re-check a subscription',
        );
        state.conn.drop('could not re-check channel permissions');
        return;
      }
      if (decision?.ok || state.closed || state.subs.get(sub.channel) !== sub) continue;
      this.detach(state, sub);
      // A sector rule answers UNAVAILABLE for "in no sector": here that means the player left it.
      const why =
        decision === null
          ? `there is no channel "${sub.channel}"`
          : decision.error.code === 'FORBIDDEN'
            ? decision.error.message
            : `you may no longer read ${sub.channel}`;
      closed.push({ channel: sub.channel, why });
    }
    if (closed.length === 0) return;
    await listed;
    if (state.closed) return;
    for (const { channel, why } of closed) {
      state.conn.send('channel:closed', { channel, reason: protocolError('FORBIDDEN', why) });
    }
  }

  private overCap(state: ConnState, channel: string): boolean {
    return !state.subs.has(channel) && state.subs.size >= this.opts.maxSubscriptions;
  }

  private capError(): ErrorPayload {
    const max = this.opts.maxSubscriptions;
    return protocolError('BAD_MESSAGE', `at most ${max} channels per connection; unsubscribe from one first`);
  }

  /** A new subscription of the connection, replacing any earlier one to the same channel. */
  private register(state: ConnState, channel: string): Subscription {
    const sub = new Subscription(state.conn, channel, this.read, this.opts.logger, this.caughtUp);
    const replaced = state.subs.get(channel);
    state.subs.set(channel, sub);
    if (replaced) this.detach(state, replaced);
    this.feedOf(channel).add(sub);
    return sub;
  }

  private readonly caughtUp = (sub: Subscription) => this.feeds.get(sub.channel)?.offer(sub);

  private readonly read = (channel: string, after: number, limit: number) =>
    this.reads.messagesAfter(channel, after, limit);

  private detach(state: ConnState, sub: Subscription): void {
    sub.close();
    if (state.subs.get(sub.channel) === sub) state.subs.delete(sub.channel);
    const feed = this.feeds.get(sub.channel);
    if (feed?.remove(sub)) {
      feed.close();
      this.feeds.delete(sub.channel);
    }
    // A subscription replaced by a newer one of the same connection keeps its presence.
    if (!state.subs.has(sub.channel) && state.present.delete(sub.channel)) {
      this.fanout.leave(state.conn, presenceGroup(sub.channel));
      this.roster.leave(sub.channel, state.conn.principal.playerId, state.conn.id);
    }
  }

  private feedOf(channel: string): ChannelFeed {
    let feed = this.feeds.get(channel);
    if (!feed) {
      feed = new ChannelFeed({
        channel,
        group: messagesGroup(channel),
        read: this.read,
        fanout: this.fanout,
        logger: this.opts.logger,
      });
      this.feeds.set(channel, feed);
    }
    return feed;
  }
}
