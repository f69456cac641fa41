import { GameClient } from '@perihelion/client';
import { PUBLISH_API_PREFIX } from '@perihelion/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { eventually, RawClient, startTestServer } from './testing/test-server.js';

const API_KEY = 'api-key-for-the-tests';
const ADMIN_TOKEN = 'admin-token-for-the-tests';

describe('publish API', () => {
  let server: RunningServer;
  const clients: GameClient[] = [];
  const call = (
    method: string,
    path: string,
    opts: { key?: string | null; body?: unknown; raw?: string } = {},
  ) => {
    const headers: Record<string, string> = {};
    const key = opts.key === undefined ? API_KEY : opts.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.raw !== undefined || opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = opts.raw ?? JSON.stringify(opts.body);
    }
    return fetch(`${server.url}${PUBLISH_API_PREFIX}${path}`, { method, headers, ...(body ? { body } : {}) });
  };
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string; message: string } }).error;
  const player = (name: string) => {
    const c = new GameClient({ url: server.url, sector: 'api', name, transport: 'websocket' });
    clients.push(c);
    c.connect();
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer({ API_KEY, ADMIN_TOKEN });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('refuses a missing or wrong key with a JSON error', async () => {
    const missing = await call('POST', '/channels/global/messages', { key: null, body: { text: 'hi' } });
    expect(missing.status).toBe(401);
    expect(await errorOf(missing)).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('missing API key'),
    });
    const wrong = await call('POST', '/channels/global/messages', {
      key: 'not-the-key-at-all',
      body: { text: 'hi' },
    });
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toMatchObject({ code: 'UNAUTHENTICATED', message: 'wrong API key' });
    const history = await call('GET', '/channels/global/messages', { key: 'nope' });
    expect(history.status).toBe(401);
    // The key is checked before the body is even read.
    const unreadBody = await call('POST', '/channels/global/messages', { key: null, raw: '{"text": ' });
    expect(unreadBody.status).toBe(401);
  });

  it('refuses bad bodies and parameters, naming the field', async () => {
    const cases: [string, string, { body?: unknown; raw?: string }, string][] = [
      ['POST', '/channels/global/messages', { body: {} }, 'body.text'],
      ['POST', '/channels/global/messages', { body: { text: '   ' } }, 'body.text'],
      ['POST', '/channels/global/messages', { body: { text: 'x'.repeat(501) } }, 'body.text'],
      ['POST', '/channels/global/messages', { body: { text: 'hi', sender: 'p_x' } }, 'body'],
      ['POST', '/channels/global/messages', { raw: '{"text": ' }, ''],
      ['POST', '/players/p_nobody/messages', { body: { text: 'hi', kind: 'NOT A KIND' } }, 'body.kind'],
      ['GET', '/channels/global/messages?limit=0', {}, 'query.limit'],
      ['POST', '/channels/bad%20name/messages', { body: { text: 'hi' } }, 'channel'],
    ];
    for (const [method, path, opts, field] of cases) {
      const res = await call(method, path, opts);
      expect(res.status, `${method} ${path} ${JSON.stringify(opts)}`).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('BAD_MESSAGE');
      expect(error.message).toContain(field);
    }
  });

  it('says which channel or player does not exist', async () => {
    const channel = await call('POST', '/channels/nowhere/messages', { body: { text: 'hi' } });
    expect(channel.status).toBe(404);
    expect((await errorOf(channel)).code).toBe('NOT_FOUND');
    const playerRes = await call('POST', '/players/p_nobody/messages', { body: { text: 'hi' } });
    expect(playerRes.status).toBe(404);
    expect((await errorOf(playerRes)).message).toContain('p_nobody');
  });

  it('publishes an announcement every player sees, and serves history and presence', async () => {
    const ada = player('Ada');
    const bob = player('Bob');
    for (const c of [ada, bob])
      await eventually(() => c.chat.subscription('announcements')?.state === 'live', 'live');
    const res = await call('POST', '/channels/announcements/messages', {
      body: { text: 'Server restart in 10 minutes', senderName: 'Ops', data: { minutes: 10 } },
    });
    expect(res.status).toBe(201);
    const stored = (await res.json()) as { channel: string; offset: number; at: number };
    expect(stored).toMatchObject({ channel: 'announcements', offset: expect.any(Number) });
    for (const c of [ada, bob]) {
      await eventually(() => c.chat.subscription('announcements')!.messages.length > 0, 'announcement shown');
      expect(c.chat.subscription('announcements')!.messages.at(-1)).toMatchObject({
        offset: stored.offset,
        sender: { id: 'system', name: 'Ops' },
        text: 'Server restart in 10 minutes',
        data: { minutes: 10 },
      });
    }
    const history = (await (
      await call('GET', `/channels/announcements/messages?after=${stored.offset - 1}`)
    ).json()) as {
      head: number;
      messages: { offset: number; text: string }[];
    };
    expect(history.head).toBe(stored.offset);
    expect(history.messages.map((m) => m.text)).toEqual(['Server restart in 10 minutes']);
    // A backend that retries with the same idempotency key stores its message once.
    const once = { text: 'Double XP weekend', idempotencyKey: 'promo-42' };
    const first = (await (await call('POST', '/channels/announcements/messages', { body: once })).json()) as {
      offset: number;
    };
    const retry = (await (await call('POST', '/channels/announcements/messages', { body: once })).json()) as {
      offset: number;
    };
    expect(retry.offset).toBe(first.offset);
    const all = (await (await call('GET', '/channels/announcements/messages')).json()) as {
      messages: { text: string }[];
    };
    expect(all.messages.filter((m) => m.text === 'Double XP weekend')).toHaveLength(1);
    const presence = (await (await call('GET', '/channels/global/presence')).json()) as {
      players: { id: string; name: string }[];
    };
    expect(presence.players.map((p) => p.name).sort()).toEqual(['Ada', 'Bob']);
  });

  it('sends one player a message: live when online, from the inbox when they come back', async () => {
    const online = player('Online');
    await eventually(() => online.status === 'connected', 'online');
    const got: string[] = [];
    online.on('notification', (n) => got.push(`${n.kind}: ${n.text}`));
    const live = await call('POST', `/players/${online.playerId}/messages`, {
      body: { text: 'Auction won', kind: 'auction' },
    });
    expect(live.status).toBe(202);
    expect(await live.json()).toMatchObject({
      playerId: online.playerId,
      delivered: 'live',
      seq: expect.any(Number),
    });
    await eventually(() => got.includes('auction: Auction won'), 'live notification');

    const away = new RawClient(server.url, 'polling', { name: 'Away' });
    const session = await away.session;
    await away.connected();
    away.close();
    await eventually(
      () => (server.realtime.gateway.connectionsOf(session!.playerId).length === 0 ? true : undefined),
      'offline',
    );
    const queued = await call('POST', `/players/${session!.playerId}/messages`, {
      body: { text: 'While you were out' },
    });
    expect(await queued.json()).toMatchObject({ delivered: 'inbox' });
    const back = new RawClient(server.url, 'polling', { token: session!.profileToken });
    await back.connected();
    await eventually(
      () => back.events<{ text: string }>('inbox').some((m) => m.text === 'While you were out'),
      'inbox delivery',
    );
    back.close();
  });

  it('a message to a player sent again with the same idempotency key is stored and shown once', async () => {
    const pilot = player('Keyed');
    await eventually(() => pilot.status === 'connected', 'connected');
    const got: number[] = [];
    pilot.on('notification', (n) => got.push(n.seq));
    const send = async (text: string, idempotencyKey?: string) => {
      const res = await call('POST', `/players/${pilot.playerId}/messages`, {
        body: { text, ...(idempotencyKey ? { idempotencyKey } : {}) },
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { seq: number }).seq;
    };
    // Retries, one after the other and racing each other: one stored notification, one answer.
    const first = await send('Cargo delivered', 'cargo-17');
    const again = await Promise.all([
      send('Cargo delivered', 'cargo-17'),
      send('Cargo delivered', 'cargo-17'),
    ]);
    expect(again).toEqual([first, first]);
    // Another key, or none, is another notification, numbered next.
    expect(await send('Cargo delivered', 'cargo-18')).toBe(first + 1);
    expect(await send('Hello')).toBe(first + 2);
    await eventually(() => got.length >= 3, 'notifications shown');
    expect(got).toEqual([first, first + 1, first + 2]);
  });

  it('admin operations need the admin token; a team member then reads the team channel', async () => {
    const member = player('Member');
    await eventually(() => member.status === 'connected', 'member');
    const path = `/channels/team:red/members/${member.playerId}`;
    const withApiKey = await call('PUT', path);
    expect(withApiKey.status).toBe(403);
    expect((await errorOf(withApiKey)).code).toBe('FORBIDDEN');
    expect((await call('PUT', path, { key: ADMIN_TOKEN })).status).toBe(204);
    await eventually(
      () => member.chat.subscription('team:red')?.state === 'live',
      'team channel in the directory',
    );
    await call('POST', '/channels/team:red/messages', { body: { text: 'Red team, regroup' } });
    await eventually(() => member.chat.subscription('team:red')?.messages.length === 1, 'team message');
    expect((await call('DELETE', path, { key: ADMIN_TOKEN })).status).toBe(204);
    await eventually(() => member.chat.subscription('team:red') === undefined, 'removed from the team');
    const notPrivate = await call('PUT', `/channels/global/members/${member.playerId}`, { key: ADMIN_TOKEN });
    expect(notPrivate.status).toBe(400);
  });
});

describe('publish API without keys', () => {
  it('is disabled with a clear answer', async () => {
    const server = await startTestServer();
    try {
      const res = await fetch(`${server.url}${PUBLISH_API_PREFIX}/channels/global/messages`, {
        method: 'POST',
        headers: { authorization: 'Bearer whatever-you-like', 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi' }),
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        error: { code: 'UNAVAILABLE', message: expect.stringContaining('API_KEY') },
      });
    } finally {
      await server.close();
    }
  });
});
