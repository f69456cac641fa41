import { testStoreTargets } from '@perihelion/db/testing';
import { type ErrorPayload, PROTOCOL_VERSION, type PresenceChange } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { createPlayer, eventually, range } from '../durable/test-support.js';
import { randomId } from '../ids.js';
import { ChatClient, gatewaySuite } from './gateway-test-support.js';
import { principal } from './test-support.js';

const targets = await testStoreTargets();

describe.each(targets)('ChatGateway on $name', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  const suite = gatewaySuite(target);
  const { start } = suite;

  run('refuses a handshake without a valid token or with another protocol, with the reason', async () => {
    const { raw } = await start();
    expect(await raw({ protocol: PROTOCOL_VERSION }).refusal()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await raw({ protocol: PROTOCOL_VERSION, accessToken: 'forged' }).refusal()).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    expect(await raw({ protocol: PROTOCOL_VERSION, accessToken: 'expired' }).refusal()).toMatchObject({
      code: 'SESSION_EXPIRED',
    });
    expect(await raw({ protocol: 1, accessToken: 'x' }).refusal()).toMatchObject({
      code: 'PROTOCOL_MISMATCH',
    });
    expect(await raw({ protocol: 'three' }).refusal()).toMatchObject({ code: 'BAD_HANDSHAKE' });
  });

  for (const transport of ['websocket', 'polling'] as const) {
    run(
      `over ${transport}: directory on connect, publish, live delivery, replay after a reconnect`,
      async () => {
        const { names, channels, gateway, connect, url, auth } = await start();
        const ada = await connect(transport);
        const bob = await connect(transport);
        expect(gateway.connections).toBe(2);
        await eventually(() => expect(ada.client.directory()).toEqual([names.pub, names.ro]));
        expect(await ada.client.subscribe(names.pub)).toMatchObject({ ok: true, head: 0, gap: false });
        expect(await bob.client.subscribe(names.pub)).toMatchObject({ ok: true });
        for (const i of range(1, 3)) {
          expect(await ada.client.publish(names.pub, `hello ${i}`)).toMatchObject({ ok: true, offset: i });
        }
        await eventually(() => expect(bob.client.offsets(names.pub)).toEqual([1, 2, 3]));
        bob.client.close();
        for (const i of range(4, 6)) await channels.post(names.pub, { text: `while away ${i}` });
        const back = new ChatClient(url, transport, {
          protocol: PROTOCOL_VERSION,
          accessToken: auth.issue(bob.p),
        });
        await back.connected();
        expect(await back.subscribe(names.pub, 3)).toMatchObject({ ok: true, head: 6, gap: false });
        await eventually(() => expect(back.offsets(names.pub)).toEqual([4, 5, 6]));
        back.close();
      },
    );
  }

  run('the sender is always the connection’s player: a `sender` in the payload is refused', async () => {
    const { names, channels, connect } = await start();
    const ada = await connect('websocket', principal(await createPlayer(suite.db()), 'player', 'Ada'));
    const spoof = await ada.client.publish(names.pub, 'I am the admin', {
      sender: { id: 'system', name: 'Server' },
    });
    expect(spoof).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
    expect(await ada.client.publish(names.pub, 'hi')).toMatchObject({ ok: true, offset: 1 });
    const [stored] = (await channels.history(names.pub)).messages;
    expect(stored).toMatchObject({ text: 'hi', sender: { id: ada.p.playerId, name: 'Ada' } });
  });

  run('a player cannot post announcements, an admin can; nobody reads another team or pair', async () => {
    const { names, channels, connect } = await start();
    const ada = await connect('websocket');
    const admin = await connect('polling', principal(await createPlayer(suite.db()), 'admin', 'Root'));
    expect(await ada.client.publish(names.ro, 'free ore!')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await admin.client.publish(names.ro, 'maintenance')).toMatchObject({ ok: true, offset: 1 });
    const [bobId, carlId] = [await createPlayer(suite.db()), await createPlayer(suite.db())];
    const team = `team:${randomId('t', 4)}`;
    await channels.addMember(team, bobId);
    expect(await ada.client.subscribe(team)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await admin.client.subscribe(team)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const pair = bobId < carlId ? `dm:${bobId}:${carlId}` : `dm:${carlId}:${bobId}`;
    expect(await ada.client.subscribe(pair)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ada.client.publish(pair, 'hi')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await ada.client.subscribe('nowhere')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await ada.client.publish('nowhere', 'x')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  run('a direct message reaches the recipient live through their updated directory', async () => {
    const { connect } = await start();
    const ada = await connect('websocket');
    const bob = await connect('polling');
    const [a, b] = [ada.p.playerId, bob.p.playerId];
    const pair = a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
    expect(await ada.client.publish(pair, 'psst')).toMatchObject({ ok: true, offset: 1 });
    await eventually(() => expect(bob.client.directory()).toContain(pair));
    expect(await bob.client.subscribe(pair)).toMatchObject({ ok: true, kind: 'direct', head: 1 });
    await eventually(() => expect(bob.client.offsets(pair)).toEqual([1]));
  });

  run('two tabs of one player are one presence; closing both is one leave', async () => {
    const { names, connect } = await start();
    const watcher = await connect('websocket');
    await watcher.client.subscribe(names.pub);
    const watcherEntry = { id: watcher.p.playerId, name: watcher.p.name };
    const presence = () => watcher.client.events<PresenceChange>('presence');
    await eventually(() =>
      expect(presence()).toEqual([{ channel: names.pub, joined: [watcherEntry], left: [], count: 1 }]),
    );
    const p = principal(await createPlayer(suite.db()), 'player', 'Ada');
    const tab1 = await connect('websocket', p);
    const tab2 = await connect('polling', p);
    await tab1.client.subscribe(names.pub);
    const ack = await tab2.client.subscribe(names.pub);
    // The answer carries what was last announced; the tabs' own join comes in the next batch.
    expect(ack.ok && [ack.presence, ack.presenceCount]).toEqual([[watcherEntry], 1]);
    const joined = { channel: names.pub, joined: [{ id: p.playerId, name: 'Ada' }], left: [], count: 2 };
    await eventually(() => expect(presence()).toEqual([presence()[0], joined]));
    await eventually(() => expect(tab2.client.events<PresenceChange>('presence')).toEqual([joined]));
    tab1.client.close();
    tab2.client.close();
    await eventually(() =>
      expect(presence().at(-1)).toEqual({ channel: names.pub, joined: [], left: [p.playerId], count: 1 }),
    );
    expect(presence()).toHaveLength(3);
  });

  run(
    'over the publish rate: RATE_LIMITED answers, then a disconnect for a client that keeps on',
    async () => {
      const { names, connect } = await start({ publishRate: { perSecond: 0.001, burst: 2 } }, 3);
      const ada = await connect('websocket');
      expect(await ada.client.publish(names.pub, 'one')).toMatchObject({ ok: true });
      expect(await ada.client.publish(names.pub, 'two')).toMatchObject({ ok: true });
      expect(await ada.client.publish(names.pub, 'three')).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED' },
      });
      const disconnected = new Promise<void>((resolve) =>
        ada.client.socket.once('disconnect', () => resolve()),
      );
      for (let i = 0; i < 5; i++)
        ada.client.socket.emit('channel:publish', { channel: names.pub, text: 'spam', nonce: `s${i}` });
      await disconnected;
      expect(ada.client.socket.connected).toBe(false);
    },
  );

  run('session renewal: same player only; an expired session is disconnected with the reason', async () => {
    const { connect, auth } = await start();
    const p = { ...principal(await createPlayer(suite.db())), expiresAt: Date.now() + 60_000 };
    const ada = await connect('websocket', p);
    const later = { ...p, expiresAt: Date.now() + 3_600_000 };
    expect(await ada.client.socket.emitWithAck('session:renew', { accessToken: auth.issue(later) })).toEqual({
      ok: true,
      expiresAt: later.expiresAt,
    });
    const other = principal(await createPlayer(suite.db()));
    expect(
      await ada.client.socket.emitWithAck('session:renew', { accessToken: auth.issue(other) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await ada.client.socket.emitWithAck('session:renew', { accessToken: 'forged' })).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
    const short = await connect('polling', { ...p, expiresAt: Date.now() + 50 });
    await eventually(() => expect(short.client.socket.connected).toBe(false));
    expect(short.client.events<ErrorPayload>('server:error')).toEqual([
      expect.objectContaining({ code: 'SESSION_EXPIRED' }),
    ]);
    expect(ada.client.socket.connected).toBe(true);
  });

  run('shutdown tells every client and closes them', async () => {
    const { gateway, connect } = await start();
    const ada = await connect('websocket');
    gateway.shutdown();
    await eventually(() => expect(ada.client.socket.connected).toBe(false));
    expect(ada.client.events<ErrorPayload>('server:error')).toEqual([
      expect.objectContaining({ code: 'SERVER_SHUTTING_DOWN' }),
    ]);
    await eventually(() => expect(gateway.connections).toBe(0));
  });
});
