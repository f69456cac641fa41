import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server.js';
import { httpAppWith } from '../testing/http-app-fixture.js';
import { fetchSession, SessionRequestError, startTestServer } from '../testing/test-server.js';

const SESSION_PATH = '/api/session';

interface From {
  /** The connection's address (the peer). */
  address: string;
  /** X-Forwarded-For, as a proxy (or a client pretending to be one) sends it. */
  forwardedFor?: string;
}

function post(
  app: FastifyInstance,
  from: From,
  body: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: SESSION_PATH,
    remoteAddress: from.address,
    headers: from.forwardedFor ? { 'x-forwarded-for': from.forwardedFor } : {},
    payload: body,
  });
}

/** A refusal as the session route sends every error, with when to try again. */
function expectTooMany(res: LightMyRequestResponse, what: RegExp, windowS: number): void {
  expect(res.statusCode).toBe(429);
  const body = res.json<{ error: { code: string; message: string } }>();
  expect(body.error.code).toBe('RATE_LIMITED');
  expect(body.error.message).toMatch(what);
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowS);
}

describe('per-address limits on session requests', () => {
  const apps: FastifyInstance[] = [];
  const app = async (env: Record<string, string>) => {
    const made = await httpAppWith(env);
    apps.push(made);
    return made;
  };
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  it('refuses the request after the limit with 429 and Retry-After; another address is served', async () => {
    const a = await app({ SESSION_RATE_LIMIT: '3/1m', GUEST_RATE_LIMIT: 'off' });
    const first = await post(a, { address: '203.0.113.1' });
    const { profileToken } = first.json<{ profileToken: string }>();
    for (let i = 0; i < 2; i++) {
      expect((await post(a, { address: '203.0.113.1' }, { profileToken })).statusCode).toBe(200);
    }
    // Renewals count too: this limit is on session requests of any kind.
    expectTooMany(await post(a, { address: '203.0.113.1' }, { profileToken }), /session requests/, 60);
    expect((await post(a, { address: '203.0.113.2' })).statusCode).toBe(200);
  });

  it('lets the same requests through under a higher limit, or none', async () => {
    for (const limit of ['10/1m', 'off']) {
      const a = await app({ SESSION_RATE_LIMIT: limit, GUEST_RATE_LIMIT: 'off' });
      for (let i = 0; i < 10; i++) expect((await post(a, { address: '203.0.113.1' })).statusCode).toBe(200);
    }
  });

  it('limits new guests, not players who come back, and an unknown token is no way around it', async () => {
    const a = await app({ SESSION_RATE_LIMIT: 'off', GUEST_RATE_LIMIT: '2/1h' });
    const from = { address: '2001:db8:1:2::10' };
    const ada = (await post(a, from, { name: 'Ada' })).json<{ playerId: string; profileToken: string }>();
    expect((await post(a, from)).statusCode).toBe(200);
    expectTooMany(await post(a, from), /new guest profiles/, 3600);
    // A token nobody has would make a new guest: refused the same way.
    expectTooMany(await post(a, from, { profileToken: 'not-a-token-anyone-has' }), /new guest/, 3600);
    const back = await post(a, from, { profileToken: ada.profileToken });
    expect([back.statusCode, back.json<{ playerId: string }>().playerId]).toEqual([200, ada.playerId]);
    // IPv6 counts per /64 (one household); another /64 is someone else.
    expect((await post(a, { address: '2001:db8:1:2::99' })).statusCode).toBe(429);
    expect((await post(a, { address: '2001:db8:1:3::10' })).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For unless the peer is a trusted proxy', async () => {
    const direct = await app({ SESSION_RATE_LIMIT: '1/1m', GUEST_RATE_LIMIT: 'off' });
    expect((await post(direct, { address: '198.51.100.7', forwardedFor: '203.0.113.1' })).statusCode).toBe(
      200,
    );
    // A client cannot pose as many addresses by writing the header itself.
    expect((await post(direct, { address: '198.51.100.7', forwardedFor: '203.0.113.2' })).statusCode).toBe(
      429,
    );

    const proxied = await app({
      SESSION_RATE_LIMIT: '1/1m',
      GUEST_RATE_LIMIT: 'off',
      TRUST_PROXY: '10.0.0.5',
    });
    const viaProxy = (client: string, spoofed?: string) => ({
      address: '10.0.0.5',
      // HAProxy's `option forwardfor` appends the address it saw to whatever the client sent.
      forwardedFor: spoofed ? `${spoofed}, ${client}` : client,
    });
    expect((await post(proxied, viaProxy('203.0.113.1'))).statusCode).toBe(200);
    expect((await post(proxied, viaProxy('203.0.113.2'))).statusCode).toBe(200);
    expect((await post(proxied, viaProxy('203.0.113.1', '192.0.2.99'))).statusCode).toBe(429);
  });
});

describe('the guest limit on a real server (stored profiles)', () => {
  let server: RunningServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('creates one guest per window from this address, and still renews it', async () => {
    server = await startTestServer({ GUEST_RATE_LIMIT: '1/1h' });
    const ada = await fetchSession(server.url, { name: 'Ada' });
    const refusal = await fetchSession(server.url).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(SessionRequestError);
    expect((refusal as SessionRequestError).status).toBe(429);
    await expect(fetchSession(server.url, { token: 'unknown-token' })).rejects.toMatchObject({ status: 429 });
    const again = await fetchSession(server.url, { token: ada.profileToken });
    expect(again.playerId).toBe(ada.playerId);
  });
});
