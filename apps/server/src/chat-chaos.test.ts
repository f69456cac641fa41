import { type ChatClient, connectChat, GameClient, type TransportName } from '@perihelion/client';
import { mulberry32 } from '@perihelion/game';
import { type ChatMessage, directChannel, PUBLISH_API_PREFIX } from '@perihelion/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './testing/fault-proxy.js';
import { freshDataDir, GameServer } from './testing/server-process.js';
import { eventually, eventuallyAsync } from './testing/test-server.js';

/*
 * Chaos: 50 clients (half WebSocket, half long-polling; six of them game clients flying in one
 * sector) talk in a shared channel, in two team channels, in the sector's channel and in direct
 * conversations, at the default chat rate limit, while a TCP proxy between them and the server
 * keeps cutting random connections, and the server is killed (SIGKILL) and started again once,
 * mid-conversation.
 * At the end every client must hold every message of every channel it reads, in offset order,
 * each exactly once, and every message a client sent must be stored exactly once.
 */

const CLIENTS = 50;
const GLOBAL_PER_CLIENT = 4;
const TEAM_PER_MEMBER = 2;
const DIRECT_PER_CLIENT = 2;
const TEAM_SIZE = 10;
/** The last few clients are game clients flying in one sector, talking in its sector channel too. */
const PILOTS = 6;
const SECTOR_PER_PILOT = 3;
const SECTOR = 'chaos';
const API_KEY = 'chaos-api-key-0123456789';
const ADMIN_TOKEN = 'chaos-admin-token-0123456789';

/** A chat-only client or a game client flying in the sector: both talk through `chat`. */
interface Talker {
  readonly chat: ChatClient;
  readonly auth: { readonly session: { playerId: string } | null };
  close(): void;
}

interface Participant {
  index: number;
  client: Talker;
  playerId: string;
  /** Every message event per channel, in arrival order (offsets). */
  seen: Map<string, number[]>;
  resets: string[];
  channels: string[];
}

const teamOf = (i: number) => (i < TEAM_SIZE ? 'team:red' : i < 2 * TEAM_SIZE ? 'team:blue' : null);
const peerOf = (i: number) => (i + CLIENTS / 2) % CLIENTS;

describe('chat under chaos', () => {
  const env = {
    DATA_DIR: freshDataDir(),
    AUTH_SECRET: 'chaos-secret-0123456789-0123456789-abcdef',
    API_KEY,
    ADMIN_TOKEN,
    PRESENCE_GRACE_MS: '500',
    LOG_LEVEL: 'info',
  };
  let server: GameServer | null = null;
  let proxy: FaultProxy | null = null;
  const participants: Participant[] = [];

  // The server is stopped whatever else fails: a test must never leave a process behind.
  afterAll(async () => {
    try {
      for (const p of participants) p.client.close();
      await proxy?.close();
    } finally {
      await server?.stop();
    }
  });

  it('every client ends with every message of its channels, in order, exactly once', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
    console.log(`chat chaos seed: ${seed} (CHAOS_SEED=${seed} replays it)`);
    const random = mulberry32(seed);
    server = await GameServer.start({ env });
    proxy = await FaultProxy.start(server.url);
    const api = async (method: string, path: string, key: string, body?: unknown) => {
      const res = await fetch(`${server!.url}${PUBLISH_API_PREFIX}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    };

    // Everyone signs in and reads global; the first twenty join a team.
    for (let i = 0; i < CLIENTS; i++) {
      const transport: TransportName = i % 2 === 0 ? 'websocket' : 'polling';
      const socketOptions = { reconnectionDelay: 100, reconnectionDelayMax: 800 };
      let client: Talker;
      if (i >= CLIENTS - PILOTS) {
        const pilot = new GameClient({
          url: proxy.url,
          sector: SECTOR,
          name: `P${i}`,
          transport,
          socketOptions,
        });
        pilot.connect();
        client = pilot;
      } else {
        client = connectChat({
          url: proxy.url,
          name: `P${i}`,
          transport,
          socketOptions,
          chat: { ackTimeoutMs: 3000, retryDelayMs: 300, reconnectDelayMs: 200 },
        });
      }
      const p: Participant = { index: i, client, playerId: '', seen: new Map(), resets: [], channels: [] };
      client.chat.on('message', (channel, m: ChatMessage) => {
        const list = p.seen.get(channel) ?? [];
        list.push(m.offset);
        p.seen.set(channel, list);
      });
      client.chat.on('subscribed', (sub) => sub.on('reset', () => p.resets.push(sub.channel)));
      participants.push(p);
    }
    for (const p of participants) {
      await eventually(
        () => p.client.chat.subscription('global')?.state === 'live',
        `P${p.index} live`,
        30_000,
      );
      p.playerId = p.client.auth.session!.playerId;
    }
    for (const p of participants) {
      const team = teamOf(p.index);
      if (team) await api('PUT', `/channels/${team}/members/${p.playerId}`, ADMIN_TOKEN);
      p.channels = ['global', 'announcements', ...(team ? [team] : [])];
      p.channels.push(directChannel(p.playerId, participants[peerOf(p.index)]!.playerId));
      if (p.index >= CLIENTS - PILOTS) p.channels.push(`sector:${SECTOR}`);
    }
    for (const p of participants) {
      const team = teamOf(p.index);
      if (team)
        await eventually(
          () => p.client.chat.subscription(team)?.state === 'live',
          `P${p.index} in ${team}`,
          30_000,
        );
    }

    // Every message a client will send, at a random moment of the next ~12 s.
    const sends: Promise<unknown>[] = [];
    const expected = new Map<string, string[]>();
    const plan = (p: Participant, channel: string, text: string) => {
      expected.set(channel, [...(expected.get(channel) ?? []), text]);
      const delay = random() * 12_000;
      sends.push(
        new Promise((resolve) => setTimeout(resolve, delay)).then(() => p.client.chat.publish(channel, text)),
      );
    };
    for (const p of participants) {
      for (let k = 0; k < GLOBAL_PER_CLIENT; k++) plan(p, 'global', `g ${p.index}.${k}`);
      const team = teamOf(p.index);
      if (team) for (let k = 0; k < TEAM_PER_MEMBER; k++) plan(p, team, `t ${p.index}.${k}`);
      const dm = directChannel(p.playerId, participants[peerOf(p.index)]!.playerId);
      for (let k = 0; k < DIRECT_PER_CLIENT; k++) plan(p, dm, `d ${p.index}.${k}`);
      if (p.index >= CLIENTS - PILOTS) {
        for (let k = 0; k < SECTOR_PER_PILOT; k++) plan(p, `sector:${SECTOR}`, `s ${p.index}.${k}`);
      }
    }

    // Faults: random connections cut every 600 ms; one SIGKILL and restart after ~5 s.
    let dropped = 0;
    const faults = setInterval(() => {
      dropped += proxy!.dropSome(0.15, random);
    }, 600);
    await new Promise((r) => setTimeout(r, 5000));
    await server.kill();
    server = await GameServer.start({ env });
    proxy.retarget(server.url);
    const settled = await Promise.allSettled(sends);
    clearInterval(faults);
    const failed = settled.filter((s) => s.status === 'rejected');
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
    console.log(`chat chaos: ${sends.length} messages sent, ${dropped} connections cut, one restart`);

    // The store holds each sent text exactly once per channel.
    const heads = new Map<string, number>();
    const stored = new Map<string, Map<number, string>>();
    for (const [channel, texts] of expected) {
      const history = (await api('GET', `/channels/${channel}/messages?after=0&limit=500`, API_KEY)) as {
        head: number;
        messages: { offset: number; text: string }[];
      };
      expect(history.messages.map((m) => m.text).sort(), channel).toEqual([...texts].sort());
      expect(history.messages.map((m) => m.offset)).toEqual(texts.map((_, i) => i + 1));
      heads.set(channel, history.head);
      stored.set(channel, new Map(history.messages.map((m) => [m.offset, m.text])));
    }

    // Every client catches up to the head of each of its channels …
    for (const p of participants) {
      for (const channel of p.channels) {
        const head = heads.get(channel) ?? 0;
        await eventuallyAsync(
          async () => (p.seen.get(channel)?.length ?? 0) >= head,
          `P${p.index} caught up on ${channel}`,
          60_000,
        );
      }
    }
    // … having seen each offset once, in order, with the stored text, and no history lost to a gap.
    for (const p of participants) {
      expect(p.resets, `P${p.index} resets`).toEqual([]);
      for (const channel of p.channels) {
        const head = heads.get(channel) ?? 0;
        expect(p.seen.get(channel) ?? [], `P${p.index} ${channel}`).toEqual(
          Array.from({ length: head }, (_, i) => i + 1),
        );
        const shown = p.client.chat.subscription(channel)!.messages;
        expect(shown.map((m) => m.text)).toEqual(shown.map((m) => stored.get(channel)!.get(m.offset)));
      }
    }
  }, 240_000);
});
