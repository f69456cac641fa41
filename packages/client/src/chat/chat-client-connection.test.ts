import { directChannel } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { FakeChatServer } from './fake-chat-server.js';
import { offsets, player, range, settle, texts } from './test-support.js';

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
