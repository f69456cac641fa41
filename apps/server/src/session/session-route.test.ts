import { type Identity, type IdentityProvider, SessionTokens } from '@perihelion/engine';
import { SESSION_PATH, sessionResponseSchema } from '@perihelion/protocol';
import Fastify from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server.js';
import { startTestServer } from '../testing/test-server.js';
import { registerSessionRoute } from './session-route.js';

const ADMIN_TOKEN = 'the-admin-token-of-this-test';

describe('POST /api/session', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ ADMIN_TOKEN });
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${server.url}${SESSION_PATH}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  async function session(body: unknown) {
    const res = await post(body);
    expect(res.status).toBe(200);
    return sessionResponseSchema.parse(await res.json());
  }

  it('creates a guest with a profile token and a signed access token the server accepts', async () => {
    const s = await session({});
    expect(s).toMatchObject({ role: 'player', name: expect.stringMatching(/\w/) });
    expect(s.profileToken.length).toBeGreaterThanOrEqual(32);
    expect(s.expiresAt - s.serverTime).toBeGreaterThanOrEqual(900_000 - 1000);
    expect(await server.tokens.authenticate(s.accessToken)).toMatchObject({
      playerId: s.playerId,
      name: s.name,
      role: 'player',
    });
  });

  it('the same profile token is the same player; a name renames the profile', async () => {
    const first = await session({ name: 'Vega' });
    const again = await session({ profileToken: first.profileToken });
    expect(again).toMatchObject({ playerId: first.playerId, name: 'Vega', profileToken: first.profileToken });
    expect(again.accessToken).not.toBe('');
    const renamed = await session({ profileToken: first.profileToken, name: 'Altair' });
    expect(renamed).toMatchObject({ playerId: first.playerId, name: 'Altair' });
    expect((await server.tokens.authenticate(renamed.accessToken)).name).toBe('Altair');
  });

  it('an unknown profile token is a new guest, never someone else', async () => {
    const known = await session({});
    const stranger = await session({ profileToken: 'made-up-token' });
    expect(stranger.playerId).not.toBe(known.playerId);
    expect(stranger.profileToken).not.toBe('made-up-token');
  });

  it.each([
    [{ name: '' }, /name/],
    [{ name: 'x'.repeat(200) }, /name/],
    [{ profileToken: 42 }, /profileToken/],
    [{ playerId: 'p_someone' }, /unknown field "playerId"/],
    [[1, 2], /JSON object/],
  ])('refuses a bad body %j with 400 naming the field', async (body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('BAD_MESSAGE');
    expect(json.error.message).toMatch(message);
  });

  it('refuses a body that is not JSON with the same error shape', async () => {
    const res = await post('{"name": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'BAD_MESSAGE' } });
  });

  it('gives the admin role for the configured admin token, and 403 for a wrong one', async () => {
    const admin = await session({ name: 'Ops', adminToken: ADMIN_TOKEN });
    expect(admin.role).toBe('admin');
    expect((await server.tokens.authenticate(admin.accessToken)).role).toBe('admin');
    const wrong = await post({ adminToken: `${ADMIN_TOKEN}x` });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'wrong admin token' } });
  });
});

describe('POST /api/session without the store or an admin token configured', () => {
  const tokens = new SessionTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256', ttlSeconds: 60 });
  async function app(identities: IdentityProvider) {
    const fastify = Fastify();
    await registerSessionRoute(fastify, {
      identities,
      tokens,
      adminToken: undefined,
      logger: pino({ level: 'silent' }),
    });
    return fastify;
  }

  it('answers 503 UNAVAILABLE when the profile store is down', async () => {
    const down = await app({
      identify: () => Promise.reject(new Error('connection refused')),
    });
    const res = await down.inject({ method: 'POST', url: SESSION_PATH, payload: {} });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } });
  });

  it('gives nobody the admin role when no ADMIN_TOKEN is configured', async () => {
    const guest: Identity = { playerId: 'p_1', name: 'One', token: 't'.repeat(43) };
    const fine = await app({ identify: async () => guest });
    const res = await fine.inject({
      method: 'POST',
      url: SESSION_PATH,
      payload: { adminToken: 'anything-at-all-1234' },
    });
    expect(res.statusCode).toBe(403);
    expect((await fine.inject({ method: 'POST', url: SESSION_PATH, payload: {} })).json()).toMatchObject({
      playerId: 'p_1',
      role: 'player',
    });
  });
});
