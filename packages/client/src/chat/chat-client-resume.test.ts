import { describe, expect, it } from 'vitest';
import { FakeChatServer } from './fake-chat-server.js';
import { offsets, player, range, settle, subscribesOf } from './test-support.js';

/*
 * A subscription that ends (it left the directory, the server closed it, the player left it) keeps
 * its place for a while: when the channel comes back it resumes from its last offset, and the
 * server replays exactly what is missing instead of only the recent history.
 */

const SECTOR = 'sector:s1';
const sector = { name: SECTOR, kind: 'sector' as const };
const global = { name: 'global', kind: 'public' as const };

describe('ChatClient: channels that end and come back', () => {
  it('a channel missing from the directory sent on connect, then listed again, resumes where it was', async () => {
    const server = new FakeChatServer({ recent: 2 });
    server.setDirectory('a', [sector, global]);
    const { socket, chat } = player(server, 'a', { autoSubscribe: true });
    socket.connect();
    await settle();
    for (let i = 1; i <= 3; i++) server.publishAsSystem(SECTOR, `m${i}`);
    await settle();
    // recent: 2, but it was subscribed before they were written: all three are there.
    expect(offsets(chat.subscription(SECTOR)!.messages)).toEqual([1, 2, 3]);
    const seen: number[] = [];
    chat.on('message', (channel, m) => channel === SECTOR && seen.push(m.offset));

    // A restart: the directory on connect is made before the player is back in the sector.
    socket.drop();
    server.setDirectory('a', [global]);
    server.publishAsSystem(SECTOR, 'm4');
    socket.connect();
    await settle();
    expect(chat.subscription(SECTOR)).toBeUndefined();
    server.publishAsSystem(SECTOR, 'm5');
    server.setDirectory('a', [sector, global]);
    await settle();
    const sub = chat.subscription(SECTOR)!;
    expect(subscribesOf(socket, SECTOR).at(-1)).toEqual({ channel: SECTOR, after: 3 });
    expect(offsets(sub.messages)).toEqual(range(1, 5));
    expect(sub.gap).toBe(false);
    expect(sub.state).toBe('live');
    expect(seen).toEqual([4, 5]);
  });

  it('a channel the server closed resumes from its offset when it comes back', async () => {
    const server = new FakeChatServer({ recent: 1 });
    const { socket, chat } = player(server, 'a');
    socket.connect();
    chat.subscribe(SECTOR);
    await settle();
    server.publishAsSystem(SECTOR, 'm1');
    server.publishAsSystem(SECTOR, 'm2');
    await settle();
    server.closeChannelFor('a', SECTOR, { code: 'FORBIDDEN', message: 'left the sector' });
    await settle();
    expect(chat.subscription(SECTOR)).toBeUndefined();
    server.publishAsSystem(SECTOR, 'm3');
    const sub = chat.subscribe(SECTOR);
    expect(offsets(sub.messages)).toEqual([1, 2]);
    await settle();
    expect(subscribesOf(socket, SECTOR).at(-1)).toEqual({ channel: SECTOR, after: 2 });
    expect(offsets(sub.messages)).toEqual([1, 2, 3]);
  });

  it('a channel left by hand and subscribed again resumes too', async () => {
    const server = new FakeChatServer({ recent: 1 });
    const { socket, chat } = player(server, 'a');
    socket.connect();
    chat.subscribe('global');
    await settle();
    server.publishAsSystem('global', 'm1');
    await settle();
    chat.unsubscribe('global');
    server.publishAsSystem('global', 'm2');
    server.publishAsSystem('global', 'm3');
    const sub = chat.subscribe('global');
    await settle();
    expect(subscribesOf(socket, 'global')).toEqual([{ channel: 'global' }, { channel: 'global', after: 1 }]);
    expect(offsets(sub.messages)).toEqual([1, 2, 3]);
  });

  it('remembers only the last 20 channels that ended', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const names = range(0, 24).map((i) => `c${i}`);
    for (const name of names) {
      chat.subscribe(name);
      server.publishAsSystem(name, 'one');
    }
    await settle();
    await settle();
    for (const name of names) chat.unsubscribe(name);
    chat.subscribe('c0');
    chat.subscribe('c4');
    chat.subscribe('c5');
    chat.subscribe('c24');
    expect(subscribesOf(socket, 'c0').at(-1)).toEqual({ channel: 'c0' });
    expect(subscribesOf(socket, 'c4').at(-1)).toEqual({ channel: 'c4' });
    expect(subscribesOf(socket, 'c5').at(-1)).toEqual({ channel: 'c5', after: 1 });
    expect(subscribesOf(socket, 'c24').at(-1)).toEqual({ channel: 'c24', after: 1 });
  });

  it('a subscribe answered UNAVAILABLE (sector not known yet) is retried with the same offset', async () => {
    const server = new FakeChatServer();
    const { socket, chat } = player(server, 'a');
    socket.connect();
    const sub = chat.subscribe(SECTOR);
    await settle();
    server.publishAsSystem(SECTOR, 'm1');
    server.publishAsSystem(SECTOR, 'm2');
    await settle();
    socket.drop();
    server.publishAsSystem(SECTOR, 'm3');
    let unavailable = 2;
    server.refuseSubscribe = () =>
      unavailable-- > 0 ? { code: 'UNAVAILABLE', message: 'sector not known yet' } : null;
    socket.connect();
    for (let i = 0; i < 6; i++) await settle();
    expect(subscribesOf(socket, SECTOR)).toEqual([
      { channel: SECTOR },
      { channel: SECTOR, after: 2 },
      { channel: SECTOR, after: 2 },
      { channel: SECTOR, after: 2 },
    ]);
    expect(sub.state).toBe('live');
    expect(offsets(sub.messages)).toEqual([1, 2, 3]);
  });
});
