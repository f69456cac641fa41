import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GameClient, type TransportName } from '@perihelion/client';
import { SessionTokens } from '@perihelion/engine';
import { Button, defaultContent, shipFromArray, shipToArray, stepShip } from '@perihelion/game';
import type { ErrorPayload } from '@perihelion/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { eventually, RawClient, type RawClientAuth, startTestServer } from './testing/test-server.js';

const AUTH_SECRET = 'the-configured-secret-of-this-auth-test';

const predict = (own: readonly number[], buttons: number) =>
  shipToArray(stepShip(shipFromArray(own)!, buttons, 1 / 30, defaultContent));

type ConnectError = Error & { data?: { code: string; message: string } };

function refusal(c: RawClient): Promise<ConnectError> {
  return new Promise((resolve) => c.socket.once('connect_error', resolve));
}

describe.each<TransportName>(['websocket', 'polling'])('signed sessions over %s', (transport) => {
  let server: RunningServer;
  const clients: RawClient[] = [];
  const gameClients: GameClient[] = [];
  const raw = (auth: RawClientAuth = {}, namespace?: string) => {
    const c = new RawClient(server.url, transport, auth, namespace);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    // Two-second sessions: long enough to play, short enough to watch several renewals.
    server = await startTestServer({ SESSION_TTL_S: '2', AUTH_SECRET });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    for (const c of gameClients.splice(0)) c.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a connection without an access token, saying how to get one', async () => {
    const err = await refusal(raw({ session: false }));
    expect(err.data?.code).toBe('UNAUTHENTICATED');
    expect(err.data?.message).toMatch(/sign in first: POST \/api\/session/);
  });

  it('serves nothing on the main namespace, even to a valid session', async () => {
    const err = await refusal(raw({}, '/'));
    expect(err.data?.code).toBe('NOT_FOUND');
    expect(err.data?.message).toMatch(/\/game or \/chat/);
  });

  it('refuses a tampered token and one signed with another secret as UNAUTHENTICATED', async () => {
    const honest = raw();
    await honest.connected();
    const [header, payload, signature] = honest.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    const foreign = await new SessionTokens({ secret: `${AUTH_SECRET}-not`, ttlSeconds: 60 }).issue({
      playerId: 'p_someone',
      name: 'Someone',
      role: 'player',
    });
    for (const accessToken of [`${header}.${elevated}.${signature}`, foreign.accessToken, 'garbage']) {
      const err = await refusal(raw({ session: false, accessToken }));
      expect(err.data?.code).toBe('UNAUTHENTICATED');
      expect(err.data?.message).toMatch(/not valid/);
    }
  });

  it('refuses an expired token as SESSION_EXPIRED', async () => {
    const past = new SessionTokens({ secret: AUTH_SECRET, ttlSeconds: 60, now: () => Date.now() - 600_000 });
    const { accessToken } = await past.issue({ playerId: 'p_late', name: 'Late', role: 'player' });
    const err = await refusal(raw({ session: false, accessToken }));
    expect(err.data?.code).toBe('SESSION_EXPIRED');
    expect(err.data?.message).toMatch(/expired/);
  });

  it('signs with AUTH_SECRET from the configuration: a token minted with it is accepted', async () => {
    const minted = await new SessionTokens({ secret: AUTH_SECRET, ttlSeconds: 60 }).issue({
      playerId: 'p_minted',
      name: 'Minted',
      role: 'admin',
    });
    const c = raw({ session: false, accessToken: minted.accessToken });
    const identity = await eventually(() => c.last('identity'), 'identity');
    expect(identity).toEqual({ playerId: 'p_minted', name: 'Minted', role: 'admin' });
  });

  it('disconnects a connection whose token expires without a renewal, with SESSION_EXPIRED', async () => {
    const c = raw({ name: 'Idle' });
    await c.join('auth');
    const gone = new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
    expect(await gone).toBe('io server disconnect');
    expect(c.errors).toEqual([expect.objectContaining({ code: 'SESSION_EXPIRED' })]);
  });

  it("renews with the player's own fresh token, and refuses another player's as FORBIDDEN", async () => {
    const alice = raw({ name: 'Alice' });
    const bob = raw({ name: 'Bob' });
    await Promise.all([alice.connected(), bob.connected()]);
    const stolen = await alice.renew(bob.accessToken);
    expect(stolen).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', event: 'session:renew' } });
    const again = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ profileToken: alice.profileToken }),
    });
    const fresh = (await again.json()) as { accessToken: string; expiresAt: number };
    expect(await alice.renew(fresh.accessToken)).toEqual({ ok: true, expiresAt: fresh.expiresAt });
    expect(await alice.renew('garbage')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    // Still Alice: the refused renewals changed nothing.
    expect(alice.socket.connected).toBe(true);
  });

  it('the SDK keeps playing across several renewals: inputs acknowledged, never disconnected', async () => {
    const pilot = new GameClient({ url: server.url, sector: 'renewals', name: 'Pilot', transport, predict });
    gameClients.push(pilot);
    pilot.connect();
    await eventually(() => pilot.status === 'connected', 'connected');
    const statuses: string[] = [];
    const errors: ErrorPayload[] = [];
    pilot.on('status', (s) => statuses.push(s));
    pilot.on('error', (e) => errors.push(e));
    let ackSeq = 0;
    pilot.on('snapshot', (snap) => {
      ackSeq = snap.ackSeq;
    });
    const engineId = pilot.link.manager.engine.id;
    const timer = setInterval(() => pilot.update(performance.now(), Button.Thrust), 1000 / 60);
    try {
      await eventually(() => pilot.link.renewals >= 3, 'three renewals', 20_000);
      const seqBefore = pilot.lastInputSeq;
      await eventually(
        () => pilot.predictionStats.reconciliations > 0 && pilot.lastInputSeq > seqBefore + 10,
        'inputs after the renewals',
      );
      const sent = pilot.lastInputSeq;
      // The server acknowledges inputs sent after the renewals: it is still the same live session.
      await eventually(() => ackSeq >= sent, 'inputs acknowledged');
    } finally {
      clearInterval(timer);
    }
    expect(statuses).toEqual([]);
    expect(errors).toEqual([]);
    expect(pilot.status).toBe('connected');
    expect(pilot.link.manager.engine.id).toBe(engineId);
    expect(server.realtime.gateway.connections).toBe(1);
  });

  it('the SDK fails with the reason when the server refuses its session request for good', async () => {
    const client = new GameClient({
      url: server.url,
      sector: 'nope',
      name: 'x'.repeat(100),
      transport,
      predict,
    });
    gameClients.push(client);
    client.connect();
    await eventually(() => client.status === 'failed', 'failed');
    expect(client.lastError).toMatchObject({ code: 'BAD_MESSAGE', message: expect.stringMatching(/name/) });
  });

  it('carries /game and any other namespace over one engine.io connection, each admitted on its own', async () => {
    const probe = server.realtime.io.of('/probe');
    server.realtime.auth.protect(probe);
    const client = new GameClient({
      url: server.url,
      sector: 'multiplex',
      name: 'Multi',
      transport,
      predict,
    });
    gameClients.push(client);
    client.connect();
    await eventually(() => client.status === 'connected', 'game connected');
    const second = client.link.socket('/probe');
    second.connect();
    await eventually(() => second.connected, 'second namespace connected');
    const game = client.link.socket('/game');
    expect(game.io).toBe(second.io);
    expect(second.io.engine.id).toBe(game.io.engine.id);
    // On the server: two namespace sockets, one transport connection, one principal.
    const [serverGame] = [...server.realtime.io.of('/game').sockets.values()];
    const [serverProbe] = [...probe.sockets.values()];
    expect(serverProbe?.conn).toBe(serverGame?.conn);
    expect(server.realtime.auth.principalOf(serverProbe!)?.playerId).toBe(client.playerId);
  });
});

describe('sessions after a restart', () => {
  const started: RunningServer[] = [];
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of started.splice(0)) await s.close();
  });

  it('a token issued before a restart is still valid after it: the generated secret persists with the data', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'perihelion-auth-')), 'pglite');
    const first = await startTestServer({ DATA_DIR: dataDir });
    started.push(first);
    const c = new RawClient(first.url, 'websocket', { name: 'Persistent' });
    clients.push(c);
    await c.connected();
    const token = c.accessToken;
    c.close();
    await first.close();
    started.splice(0);

    const second = await startTestServer({ DATA_DIR: dataDir });
    started.push(second);
    const back = new RawClient(second.url, 'polling', { session: false, accessToken: token });
    clients.push(back);
    const identity = await eventually(
      () => back.last<{ playerId: string; name: string }>('identity'),
      'identity',
    );
    expect(identity).toMatchObject({ playerId: (await c.session)?.playerId, name: 'Persistent' });
  });

  it('the SDK gets a new session by itself when the server no longer accepts its token', async () => {
    // In-memory data: the restarted server has a new secret, so the held token is refused.
    let server = await startTestServer();
    started.push(server);
    const client = new GameClient({
      url: server.url,
      sector: 'restart',
      name: 'Phoenix',
      predict,
      socketOptions: { reconnectionDelay: 100, reconnectionDelayMax: 300 },
    });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    client.connect();
    try {
      await eventually(() => client.status === 'connected', 'connected');
      const port = server.port;
      await server.close();
      started.splice(0);
      server = await startTestServer({ PORT: String(port) });
      started.push(server);
      await eventually(() => errors.includes('UNAUTHENTICATED'), 'the old token refused', 10_000);
      await eventually(
        () => client.status === 'connected' && server.realtime.gateway.connections === 1,
        'back with a fresh session',
        10_000,
      );
    } finally {
      client.close();
    }
  });
});
