import { type ChatClient, connectChat, GameClient, type TransportName } from '@perihelion/client';
import { type ChatMessage, directChannel, type InboxMessage, PUBLISH_API_PREFIX } from '@perihelion/protocol';
import { expect } from 'vitest';
import { eventually, eventuallyAsync } from './test-server.js';

/*
 * The chat chaos scenario, for one server or a cluster: 50 clients (half WebSocket, half
 * long-polling; the last few game clients flying in one sector) talk in a shared channel, in two
 * team channels, in the sector's channel and in direct conversations, while the test breaks
 * things. At the end every client must hold every message of every channel it reads, in offset
 * order, each exactly once, and every message a client sent must be stored exactly once.
 */

export const CLIENTS = 50;
const GLOBAL_PER_CLIENT = 4;
const TEAM_PER_MEMBER = 2;
const DIRECT_PER_CLIENT = 2;
const TEAM_SIZE = 10;
const SECTOR_PER_PILOT = 3;
/** Messages go out at random moments within this long. */
export const SEND_WINDOW_MS = 12_000;

/** A chat-only client or a game client flying in the sector: both talk through `chat`. */
interface Talker {
  readonly chat: ChatClient;
  readonly auth: { readonly session: { playerId: string } | null };
  close(): void;
}

export interface Participant {
  index: number;
  client: Talker;
  /** The game client, for the pilots. */
  pilot: GameClient | null;
  playerId: string;
  /** Every message event per channel, in arrival order (offsets). */
  seen: Map<string, number[]>;
  /** Every notification event, in arrival order (sequence numbers). */
  notifications: number[];
  resets: string[];
  channels: string[];
}

export interface ChaosOptions {
  /** Where the clients connect (a fault proxy in front of the server or the load balancer). */
  url: string;
  /** The server's own address, for the publish API. */
  apiUrl: () => string;
  apiKey: string;
  adminToken: string;
  sector: string;
  /** How many of the clients are game clients in the sector. */
  pilots: number;
  random: () => number;
}

const teamOf = (i: number) => (i < TEAM_SIZE ? 'team:red' : i < 2 * TEAM_SIZE ? 'team:blue' : null);
const peerOf = (i: number) => (i + CLIENTS / 2) % CLIENTS;

export class ChatChaos {
  readonly participants: Participant[] = [];
  private readonly sends: Promise<unknown>[] = [];
  private readonly expected = new Map<string, string[]>();

  constructor(private readonly opts: ChaosOptions) {}

  /** The publish API of the server (or of whichever node the balancer picks). */
  async api(method: string, path: string, key: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.opts.apiUrl()}${PUBLISH_API_PREFIX}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  }

  /** Everyone signs in and reads global; the first twenty join a team. */
  async connectEveryone(): Promise<void> {
    const { opts } = this;
    for (let i = 0; i < CLIENTS; i++) {
      const transport: TransportName = i % 2 === 0 ? 'websocket' : 'polling';
      const socketOptions = { reconnectionDelay: 100, reconnectionDelayMax: 800 };
      let client: Talker;
      let pilot: GameClient | null = null;
      if (i >= CLIENTS - opts.pilots) {
        pilot = new GameClient({
          url: opts.url,
          sector: opts.sector,
          name: `P${i}`,
          transport,
          socketOptions,
        });
        pilot.connect();
        client = pilot;
      } else {
        client = connectChat({
          url: opts.url,
          name: `P${i}`,
          transport,
          socketOptions,
          chat: { ackTimeoutMs: 3000, retryDelayMs: 300, reconnectDelayMs: 200 },
        });
      }
      const p: Participant = {
        index: i,
        client,
        pilot,
        playerId: '',
        seen: new Map(),
        notifications: [],
        resets: [],
        channels: [],
      };
      client.chat.on('message', (channel, m: ChatMessage) => {
        const list = p.seen.get(channel) ?? [];
        list.push(m.offset);
        p.seen.set(channel, list);
      });
      client.chat.on('subscribed', (sub) => sub.on('reset', () => p.resets.push(sub.channel)));
      pilot?.on('notification', (n: InboxMessage) => p.notifications.push(n.seq));
      this.participants.push(p);
    }
    for (const p of this.participants) {
      await eventually(
        () => p.client.chat.subscription('global')?.state === 'live',
        `P${p.index} live`,
        60_000,
      );
      p.playerId = p.client.auth.session?.playerId ?? '';
    }
    for (const p of this.participants) {
      const team = teamOf(p.index);
      if (team) await this.api('PUT', `/channels/${team}/members/${p.playerId}`, opts.adminToken);
      p.channels = ['global', 'announcements', ...(team ? [team] : [])];
      p.channels.push(directChannel(p.playerId, this.participants[peerOf(p.index)]?.playerId ?? ''));
      if (p.pilot) p.channels.push(`sector:${opts.sector}`);
    }
    for (const p of this.participants) {
      const team = teamOf(p.index);
      if (team) {
        await eventually(
          () => p.client.chat.subscription(team)?.state === 'live',
          `P${p.index} in ${team}`,
          60_000,
        );
      }
    }
  }

  /** Every message a client will send, each at a random moment of the next SEND_WINDOW_MS. */
  planMessages(): void {
    for (const p of this.participants) {
      for (let k = 0; k < GLOBAL_PER_CLIENT; k++) this.plan(p, 'global', `g ${p.index}.${k}`);
      const team = teamOf(p.index);
      if (team) for (let k = 0; k < TEAM_PER_MEMBER; k++) this.plan(p, team, `t ${p.index}.${k}`);
      const dm = directChannel(p.playerId, this.participants[peerOf(p.index)]?.playerId ?? '');
      for (let k = 0; k < DIRECT_PER_CLIENT; k++) this.plan(p, dm, `d ${p.index}.${k}`);
      if (p.pilot) {
        for (let k = 0; k < SECTOR_PER_PILOT; k++)
          this.plan(p, `sector:${this.opts.sector}`, `s ${p.index}.${k}`);
      }
    }
  }

  /** Waits for every planned message to be accepted; returns how many were sent. */
  async allSent(): Promise<number> {
    const settled = await Promise.allSettled(this.sends);
    const failed = settled.filter((s) => s.status === 'rejected');
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
    return this.sends.length;
  }

  /**
   * The store holds each sent text exactly once per channel, and every client, once caught up,
   * has seen each offset of each of its channels once, in order, with the stored text.
   */
  async expectEveryMessageOnceInOrder(): Promise<void> {
    const heads = new Map<string, number>();
    const stored = new Map<string, Map<number, string>>();
    for (const [channel, texts] of this.expected) {
      const history = (await this.api(
        'GET',
        `/channels/${channel}/messages?after=0&limit=500`,
        this.opts.apiKey,
      )) as { head: number; messages: { offset: number; text: string }[] };
      expect(history.messages.map((m) => m.text).sort(), channel).toEqual([...texts].sort());
      expect(history.messages.map((m) => m.offset)).toEqual(texts.map((_, i) => i + 1));
      heads.set(channel, history.head);
      stored.set(channel, new Map(history.messages.map((m) => [m.offset, m.text])));
    }
    for (const p of this.participants) {
      for (const channel of p.channels) {
        const head = heads.get(channel) ?? 0;
        await eventuallyAsync(
          async () => (p.seen.get(channel)?.length ?? 0) >= head,
          `P${p.index} caught up on ${channel}`,
          90_000,
        );
      }
    }
    for (const p of this.participants) {
      expect(p.resets, `P${p.index} resets`).toEqual([]);
      for (const channel of p.channels) {
        const head = heads.get(channel) ?? 0;
        expect(p.seen.get(channel) ?? [], `P${p.index} ${channel}`).toEqual(
          Array.from({ length: head }, (_, i) => i + 1),
        );
        const shown = p.client.chat.subscription(channel)?.messages ?? [];
        expect(shown.map((m) => m.text)).toEqual(shown.map((m) => stored.get(channel)?.get(m.offset)));
      }
    }
  }

  closeAll(): void {
    for (const p of this.participants) p.client.close();
  }

  private plan(p: Participant, channel: string, text: string): void {
    this.expected.set(channel, [...(this.expected.get(channel) ?? []), text]);
    const delay = this.opts.random() * SEND_WINDOW_MS;
    this.sends.push(
      new Promise((resolve) => setTimeout(resolve, delay)).then(() => p.client.chat.publish(channel, text)),
    );
  }
}
