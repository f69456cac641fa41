import { ChatError, GameClient, type TransportName } from '@perihelion/client';
import { CHAT_NAMESPACE, directChannel } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { FaultProxy } from './testing/fault-proxy.js';
import { connectGameClient } from './testing/game-clients.js';
import { eventually, RawClient, startTestServer } from './testing/test-server.js';

const texts = (client: GameClient, channel: string) =>
  client.chat.subscription(channel)?.messages.map((m) => `${m.sender.name}: ${m.text}`) ?? [];

describe.each<TransportName>(['websocket', 'polling'])('chat on the real server over %s', (transport) => {
  let server: RunningServer;
  const clients: GameClient[] = [];
  const raws: RawClient[] = [];
  const player = (name: string, sector = 'chat') =>
    connectGameClient(clients, { url: server.url, sector, name, transport });

  beforeEach(async () => {
    server = await startTestServer({ PRESENCE_GRACE_MS: '200' });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const r of raws.splice(0)) r.close();
    await server.close();
  });

  it('game and chat share one connection; the sector channel, global and DMs reach the right players', async () => {
    const ada = player('Ada');
    const bob = player('Bob');
    const eve = player('Eve', 'elsewhere');
    for (const c of [ada, bob, eve]) await eventually(() => c.status === 'connected', 'connected');
    expect(ada.link.manager.engine?.id).toBeDefined();
    expect(server.realtime.io.engine.clientsCount).toBe(3);

    await eventually(() => ada.chat.subscription('sector:chat')?.state === 'live', 'sector channel');
    await eventually(() => bob.chat.subscription('sector:chat')?.state === 'live', 'sector channel');
    await eventually(() => ada.chat.subscription('sector:chat')?.presence.size === 2, 'presence');
    await ada.chat.publish('sector:chat', 'hello sector');
    await eve.chat.publish('global', 'hello everyone');
    await eventually(() => texts(bob, 'sector:chat').length === 1, 'sector message');
    expect(texts(bob, 'sector:chat')).toEqual(['Ada: hello sector']);
    expect(eve.chat.subscription('sector:chat')).toBeUndefined();
    for (const c of [ada, bob]) await eventually(() => texts(c, 'global').length === 1, 'global message');

    await ada.chat.sendDirect(bob.playerId!, 'psst, Bob');
    const dm = directChannel(ada.playerId!, bob.playerId!);
    await eventually(() => texts(bob, dm).length === 1, 'direct message');
    expect(texts(bob, dm)).toEqual(['Ada: psst, Bob']);
    expect(bob.chat.directory.find((c) => c.name === dm)?.peer?.name).toBe('Ada');
    expect(eve.chat.subscription(dm)).toBeUndefined();
  });

  it('refuses what the channel kind forbids, whatever the payload says', async () => {
    const ada = player('Ada');
    const bob = player('Bob');
    for (const c of [ada, bob]) await eventually(() => c.status === 'connected', 'connected');
    await eventually(() => ada.chat.subscription('announcements')?.state === 'live', 'announcements');

    // Not an admin: announcements are read-only.
    const refused = await ada.chat.publish('announcements', 'I am the server now').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChatError);
    expect((refused as ChatError).code).toBe('FORBIDDEN');

    // Someone else's team and someone else's conversation cannot be read.
    const mallory = new RawClient(server.url, transport, { name: 'Mallory' }, CHAT_NAMESPACE);
    raws.push(mallory);
    await eventually(() => mallory.socket.connected, 'mallory on /chat');
    await server.channels.addMember('team:red', ada.playerId!);
    const team = await mallory.request('channel:subscribe', { channel: 'team:red' });
    expect(team).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const pair = await mallory.request('channel:subscribe', {
      channel: directChannel(ada.playerId!, bob.playerId!),
    });
    expect(pair).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // Claiming to be Ada changes nothing: the payload is refused, and what is stored names Mallory.
    const forged = await mallory.request('channel:publish', {
      channel: 'global',
      text: 'from Ada, honest',
      nonce: 'n1',
      sender: { id: ada.playerId, name: 'Ada' },
    });
    expect(forged).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
    const honest = await mallory.request('channel:publish', { channel: 'global', text: 'hi', nonce: 'n2' });
    expect(honest).toMatchObject({ ok: true });
    const history = await server.channels.history('global');
    expect(history.messages.map((m) => m.sender)).toEqual([
      { id: (await mallory.session)?.playerId, name: 'Mallory' },
    ]);
  });

  it('an admin session may post announcements; everyone sees them', async () => {
    await server.close();
    server = await startTestServer({ ADMIN_TOKEN: 'admin-token-for-tests' });
    const admin = new GameClient({
      url: server.url,
      sector: 'chat',
      name: 'Op',
      transport,
      adminToken: 'admin-token-for-tests',
    });
    clients.push(admin);
    admin.connect();
    const ada = player('Ada');
    for (const c of [admin, ada])
      await eventually(() => c.chat.subscription('announcements')?.state === 'live', 'live');
    expect(admin.auth.session?.role).toBe('admin');
    await admin.chat.publish('announcements', 'Maintenance at noon');
    await eventually(() => texts(ada, 'announcements').length === 1, 'announcement');
    expect(texts(ada, 'announcements')).toEqual(['Op: Maintenance at noon']);
  });

  it('a client further behind than the retained history is told so and reloads the recent history', async () => {
    await server.close();
    server = await startTestServer({ CHAT_RETENTION: '5' });
    const proxy = await FaultProxy.start(server.url);
    try {
      const ada = new GameClient({
        url: proxy.url,
        sector: 'chat',
        name: 'Ada',
        transport,
        socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 300 },
      });
      clients.push(ada);
      ada.connect();
      await eventually(() => ada.chat.subscription('global')?.state === 'live', 'global live');
      await server.channels.post('global', { text: 'before 1' });
      await server.channels.post('global', { text: 'before 2' });
      const global = ada.chat.subscription('global')!;
      await eventually(() => global.lastOffset === 2, 'first two messages');
      let resets = 0;
      global.on('reset', () => resets++);

      proxy.setOffline(true);
      await eventually(() => !ada.chat.connected, 'offline');
      for (let i = 1; i <= 10; i++) await server.channels.post('global', { text: `missed ${i}` });
      proxy.setOffline(false);

      await eventually(() => global.lastOffset === 12, 'caught up with the recent history', 15_000);
      expect(resets).toBe(1);
      expect(global.gap).toBe(true);
      expect(global.messages.map((m) => [m.offset, m.text])).toEqual(
        [8, 9, 10, 11, 12].map((offset) => [offset, `missed ${offset - 2}`]),
      );
    } finally {
      await proxy.close();
    }
  });

  it('two tabs of one player are one presence; leaving is seen by others', async () => {
    const ada = player('Ada');
    const watcher = player('Watcher');
    for (const c of [ada, watcher]) await eventually(() => c.status === 'connected', 'connected');
    const secondTab = new GameClient({ url: server.url, sector: 'chat', transport, token: ada.token! });
    clients.push(secondTab);
    secondTab.connect();
    await eventually(() => secondTab.chat.subscription('global')?.state === 'live', 'second tab live');
    const global = () => watcher.chat.subscription('global')!;
    await eventually(() => global().presence.size === 2, 'two players online');
    expect([...global().presence.values()].sort()).toEqual(['Ada', 'Watcher']);
    ada.close();
    secondTab.close();
    await eventually(() => global().presence.size === 1, 'Ada gone');
  });
});
