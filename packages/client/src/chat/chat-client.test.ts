import { describe, expect, it } from 'vitest';
import { ChatError } from './chat-error.js';
import { FakeChatServer } from './fake-chat-server.js';
import { offsets, player, range, settle, subscribesOf, texts } from './test-support.js';

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
      { joined: [{ id: 'b', name: 'B' }], left: [], count: 2 },
      { joined: [], left: [{ id: 'b', name: 'B' }], count: 1 },
    ]);
    expect(sub.presenceCount).toBe(1);
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
