import {
  type ChannelInfo,
  type ChannelKind,
  type ChatMessage,
  type ErrorPayload,
  type PresenceEntry,
  type PublishRequest,
  publishRequestSchema,
  readMarkSchema,
  subscribeRequestSchema,
} from '@perihelion/protocol';
import { FakeChatSocket, type FakeConnection, type Listener } from './fake-chat-socket.js';

export { FakeChatSocket };

/*
 * An in-memory stand-in for the server's `/chat` namespace, for the SDK's unit tests: it follows
 * the contract in packages/protocol/src/chat.ts (offsets, retention and gap, replay after `after`,
 * idempotent nonces, per-player presence, read marks, the directory). Every packet hops through a
 * microtask, and a disconnect loses whatever was still on its way, as a dropped network does.
 * Presence is simpler than the real server's (one change per join or leave, sent at once, and the
 * whole list); the client applies either the same way.
 * The real server is tested against the same contract in apps/server.
 */

interface StoredChannel {
  kind: ChannelKind;
  head: number;
  /** The retained messages, oldest first. */
  messages: ChatMessage[];
  /** sender + nonce → offset (a repeated publish answers with the stored offset). */
  nonces: Map<string, number>;
}

export interface FakeServerOptions {
  /** Messages kept per channel. Default 500. */
  retention?: number;
  /** History sent to a subscribe without `after`. Default 100. */
  recent?: number;
}

export class FakeChatServer {
  private readonly channels = new Map<string, StoredChannel>();
  private readonly connections = new Set<FakeConnection>();
  private readonly reads = new Map<string, number>();
  private readonly directories = new Map<string, ChannelInfo[]>();
  private readonly retention: number;
  private readonly recent: number;
  /** Stores publishes but never answers them (the answer is "lost"). */
  dropPublishAnswers = false;
  /** Refuses a publish with this error (return null to accept). */
  refusePublish: (req: PublishRequest, playerId: string) => ErrorPayload | null = () => null;
  /** Refuses a subscribe with this error (return null to accept). */
  refuseSubscribe: (channel: string, playerId: string) => ErrorPayload | null = () => null;
  /** Every client → server packet, in arrival order (for assertions). */
  readonly received: Array<{ player: string; event: string; payload: unknown }> = [];

  constructor(options: FakeServerOptions = {}) {
    this.retention = options.retention ?? 500;
    this.recent = options.recent ?? 100;
  }

  /** A client socket for `playerId`, not connected yet. */
  socket(playerId: string, name = playerId): FakeChatSocket {
    return new FakeChatSocket(this, { id: playerId, name });
  }

  /** Everything stored in `channel`, oldest first (retained only). */
  stored(channel: string): readonly ChatMessage[] {
    return this.channels.get(channel)?.messages ?? [];
  }

  head(channel: string): number {
    return this.channels.get(channel)?.head ?? 0;
  }

  /** A message from the server itself (the publish API, an announcement). */
  publishAsSystem(channel: string, text: string): number {
    return this.store(channel, { id: 'system', name: 'Server' }, text, undefined);
  }

  setDirectory(playerId: string, channels: ChannelInfo[]): void {
    this.directories.set(playerId, channels);
    for (const c of this.connections) if (c.player.id === playerId) c.send('channels', { channels });
  }

  closeChannelFor(playerId: string, channel: string, reason: ErrorPayload): void {
    for (const c of this.connections) {
      if (c.player.id !== playerId || !c.subscriptions.has(channel)) continue;
      this.leave(c, channel);
      c.send('channel:closed', { channel, reason });
    }
  }

  /** Drops every connection at once, as a restart does (the store survives). */
  restart(): void {
    for (const c of [...this.connections]) c.socket.drop('transport close');
  }

  /** Sends a raw packet to every connection of `playerId` (to play a misbehaving server). */
  sendRaw(playerId: string, event: string, payload: unknown): void {
    for (const c of this.connections) if (c.player.id === playerId) c.send(event, payload);
  }

  presenceOf(channel: string): PresenceEntry[] {
    const seen = new Map<string, string>();
    for (const c of this.connections) if (c.subscriptions.has(channel)) seen.set(c.player.id, c.player.name);
    return [...seen].map(([id, name]) => ({ id, name }));
  }

  // ---- wire ------------------------------------------------------------------------------------

  /** @internal */
  attach(connection: FakeConnection): void {
    this.connections.add(connection);
    const directory = this.directories.get(connection.player.id);
    if (directory) connection.send('channels', { channels: directory });
  }

  /** @internal */
  detach(connection: FakeConnection): void {
    if (!this.connections.delete(connection)) return;
    for (const channel of [...connection.subscriptions.keys()]) this.leave(connection, channel);
  }

  /** @internal */
  handle(c: FakeConnection, event: string, args: unknown[]): void {
    const payload = args[0];
    const ack = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as Listener) : null;
    this.received.push({ player: c.player.id, event, payload });
    switch (event) {
      case 'channel:subscribe':
        this.subscribe(c, payload, ack);
        return;
      case 'channel:unsubscribe': {
        const channel = (payload as { channel?: unknown }).channel;
        if (typeof channel === 'string') this.leave(c, channel);
        return;
      }
      case 'channel:publish':
        this.publish(c, payload, ack);
        return;
      case 'channel:read': {
        const mark = readMarkSchema.safeParse(payload);
        if (mark.success) {
          const key = `${c.player.id}|${mark.data.channel}`;
          this.reads.set(key, Math.max(this.reads.get(key) ?? 0, mark.data.upTo));
        }
        return;
      }
    }
  }

  readMark(playerId: string, channel: string): number {
    return this.reads.get(`${playerId}|${channel}`) ?? 0;
  }

  private subscribe(c: FakeConnection, payload: unknown, ack: Listener | null): void {
    const req = subscribeRequestSchema.safeParse(payload);
    if (!req.success || !ack) return;
    const { channel, after } = req.data;
    const refusal = this.refuseSubscribe(channel, c.player.id);
    if (refusal) {
      c.answer(ack, { ok: false, error: refusal });
      return;
    }
    const ch = this.channel(channel);
    const retainedFrom = Math.max(1, ch.head - this.retention + 1);
    const recentFrom = Math.max(retainedFrom, ch.head - this.recent + 1);
    const gap = after !== undefined && after < retainedFrom - 1;
    const from = after === undefined || gap ? recentFrom : after + 1;
    const wasThere = this.presenceOf(channel).some((p) => p.id === c.player.id);
    c.subscriptions.set(channel, ch.head);
    const answer = {
      ok: true,
      channel,
      kind: ch.kind,
      head: ch.head,
      retainedFrom,
      gap,
      readUpTo: this.readMark(c.player.id, channel),
      presence: this.presenceOf(channel),
      presenceCount: this.presenceOf(channel).length,
    };
    const replay = ch.messages.filter((m) => m.offset >= from);
    // As the real server does: the answer first, then the replay (then live messages).
    c.answer(ack, answer);
    for (let i = 0; i < replay.length; i += 100) {
      c.send('channel:messages', { channel, messages: replay.slice(i, i + 100) });
    }
    if (!wasThere) this.broadcastPresence(channel, c, { joined: [c.player], left: [] });
  }

  private publish(c: FakeConnection, payload: unknown, ack: Listener | null): void {
    const req = publishRequestSchema.safeParse(payload);
    if (!ack) return;
    if (!req.success) {
      c.answer(ack, { ok: false, error: { code: 'BAD_MESSAGE', message: 'bad publish' } });
      return;
    }
    const refusal = this.refusePublish(req.data, c.player.id);
    if (refusal) {
      c.answer(ack, { ok: false, error: refusal });
      return;
    }
    const offset = this.store(req.data.channel, c.player, req.data.text, req.data.nonce);
    if (this.dropPublishAnswers) return;
    const at = this.channel(req.data.channel).messages.find((m) => m.offset === offset)?.at ?? 0;
    c.answer(ack, { ok: true, channel: req.data.channel, offset, at });
  }

  private store(channel: string, sender: PresenceEntry, text: string, nonce: string | undefined): number {
    const ch = this.channel(channel);
    const key = nonce === undefined ? null : `${sender.id}|${nonce}`;
    const known = key === null ? undefined : ch.nonces.get(key);
    if (known !== undefined) return known;
    const offset = ++ch.head;
    if (key !== null) ch.nonces.set(key, offset);
    ch.messages.push({
      offset,
      sender: { id: sender.id, name: sender.name },
      text,
      at: 1_700_000_000_000 + offset,
    });
    if (ch.messages.length > this.retention) ch.messages.splice(0, ch.messages.length - this.retention);
    for (const conn of this.connections) {
      const sentUpTo = conn.subscriptions.get(channel);
      if (sentUpTo === undefined) continue;
      const fresh = ch.messages.filter((m) => m.offset > sentUpTo);
      conn.subscriptions.set(channel, ch.head);
      if (fresh.length > 0) conn.send('channel:messages', { channel, messages: fresh });
    }
    return offset;
  }

  private leave(c: FakeConnection, channel: string): void {
    if (!c.subscriptions.delete(channel)) return;
    const stillThere = this.presenceOf(channel).some((p) => p.id === c.player.id);
    if (!stillThere) this.broadcastPresence(channel, c, { joined: [], left: [c.player.id] });
  }

  private broadcastPresence(
    channel: string,
    except: FakeConnection,
    change: { joined: PresenceEntry[]; left: string[] },
  ): void {
    for (const conn of this.connections) {
      if (conn !== except && conn.subscriptions.has(channel)) {
        conn.send('presence', { channel, ...change, count: this.presenceOf(channel).length });
      }
    }
  }

  private channel(name: string): StoredChannel {
    let ch = this.channels.get(name);
    if (!ch) {
      ch = { kind: kindOf(name), head: 0, messages: [], nonces: new Map() };
      this.channels.set(name, ch);
    }
    return ch;
  }
}

function kindOf(name: string): ChannelKind {
  if (name === 'announcements') return 'readonly';
  if (name.startsWith('sector:')) return 'sector';
  if (name.startsWith('dm:')) return 'direct';
  if (name.startsWith('team:')) return 'private';
  return 'public';
}
