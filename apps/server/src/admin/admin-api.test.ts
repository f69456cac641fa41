import { ADMIN_API_PREFIX, type ChatMessage, type InboxMessage } from '@perihelion/protocol';
import Fastify from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AdminClient, TEST_ADMIN_TOKEN } from '../testing/admin-client.js';
import { eventually, fetchSession } from '../testing/test-server.js';
import { accepted, contentFile, universeServer } from '../testing/universe-client.js';
import { adminRoutes } from './admin-routes.js';
import { AdminAudit } from './audit-log.js';

/** Raids on, but far apart: nothing fires by itself during the tests. */
const CALM_RAIDS = {
  raids: { enabled: true, intervalSeconds: 3600, warningSeconds: 30, durationSeconds: 5 },
};

/** Every admin endpoint, with a body it would accept. */
const ENDPOINTS: Array<[method: 'GET' | 'POST', path: string, body?: unknown]> = [
  ['GET', '/overview'],
  ['GET', '/cluster'],
  ['POST', '/announcements', { text: 'hello' }],
  ['POST', '/players/p_nobody/messages', { text: 'hello' }],
  ['POST', '/players/p_nobody/kick', {}],
  ['POST', '/raids/alpha/trigger'],
  ['POST', '/raids/alpha/cancel'],
  ['POST', '/drain'],
];

describe('the admin API: who may use it', () => {
  const { server } = universeServer({ ADMIN_TOKEN: TEST_ADMIN_TOKEN, CONTENT: contentFile(CALM_RAIDS) });

  it.each(ENDPOINTS)('%s %s: 401 without credentials or with a bad token', async (method, path, body) => {
    for (const token of [null, 'not-a-token-of-this-server']) {
      const answer = await new AdminClient(server().url, token).call(method, path, body);
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    }
  });

  it.each(ENDPOINTS)("%s %s: 403 with a player's session", async (method, path, body) => {
    const player = await fetchSession(server().url, { name: 'Mallory' });
    const answer = await new AdminClient(server().url, player.accessToken).call(method, path, body);
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('refuses a bad body with 400, naming the field', async () => {
    const admin = await AdminClient.signIn(server().url);
    const answer = await admin.post('/announcements', { text: '' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: 'BAD_MESSAGE', message: expect.stringContaining('text') },
    });
    expect((await admin.post('/raids/NOT A SECTOR/trigger')).status).toBe(400);
  });

  it('answers 503 on a server without ADMIN_TOKEN (nobody can be an admin there)', async () => {
    const app = Fastify();
    await app.register(adminRoutes, {
      prefix: ADMIN_API_PREFIX,
      credentials: { tokens: server().tokens, adminToken: undefined },
      audit: new AdminAudit(server().store.db, 'node-t', pino({ level: 'silent' })),
      overview: () => Promise.reject(new Error('not reached')),
      channels: server().channels,
      notify: () => Promise.reject(new Error('not reached')),
      kick: () => Promise.reject(new Error('not reached')),
      raids: {
        trigger: () => Promise.reject(new Error('no')),
        cancel: () => Promise.reject(new Error('no')),
      },
    });
    const res = await app.inject({ method: 'GET', url: `${ADMIN_API_PREFIX}/overview` });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      error: { code: 'UNAVAILABLE', message: expect.stringContaining('ADMIN_TOKEN') },
    });
    await app.close();
  });
});

describe('the admin API: overview, announcements and messages', () => {
  const { server, client } = universeServer({
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    CONTENT: contentFile(CALM_RAIDS),
  });

  it('shows the sector with its players, their transport, ping and node, the raid timer and the channels', async () => {
    const ann = client('websocket', { name: 'Ann' });
    const bob = client('polling', { name: 'Bob' });
    const a = accepted(await ann.join('console-overview'));
    const b = accepted(await bob.join('console-overview'));
    const admin = await AdminClient.signIn(server().url);

    const overview = await admin.overviewUntil(
      'both players with a ping, and the sector with its cost',
      (o) => {
        const sector = o.sectors.find((s) => s.id === 'console-overview');
        const rows = o.players.filter((p) => p.sector === 'console-overview');
        return (
          !!sector && sector.tickMs !== null && rows.length === 2 && rows.every((p) => p.pingMs !== null) && o
        );
      },
      30_000,
    );
    const node = overview.node;
    expect(overview.clustered).toBe(false);
    expect(overview.nodes).toEqual([expect.objectContaining({ node, draining: false, players: 2 })]);
    expect(overview.sectors.find((s) => s.id === 'console-overview')).toMatchObject({ node, players: 2 });
    expect(overview.players.filter((p) => p.sector === 'console-overview')).toEqual([
      expect.objectContaining({ playerId: a.playerId, name: 'Ann', node, transport: 'websocket', tabs: 1 }),
      expect.objectContaining({ playerId: b.playerId, name: 'Bob', node, transport: 'polling', tabs: 1 }),
    ]);
    expect(overview.timers).toContainEqual(
      expect.objectContaining({
        kind: 'raid.warning',
        key: 'raid:console-overview',
        sector: 'console-overview',
      }),
    );
    expect(overview.timersPending).toBeGreaterThanOrEqual(1);
    expect(overview.channels.map((c) => c.name)).toEqual(
      expect.arrayContaining(['announcements', 'global', 'sector:console-overview']),
    );
    expect(overview.charts.map((c) => c.metric)).toContain('perihelion_refused_messages_total');
  });

  it('charts the refusals of /metrics: a client sending garbage shows up', async () => {
    const admin = await AdminClient.signIn(server().url);
    const refused = (o: Awaited<ReturnType<AdminClient['overview']>>) =>
      o.charts.find((c) => c.metric === 'perihelion_refused_messages_total')?.now ?? 0;
    const before = refused(await admin.overview());
    const rude = client('websocket', { name: 'Rude' });
    await rude.connected();
    rude.socket.emit('no-such-event', { junk: true });
    await eventually(() => rude.errors.some((e) => e.code === 'UNKNOWN_EVENT'), 'the refusal');
    await admin.overviewUntil('the refusal charted', (o) => refused(o) > before);
  });

  it('posts an announcement into the announcements channel, logged with who did it', async () => {
    const admin = await AdminClient.signIn(server().url, 'Operator Ada');
    const answer = await admin.post('/announcements', { text: 'Maintenance at noon' });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ channel: 'announcements', offset: expect.any(Number) });
    const history = await server().channels.history('announcements');
    expect(history.messages.at(-1)).toMatchObject<Partial<ChatMessage>>({
      text: 'Maintenance at noon',
      sender: { id: 'system', name: 'Operator Ada' },
    });
    const overview = await admin.overview();
    expect(overview.channels.find((c) => c.name === 'announcements')?.recent.at(-1)?.text).toBe(
      'Maintenance at noon',
    );
    expect(overview.actions[0]).toMatchObject({
      action: 'announce',
      by: { name: 'Operator Ada' },
      target: 'announcements',
      detail: 'Maintenance at noon',
    });
  });

  it("sends a player a message that lands in the player's inbox, live or waiting", async () => {
    const cleo = client('websocket', { name: 'Cleo' });
    const joined = accepted(await cleo.join('console-messages'));
    const admin = await AdminClient.signIn(server().url);
    const answer = await admin.post(`/players/${joined.playerId}/messages`, { text: 'Please stop ramming' });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ playerId: joined.playerId, delivered: 'live' });
    const note = await eventually(
      () => cleo.events<InboxMessage>('inbox').find((m) => m.text === 'Please stop ramming'),
      'the message in the inbox',
    );
    expect(note).toMatchObject({ kind: 'message', data: { from: 'Operator Ada' } });

    const offline = await fetchSession(server().url, { name: 'Dora' });
    const waiting = await admin.post(`/players/${offline.playerId}/messages`, { text: 'Welcome back' });
    expect(waiting.body).toMatchObject({ delivered: 'inbox' });
    expect((await admin.post('/players/p_nobody/messages', { text: 'hi' })).status).toBe(404);
    expect((await admin.overview()).actions[0]).toMatchObject({
      action: 'message',
      target: offline.playerId,
    });
  });
});
