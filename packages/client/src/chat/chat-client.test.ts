import { type ChatMessage, directChannel } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { ChatClient } from './chat-client.js';
import type { ChatClientOptions } from './chat-client-options.js';
import { ChatError } from './chat-error.js';
import {
  FakeChatServer,
  type FakeChatServer as FakeChatServerType,
  type FakeChatSocket,
} from './fake-chat-server.js';

/** Lets every packet on its way arrive (each hop is a microtask; a macrotask runs them all). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const offsets = (messages: readonly ChatMessage[]) => messages.map((m) => m.offset);
const texts = (messages: readonly ChatMessage[]) => messages.map((m) => m.text);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function player(
  server: FakeChatServerType,
  id: string,
  options: Partial<ChatClientOptions> = {},
): { socket: FakeChatSocket; chat: ChatClient } {
  const socket = server.socket(id, id.toUpperCase());
  const chat = new ChatClient(socket.typed(), {
    self: () => id,
    autoSubscribe: false,
    readIntervalMs: 0,
    retryDelayMs: 0,
    ...options,
  });
  return { socket, chat };
}

function subscribesOf(socket: FakeChatSocket, channel: string) {
  return socket.emitted
    .filter((p) => p.event === 'channel:subscribe' && (p.payload as { channel: string }).channel === channel)
    .map((p) => p.payload);
}

describe('ChatClient subscriptions', () => {
  it('takes the recent history, then every new message, in offset order', async () => {
    const server = new FakeChatServer({ recent: 3 });
    for (let i = 1; i <= 5; i++) server.publishAsSystem('global', `old ${i}`);
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    const seen: number[] = [];
    sub.on('message', (m) => seen.push(m.offset));
    await settle();
    expect(subscribesOf(socket, 'global')).toEqual([{ channel: 'global' }]);
    expect(offsets(sub.messages)).toEqual([3, 4, 5]);
    server.publishAsSystem('global', 'new');
    await settle();
    expect(offsets(sub.messages)).toEqual([3, 4, 5, 6]);
    expect(seen).toEqual([3, 4, 5, 6]);
    expect(sub.lastOffset).toBe(6);
    expect(sub.state).toBe('live');
    expect(sub.kind).toBe('public');
  });

  it('resumes every subscription from its last offset after a reconnect: nothing lost, nothing twice', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    const sub = chat.subscribe('global');
    socket.connect();
    await settle();
    server.publishAsSystem('global', 'one');
    server.publishAsSystem('global', 'two');
    await settle();
    socket.drop();
    server.publishAsSystem('global', 'three');
    server.publishAsSystem('global', 'four');
    socket.connect();
    await settle();
    expect(subscribesOf(socket, 'global')).toEqual([{ channel: 'global' }, { channel: 'global', after: 2 }]);
    expect(texts(sub.messages)).toEqual(['one', 'two', 'three', 'four']);
    // A server that replays what this client already has (e.g. recovered packets) shows nothing twice.
    server.sendRaw('a', 'channel:messages', { channel: 'global', messages: sub.messages.slice(1) });
    await settle();
    expect(offsets(sub.messages)).toEqual([1, 2, 3, 4]);
  });

  it('an empty channel resumes from offset 0, so whatever arrived while away is replayed in full', async () => {
    const server = new FakeChatServer({ recent: 2 });
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    await settle();
    socket.drop();
    for (let i = 1; i <= 5; i++) server.publishAsSystem('global', `m${i}`);
    socket.connect();
    await settle();
    expect(subscribesOf(socket, 'global')).toEqual([{ channel: 'global' }, { channel: 'global', after: 0 }]);
    expect(offsets(sub.messages)).toEqual(range(1, 5));
  });

  it('a stray batch beyond lastOffset + 1 triggers a resubscribe from lastOffset that fills the hole', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    await settle();
    server.publishAsSystem('global', 'one');
    await settle();
    // Stored while this connection was (wrongly) not told: only a resubscribe brings them.
    socket.drop();
    server.publishAsSystem('global', 'two');
    server.publishAsSystem('global', 'three');
    socket.connect();
    await settle();
    expect(offsets(sub.messages)).toEqual([1, 2, 3]);
    server.sendRaw('a', 'channel:messages', {
      channel: 'global',
      messages: [{ offset: 9, sender: { id: 'x', name: 'X' }, text: 'nine', at: 0 }],
    });
    await settle();
    const unsubscribes = socket.emitted.filter((p) => p.event === 'channel:unsubscribe');
    expect(unsubscribes).toEqual([{ event: 'channel:unsubscribe', payload: { channel: 'global' } }]);
    expect(subscribesOf(socket, 'global').at(-1)).toEqual({ channel: 'global', after: 3 });
    expect(offsets(sub.messages)).toEqual([1, 2, 3]);
  });

  it('takes the replay right whether it arrives before or after the subscribe answer', async () => {
    const server = new FakeChatServer({ replayBeforeAnswer: true, retention: 3 });
    const { socket, chat } = player(server, 'a');
    socket.connect();
    server.publishAsSystem('global', 'one');
    const sub = chat.subscribe('global');
    await settle();
    expect(offsets(sub.messages)).toEqual([1]);
    socket.drop();
    for (let i = 2; i <= 6; i++) server.publishAsSystem('global', `m${i}`);
    const events: string[] = [];
    sub.on('reset', () => events.push('reset'));
    sub.on('message', (m) => events.push(`message ${m.offset}`));
    socket.connect();
    await settle();
    expect(events).toEqual(['reset', 'message 4', 'message 5', 'message 6']);
    expect(offsets(sub.messages)).toEqual([4, 5, 6]);
  });

  it('a gap (away longer than the retained history) clears the messages and says so before the recent history', async () => {
    const server = new FakeChatServer({ retention: 5, recent: 5 });
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    for (let i = 1; i <= 3; i++) server.publishAsSystem('global', `m${i}`);
    await settle();
    expect(offsets(sub.messages)).toEqual([1, 2, 3]);
    expect(sub.gap).toBe(false);
    socket.drop();
    for (let i = 4; i <= 15; i++) server.publishAsSystem('global', `m${i}`);
    const events: string[] = [];
    sub.on('reset', () => events.push(`reset (had ${sub.messages.length})`));
    sub.on('message', (m) => events.push(`message ${m.offset}`));
    socket.connect();
    await settle();
    expect(events).toEqual(['reset (had 0)', ...range(11, 15).map((o) => `message ${o}`)]);
    expect(offsets(sub.messages)).toEqual(range(11, 15));
    expect(sub.gap).toBe(true);
    // And from there on it resumes normally.
    socket.drop();
    server.publishAsSystem('global', 'm16');
    socket.connect();
    await settle();
    expect(subscribesOf(socket, 'global').at(-1)).toEqual({ channel: 'global', after: 15 });
    expect(offsets(sub.messages)).toEqual(range(11, 16));
  });

  it('a server that lost its store (head behind our offset) resets instead of mixing two histories', async () => {
    const first = new FakeChatServer();
    const { socket, chat } = player(first, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    for (let i = 1; i <= 4; i++) first.publishAsSystem('global', `old ${i}`);
    await settle();
    socket.drop();
    const fresh = new FakeChatServer();
    fresh.publishAsSystem('global', 'new 1');
    let resets = 0;
    sub.on('reset', () => resets++);
    socket.connect(fresh);
    await settle();
    expect(resets).toBe(1);
    expect(texts(sub.messages)).toEqual(['new 1']);
  });

  it('keeps presence from the answer and the join/leave events', async () => {
    const server = new FakeChatServer();
    const a = player(server, 'a');
    const b = player(server, 'b');
    a.socket.connect();
    const sub = a.chat.subscribe('sector:alpha');
    await settle();
    expect([...sub.presence]).toEqual([['a', 'A']]);
    const changes: unknown[] = [];
    sub.on('presence', (change) => changes.push(change));
    b.socket.connect();
    b.chat.subscribe('sector:alpha');
    await settle();
    expect([...sub.presence]).toEqual([
      ['a', 'A'],
      ['b', 'B'],
    ]);
    b.socket.drop();
    await settle();
    expect([...sub.presence]).toEqual([['a', 'A']]);
    expect(changes).toEqual([
      { joined: [{ id: 'b', name: 'B' }], left: [] },
      { joined: [], left: [{ id: 'b', name: 'B' }] },
    ]);
  });

  it('a refused subscribe ends with the reason; one that may pass is retried', async () => {
    const server = new FakeChatServer();
    let unavailable = 1;
    server.refuseSubscribe = (channel) => {
      if (channel.startsWith('team:')) return { code: 'FORBIDDEN', message: 'not your team' };
      if (unavailable-- > 0) return { code: 'UNAVAILABLE', message: 'store down' };
      return null;
    };
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const reasons: unknown[] = [];
    const team = chat.subscribe('team:red');
    team.on('closed', (reason) => reasons.push(reason));
    await settle();
    await settle();
    expect(reasons).toEqual([{ code: 'FORBIDDEN', message: 'not your team' }]);
    expect(team.state).toBe('closed');
    expect(chat.subscription('team:red')).toBeUndefined();
    const global = chat.subscribe('global');
    await settle();
    await settle();
    expect(global.state).toBe('live');
    expect(subscribesOf(socket, 'global')).toHaveLength(2);
  });

  it('channel:closed from the server ends the subscription', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('sector:alpha');
    await settle();
    const reasons: unknown[] = [];
    sub.on('closed', (r) => reasons.push(r));
    server.closeChannelFor('a', 'sector:alpha', { code: 'NOT_IN_SECTOR', message: 'left the sector' });
    await settle();
    expect(reasons).toEqual([{ code: 'NOT_IN_SECTOR', message: 'left the sector' }]);
    expect(chat.subscriptions.size).toBe(0);
  });

  it('ignores malformed server events and reports them', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    const errors: string[] = [];
    chat.on('error', (e) => errors.push(`${e.code} ${e.event}`));
    await settle();
    server.sendRaw('a', 'channel:messages', { channel: 'global', messages: [{ offset: 'one' }] });
    server.sendRaw('a', 'channels', { channels: 'all of them' });
    await settle();
    expect(sub.messages).toEqual([]);
    expect(errors).toEqual(['BAD_MESSAGE channel:messages', 'BAD_MESSAGE channels']);
  });

  it('refuses a name no channel can have without asking the server', () => {
    const server = new FakeChatServer();
    const { chat } = player(server, 'a');
    expect(() => chat.subscribe('no spaces')).toThrow(ChatError);
  });
});

describe('ChatClient publishing', () => {
  it('publishes with a nonce and resolves with the stored offset', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const receipt = await chat.publish('global', '  hello  ');
    expect(receipt).toMatchObject({ channel: 'global', offset: 1 });
    expect(server.stored('global').map((m) => [m.sender.id, m.text])).toEqual([['a', 'hello']]);
    const [sent] = socket.emitted.filter((p) => p.event === 'channel:publish');
    expect(sent?.payload).toMatchObject({ channel: 'global', text: 'hello', nonce: expect.any(String) });
    expect(chat.pending()).toEqual([]);
  });

  it('keeps publishes made offline in order and sends them on connect', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    const receipts = [
      chat.publish('global', 'one'),
      chat.publish('global', 'two'),
      chat.publish('global', 'three'),
    ];
    expect(chat.pending('global').map((p) => p.text)).toEqual(['one', 'two', 'three']);
    socket.connect();
    expect((await Promise.all(receipts)).map((r) => r.offset)).toEqual([1, 2, 3]);
    expect(server.stored('global').map((m) => m.text)).toEqual(['one', 'two', 'three']);
  });

  it('re-sends an unanswered publish after a reconnect with the same nonce: stored once', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    server.dropPublishAnswers = true;
    const receipt = chat.publish('global', 'only once');
    await settle();
    expect(server.stored('global')).toHaveLength(1);
    socket.drop();
    server.dropPublishAnswers = false;
    socket.connect();
    expect((await receipt).offset).toBe(1);
    const nonces = socket.emitted
      .filter((p) => p.event === 'channel:publish')
      .map((p) => (p.payload as { nonce: string }).nonce);
    expect(nonces).toHaveLength(2);
    expect(nonces[0]).toBe(nonces[1]);
    expect(server.stored('global').map((m) => m.text)).toEqual(['only once']);
  });

  it('a refusal rejects with a typed error, leaves the outbox, and the next publish goes on', async () => {
    const server = new FakeChatServer();
    server.refusePublish = (req) =>
      req.text === 'spam' ? { code: 'RATE_LIMITED', message: 'slow down', event: 'channel:publish' } : null;
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const refused = chat.publish('global', 'spam');
    const next = chat.publish('global', 'fine');
    await expect(refused).rejects.toMatchObject({
      name: 'ChatError',
      code: 'RATE_LIMITED',
      channel: 'global',
    });
    await expect(next).resolves.toMatchObject({ offset: 1 });
    expect(chat.pending()).toEqual([]);
  });

  it('rejects an invalid message before sending it', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    await expect(chat.publish('global', '   ')).rejects.toMatchObject({ code: 'BAD_MESSAGE' });
    await expect(chat.publish('global', 'x'.repeat(501))).rejects.toMatchObject({ code: 'BAD_MESSAGE' });
    expect(socket.emitted.filter((p) => p.event === 'channel:publish')).toEqual([]);
  });

  it('sendDirect publishes on the direct channel of the two players', async () => {
    const server = new FakeChatServer();
    const a = player(server, 'a');
    const b = player(server, 'b');
    a.socket.connect();
    b.socket.connect();
    const inbox = b.chat.direct('a');
    expect(inbox.channel).toBe(directChannel('a', 'b'));
    await a.chat.sendDirect('b', 'psst');
    await settle();
    expect(texts(inbox.messages)).toEqual(['psst']);
    await expect(a.chat.sendDirect('a', 'me')).rejects.toMatchObject({ code: 'BAD_MESSAGE' });
  });

  it('close() rejects what is still unanswered', async () => {
    const server = new FakeChatServer();
    const { chat } = player(server, 'a');
    const receipt = chat.publish('global', 'never sent');
    chat.close();
    await expect(receipt).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('ChatClient unread counts and read marks', () => {
  it('counts what others wrote after the read mark; markRead clears it and tells the server once', async () => {
    const server = new FakeChatServer();
    const a = player(server, 'a');
    const b = player(server, 'b');
    a.socket.connect();
    b.socket.connect();
    const sub = a.chat.subscribe('global');
    b.chat.subscribe('global');
    await settle();
    await b.chat.publish('global', 'hi a');
    await a.chat.publish('global', 'hi b');
    await b.chat.publish('global', 'how are you');
    await settle();
    expect(sub.unread).toBe(2);
    sub.markRead();
    sub.markRead();
    expect(sub.unread).toBe(0);
    expect(sub.readUpTo).toBe(3);
    await settle();
    const reads = a.socket.emitted.filter((p) => p.event === 'channel:read');
    expect(reads).toEqual([{ event: 'channel:read', payload: { channel: 'global', upTo: 3 } }]);
    expect(server.readMark('a', 'global')).toBe(3);
  });

  it('takes the read mark the server keeps (read on another device) when subscribing', async () => {
    const server = new FakeChatServer();
    for (let i = 1; i <= 4; i++) server.publishAsSystem('global', `m${i}`);
    const other = player(server, 'a');
    other.socket.connect();
    other.chat.subscribe('global');
    await settle();
    other.chat.markRead('global', 3);
    await settle();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    await settle();
    expect(sub.readUpTo).toBe(3);
    expect(sub.unread).toBe(1);
  });

  it('a mark made offline is sent once the channel is resumed', async () => {
    const server = new FakeChatServer();
    server.publishAsSystem('global', 'm1');
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe('global');
    await settle();
    socket.drop();
    sub.markRead();
    await settle();
    expect(server.readMark('a', 'global')).toBe(0);
    socket.connect();
    await settle();
    await settle();
    expect(server.readMark('a', 'global')).toBe(1);
  });
});

describe('ChatClient directory', () => {
  it('subscribes to every listed channel and drops those the server removes', async () => {
    const server = new FakeChatServer();
    server.setDirectory('a', [
      { name: 'global', kind: 'public' },
      { name: 'announcements', kind: 'readonly' },
      { name: 'sector:alpha', kind: 'sector' },
    ]);
    const { socket, chat } = player(server, 'a', { autoSubscribe: true });
    const directories: number[] = [];
    chat.on('directory', (channels) => directories.push(channels.length));
    socket.connect();
    await settle();
    expect([...chat.subscriptions.keys()]).toEqual(['global', 'announcements', 'sector:alpha']);
    expect(chat.subscription('announcements')?.kind).toBe('readonly');
    const closed: unknown[] = [];
    chat.subscription('sector:alpha')?.on('closed', (reason) => closed.push(reason));
    server.setDirectory('a', [
      { name: 'global', kind: 'public' },
      { name: 'announcements', kind: 'readonly' },
      { name: 'sector:beta', kind: 'sector' },
      { name: directChannel('a', 'b'), kind: 'direct', peer: { id: 'b', name: 'B' } },
    ]);
    await settle();
    expect([...chat.subscriptions.keys()]).toEqual(['global', 'announcements', 'sector:beta', 'dm:a:b']);
    expect(closed).toHaveLength(1);
    expect(chat.directory.find((c) => c.kind === 'direct')?.peer).toEqual({ id: 'b', name: 'B' });
    expect(directories).toEqual([3, 4]);
  });

  it('does not subscribe again to a listed channel the player left, until it leaves the list', async () => {
    const server = new FakeChatServer();
    const listed = [{ name: 'global', kind: 'public' as const }];
    server.setDirectory('a', listed);
    const { socket, chat } = player(server, 'a', { autoSubscribe: true });
    socket.connect();
    await settle();
    chat.unsubscribe('global');
    server.setDirectory('a', listed);
    await settle();
    expect(chat.subscriptions.size).toBe(0);
    server.setDirectory('a', []);
    server.setDirectory('a', listed);
    await settle();
    expect([...chat.subscriptions.keys()]).toEqual(['global']);
  });

  it('with autoSubscribe off, only lists', async () => {
    const server = new FakeChatServer();
    server.setDirectory('a', [{ name: 'global', kind: 'public' }]);
    const { socket, chat } = player(server, 'a');
    socket.connect();
    await settle();
    expect(chat.directory).toEqual([{ name: 'global', kind: 'public' }]);
    expect(chat.subscriptions.size).toBe(0);
  });
});

describe('ChatClient reconnects', () => {
  it('brings the socket back after the server closed it or refused it for a passing reason', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a', { reconnectDelayMs: 0 });
    socket.connect();
    const sub = chat.subscribe('global');
    await settle();
    socket.drop('io server disconnect');
    server.publishAsSystem('global', 'while away');
    await settle();
    await settle();
    expect(socket.connected).toBe(true);
    expect(texts(sub.messages)).toEqual(['while away']);
    socket.drop('io server disconnect');
    socket.refuse({ code: 'SESSION_EXPIRED', message: 'expired' });
    const before = socket.connects;
    await settle();
    await settle();
    expect(socket.connects).toBeGreaterThan(before);
  });

  it('leaves alone a socket its owner disconnected, or one refused for good', async () => {
    const server = new FakeChatServer();
    const { socket } = player(server, 'a', { reconnectDelayMs: 0 });
    socket.connect();
    socket.drop('io client disconnect');
    socket.active = false;
    socket.refuse({ code: 'PROTOCOL_MISMATCH', message: 'old client' });
    await settle();
    await settle();
    expect(socket.connects).toBe(1);
    expect(socket.connected).toBe(false);
  });
});

describe('ChatClient under churn', () => {
  /** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
  function random(seed: number): () => number {
    let t = seed >>> 0;
    return () => {
      t = (t + 0x6d2b79f5) >>> 0;
      let r = Math.imul(t ^ (t >>> 15), 1 | t);
      r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
      return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('every client ends with every message of every channel, in order, exactly once', async () => {
    const rand = random(4);
    const server = new FakeChatServer();
    const channels = ['global', 'sector:alpha', 'team:red'];
    // A short answer timeout: an answer the server "lost" on a live connection is asked for again soon.
    const clients = Array.from({ length: 12 }, (_, i) =>
      player(server, `p${i}`, { autoSubscribe: true, ackTimeoutMs: 5 }),
    );
    for (const { socket } of clients) {
      server.setDirectory(
        socket.player.id,
        channels.map((name) => ({ name, kind: 'public' as const })),
      );
    }
    const shown = new Map<string, Map<string, number[]>>();
    for (const { chat, socket } of clients) {
      const mine = new Map<string, number[]>();
      shown.set(socket.player.id, mine);
      chat.on('message', (channel, message) => {
        const list = mine.get(channel) ?? [];
        list.push(message.offset);
        mine.set(channel, list);
      });
      socket.connect();
    }
    const receipts: Promise<unknown>[] = [];
    for (let step = 0; step < 400; step++) {
      // The server restarts once, in the middle: every connection drops at the same moment.
      if (step === 200) server.restart();
      const { socket, chat } = clients[Math.floor(rand() * clients.length)]!;
      const roll = rand();
      if (roll < 0.55) {
        const channel = channels[Math.floor(rand() * channels.length)]!;
        receipts.push(chat.publish(channel, `${socket.player.id} #${step}`));
      } else if (roll < 0.75) {
        socket.drop();
      } else {
        socket.connect();
      }
      server.dropPublishAnswers = rand() < 0.1;
      if (rand() < 0.5) await settle();
    }
    server.dropPublishAnswers = false;
    for (const { socket } of clients) socket.connect();
    await Promise.all(receipts);
    await settle();
    for (const { chat, socket } of clients) {
      for (const channel of channels) {
        const all = range(1, server.head(channel));
        expect(offsets(chat.subscription(channel)?.messages ?? []), `${socket.player.id} ${channel}`).toEqual(
          all,
        );
        expect(shown.get(socket.player.id)?.get(channel) ?? []).toEqual(all);
      }
    }
    // Every publish was stored exactly once, whatever happened to its answer.
    const stored = channels.flatMap((c) => server.stored(c).map((m) => m.text));
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.length).toBe(receipts.length);
  });
});
