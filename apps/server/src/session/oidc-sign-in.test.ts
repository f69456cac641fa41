import { inventories, openStore, players, type Store } from '@perihelion/db';
import { EphemeralIdentities, SessionTokens } from '@perihelion/engine';
import { SESSION_PATH, sessionResponseSchema } from '@perihelion/protocol';
import { eq } from 'drizzle-orm';
import Fastify from 'fastify';
import { SignJWT } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server.js';
import { TestOidcProvider } from '../testing/oidc-provider.js';
import { RawClient, startTestServer } from '../testing/test-server.js';
import { AccountSignIn } from './oidc-sign-in.js';
import { registerSessionRoute } from './session-route.js';

const AUDIENCE = 'perihelion-web';

interface ErrorBody {
  error: { code: string; message: string };
}

const postSession = (url: string, body: unknown) =>
  fetch(`${url}${SESSION_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('POST /api/session with an ID token (OpenID Connect)', () => {
  let provider: TestOidcProvider;
  let server: RunningServer;
  beforeAll(async () => {
    provider = await TestOidcProvider.start({ audience: AUDIENCE });
    // No OIDC_JWKS_URL: the key set is found through the issuer's metadata. No cooldown: a key
    // the cache lacks is fetched at once (the rotation test needs no waiting).
    server = await startTestServer({
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_COOLDOWN_S: '0',
    });
  });
  afterAll(async () => {
    try {
      await server?.close();
    } finally {
      await provider?.close();
    }
  });

  async function session(body: unknown) {
    const res = await postSession(server.url, body);
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
    return sessionResponseSchema.parse(await res.json());
  }

  async function refused(body: unknown, status: number): Promise<ErrorBody['error']> {
    const res = await postSession(server.url, body);
    expect(res.status).toBe(status);
    return ((await res.json()) as ErrorBody).error;
  }

  it('signs an account in: a profile named after it, a working session, the same player next time', async () => {
    const first = await session({ idToken: await provider.sign('user-ada', { name: 'Ada Lovelace' }) });
    expect(first).toMatchObject({ name: 'Ada Lovelace', role: 'player' });
    expect(first.profileToken).toMatch(/^acct\./);
    expect(await server.tokens.authenticate(first.accessToken)).toMatchObject({
      playerId: first.playerId,
      name: 'Ada Lovelace',
    });

    // The access token is an ordinary session: the game admits it.
    const client = new RawClient(server.url, 'websocket', { session: false, accessToken: first.accessToken });
    try {
      expect(await client.join('alpha')).toMatchObject({ ok: true });
    } finally {
      client.close();
    }

    const again = await session({ idToken: await provider.sign('user-ada', { name: 'Ada L.' }) });
    expect(again.playerId).toBe(first.playerId);
    // The stored name stays (the player may have chosen another one since).
    expect(again.name).toBe('Ada Lovelace');
    expect(again.profileToken).not.toBe(first.profileToken);

    // The sign-in's profile token renews sessions, as a guest's does; `name` renames.
    const renewed = await session({ profileToken: first.profileToken, name: 'Countess' });
    expect(renewed).toMatchObject({
      playerId: first.playerId,
      name: 'Countess',
      profileToken: first.profileToken,
    });
  });

  it('takes the name of the request over the claims, and never an e-mail address', async () => {
    const named = await session({ idToken: await provider.sign('user-vega', { name: 'V' }), name: 'Vega' });
    expect(named.name).toBe('Vega');
    const mail = await session({
      idToken: await provider.sign('user-mail', {
        name: 'someone@example.com',
        preferred_username: 'stargazer',
      }),
    });
    expect(mail.name).toBe('stargazer');
  });

  it('refuses an account profile token it does not know instead of making a guest of it', async () => {
    const error = await refused({ profileToken: 'acct.made-up' }, 401);
    expect(error).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/sign in again/) });
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each<[string, () => Promise<string>, RegExp]>([
    ['for another audience', () => provider.sign('user-x', { aud: 'another-app' }), /wrong audience/],
    [
      'for another client, listing us among others',
      () => provider.sign('user-x', { aud: [AUDIENCE, 'other'], azp: 'other' }),
      /wrong audience/,
    ],
    [
      'from another issuer',
      () => provider.sign('user-x', { iss: 'https://idp.example.com' }),
      /wrong issuer/,
    ],
    ['that expired', () => provider.sign('user-x', {}, { issuedAt: -7200, expiresIn: -3600 }), /has expired/],
    ['not valid yet', () => provider.sign('user-x', { nbf: now() + 3600 }), /not valid yet/],
    ['without a subject', () => provider.sign('', {}), /subject/],
    [
      'signed with a key the provider does not publish',
      async () => provider.sign('user-x', {}, { key: await TestOidcProvider.newKey() }),
      /unknown key/,
    ],
    [
      'changed after signing',
      async () => tamper(await provider.sign('user-x'), { sub: 'user-ada' }),
      /bad signature/,
    ],
    ['signed with a shared secret (HS256)', () => hs256Token(provider.issuer), /algorithm/],
    ['that is no JWT at all', async () => 'not-a-jwt', /not a signed JWT/],
  ])('refuses an ID token %s with 401, saying why, and creates nothing', async (_what, token, message) => {
    const before = await server.store.db.$count(players);
    const error = await refused({ idToken: await token() }, 401);
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(message);
    expect(await server.store.db.$count(players)).toBe(before);
  });

  it('follows a key rotation: a new key is fetched when a token names it, the retired one is refused', async () => {
    const oldToken = await provider.sign('user-rot');
    const before = await session({ idToken: oldToken });
    const fetches = provider.jwksFetches;
    await provider.rotate();
    const after = await session({ idToken: await provider.sign('user-rot') });
    expect(after.playerId).toBe(before.playerId);
    expect(provider.jwksFetches).toBeGreaterThan(fetches);
    const error = await refused({ idToken: oldToken }, 401);
    expect(error.message).toMatch(/unknown key/);
  });

  it('links a guest to the account it signs up with: the profile and its ore stay, the guest token is retired', async () => {
    const guest = await session({ name: 'Rookie' });
    await server.store.db
      .update(inventories)
      .set({ ore: 42 })
      .where(eq(inventories.playerId, guest.playerId));

    const linked = await session({
      profileToken: guest.profileToken,
      idToken: await provider.sign('user-link'),
    });
    expect(linked).toMatchObject({ playerId: guest.playerId, name: 'Rookie' });
    const [inventory] = await server.store.db
      .select({ ore: inventories.ore })
      .from(inventories)
      .where(eq(inventories.playerId, guest.playerId));
    expect(inventory?.ore).toBe(42);

    // The old guest token no longer reaches the profile: it is an unknown token now, a new guest.
    const stale = await session({ profileToken: guest.profileToken });
    expect(stale.playerId).not.toBe(guest.playerId);
    // Nor can another account claim the profile with it.
    const other = await session({
      profileToken: guest.profileToken,
      idToken: await provider.sign('user-other'),
    });
    expect(other.playerId).not.toBe(guest.playerId);

    // Signing in again with another guest's token: the account's profile; the guest is left alone.
    const second = await session({ name: 'Second' });
    const back = await session({
      profileToken: second.profileToken,
      idToken: await provider.sign('user-link'),
    });
    expect(back.playerId).toBe(guest.playerId);
    expect((await session({ profileToken: second.profileToken })).playerId).toBe(second.playerId);
  });
});

describe('POST /api/session with an ID token, when it cannot be checked', () => {
  const tokens = new SessionTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256', ttlSeconds: 60 });
  const identities = new EphemeralIdentities(() => 'Guest');
  const logger = pino({ level: 'silent' });
  let store: Store;
  beforeAll(async () => {
    store = await openStore({});
  });
  afterAll(async () => {
    await store?.close();
  });

  async function app(accounts: AccountSignIn | null) {
    const fastify = Fastify();
    await registerSessionRoute(fastify, { identities, tokens, adminToken: undefined, logger, accounts });
    return fastify;
  }

  it('answers 400 when no identity provider is configured, and still takes guests', async () => {
    const fastify = await app(null);
    try {
      for (const payload of [{ idToken: 'eyJ.a.b' }, { profileToken: 'acct.someone' }]) {
        const res = await fastify.inject({ method: 'POST', url: SESSION_PATH, payload });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({
          error: {
            code: 'BAD_MESSAGE',
            message: expect.stringMatching(/does not sign in with an identity provider/),
          },
        });
      }
      const guest = await fastify.inject({ method: 'POST', url: SESSION_PATH, payload: {} });
      expect(guest.statusCode).toBe(200);
    } finally {
      await fastify.close();
    }
  });

  it('answers 503 when the provider cannot be reached or describes another issuer', async () => {
    const gone = await TestOidcProvider.start({ audience: AUDIENCE });
    await gone.close();
    const impostor = await TestOidcProvider.start({
      audience: AUDIENCE,
      metadataIssuer: 'https://idp.example.com',
    });
    try {
      for (const provider of [gone, impostor]) {
        const accounts = AccountSignIn.create(
          {
            issuer: provider.issuer,
            audiences: [AUDIENCE],
            jwksUrl: null,
            algorithms: ['RS256'],
            clockToleranceS: 0,
            jwksCooldownMs: 0,
            signInTtlS: 3600,
          },
          store.db,
          identities,
          logger,
        );
        const fastify = await app(accounts);
        try {
          const payload = { idToken: await provider.sign('user-x') };
          const res = await fastify.inject({ method: 'POST', url: SESSION_PATH, payload });
          expect(res.statusCode).toBe(503);
          expect(res.json()).toMatchObject({
            error: { code: 'UNAVAILABLE', message: expect.stringMatching(/try again/) },
          });
        } finally {
          await fastify.close();
        }
      }
    } finally {
      await impostor.close();
    }
  });
});

/** The token with claims changed in its payload and the original signature kept. */
function tamper(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

/** What an attacker might try: an HMAC token keyed with something public. */
function hs256Token(issuer: string): Promise<string> {
  return new SignJWT({ sub: 'user-x' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode('the-public-client-id-used-as-a-secret'));
}
