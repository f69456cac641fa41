import { type ChatClient, connectChat, GameClient, type TransportName } from '@perihelion/client';
import { type ChatMessage, directChannel, type InboxMessage, PUBLISH_API_PREFIX } from '@perihelion/protocol';
import { expect } from 'vitest';
import { eventually } from './test-server.js';

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
/** One publish API request's longest wait for an answer, and how long a failing one is retried. */
const API_TIMEOUT_MS = 10_000;
const API_GUARD_MS = 60_000;

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

/**
 * Polls `check` until it holds; past `guardMs` fails with `what()`, asked then, so the message
 * says what was still missing at the end rather than at the start.
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: () => string,
  guardMs: number,
): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${guardMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface PlannedSend {
  from: Participant;
  channel: string;
  text: string;
  promise: Promise<unknown>;
  settled: boolean;
}

const teamOf = (i: number) => (i < TEAM_SIZE ? 'team:red' : i < 2 * TEAM_SIZE ? 'team:blue' : null);
const peerOf = (i: number) => (i + CLIENTS / 2) % CLIENTS;

export class ChatChaos {
  readonly participants: Participant[] = [];
  private readonly sends: PlannedSend[] = [];
  private readonly expected = new Map<string, string[]>();

  constructor(private readonly opts: ChaosOptions) {}

  /**
   * The publish API of the server (or of whichever node the balancer picks). Every request has a
   * timeout, and an idempotent one (GET, PUT, DELETE) that fails on the way (no answer, a 5xx from
   * a node that died under it) is tried again until API_GUARD_MS has passed.
   */
  async api(method: string, path: string, key: string, body?: unknown): Promise<unknown> {
    const retry = method !== 'POST';
    const deadline = Date.now() + API_GUARD_MS;
    for (;;) {
      let failure: string;
      try {
        const res = await fetch(`${this.opts.apiUrl()}${PUBLISH_API_PREFIX}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(API_TIMEOUT_MS),
        });
        if (res.ok) return res.status === 204 ? null : await res.json();
        failure = `${res.status} ${await res.text()}`;
        if (res.status < 500) throw new Error(`${method} ${path}: ${failure}`);
      } catch (err) {
        if (!(err instanceof TypeError) && !(err instanceof DOMException)) throw err;
        failure = `${err.name}: ${err.message}`;
      }
      if (!retry || Date.now() > deadline) throw new Error(`${method} ${path}: ${failure}`);
      await new Promise((r) => setTimeout(r, 200));
    }
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

  /**
   * Waits for every planned message to be accepted (at most `guardMs`: a publish the SDK still
   * holds then fails the test, naming it and its client's state); returns how many were sent.
   */
  async allSent(guardMs = 120_000): Promise<number> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const guard = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), guardMs);
    });
    const all = Promise.allSettled(this.sends.map((s) => s.promise));
    const settled = await Promise.race([all, guard]).finally(() => clearTimeout(timer));
    if (settled === 'late') {
      const pending = this.sends.filter((s) => !s.settled);
      const about = pending
        .slice(0, 5)
        .map((s) => `"${s.text}" in ${s.channel} by P${s.from.index} (${this.describe(s.from)})`);
      throw new Error(
        `${pending.length} of ${this.sends.length} messages still unanswered after ${guardMs} ms: ${about.join('; ')}`,
      );
    }
    const failed = settled.filter((s) => s.status === 'rejected');
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
    return this.sends.length;
  }

  /** A client's connection state, for a failing wait's message. */
  describe(p: Participant): string {
    const chat = p.client.chat;
    const subs = p.channels.map((c) => `${c}: ${chat.subscription(c)?.state ?? 'none'}`).join(', ');
    const error = p.pilot?.lastError;
    const pilot = p.pilot
      ? `pilot ${p.pilot.status} on ${p.pilot.node ?? '-'}${error ? ` after ${error.code}: ${error.message}` : ''}, ` +
        `${linkState(p.pilot.link.manager)}, `
      : '';
    return `${pilot}${subs}`;
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
        await until(
          () => (p.seen.get(channel)?.length ?? 0) >= head,
          () =>
            `P${p.index} caught up on ${channel}: it has ${p.seen.get(channel)?.length ?? 0} of ${head} messages (${this.describe(p)})`,
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
    const promise = new Promise((resolve) => setTimeout(resolve, delay)).then(() =>
      p.client.chat.publish(channel, text),
    );
    const send: PlannedSend = { from: p, channel, text, promise, settled: false };
    // Handled here too: a test that fails before allSent() must not add unhandled rejections.
    promise.then(
      () => {
        send.settled = true;
      },
      () => {
        send.settled = true;
      },
    );
    this.sends.push(send);
  }
}

/**
 * What Socket.IO's manager is doing, from its private fields (a failing wait's message only): a
 * link that stays down names whether it still plans a reconnect, and on which transport.
 */
function linkState(manager: unknown): string {
  const m = manager as {
    _readyState?: string;
    _reconnecting?: boolean;
    skipReconnect?: boolean;
    backoff?: { attempts: number };
    engine?: { readyState?: string; transport?: { name?: string } } | null;
  };
  const flags = [m._reconnecting ? 'reconnecting' : '', m.skipReconnect ? 'skipping reconnects' : '']
    .filter(Boolean)
    .join(', ');
  return (
    `link ${m._readyState ?? '?'}${flags ? ` (${flags})` : ''}, attempt ${m.backoff?.attempts ?? '?'}, ` +
    `engine ${m.engine?.readyState ?? '-'} on ${m.engine?.transport?.name ?? '-'}`
  );
}
