import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthRefusal } from './principal.js';
import { SESSION_AUDIENCE, SESSION_ISSUER, SessionTokens } from './session-tokens.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const who = { playerId: 'p_alice', name: 'Alice', role: 'player' as const };

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthRefusal);
  return (err as AuthRefusal).error;
}

describe('SessionTokens', () => {
  const tokens = new SessionTokens({ secret: SECRET, ttlSeconds: 900 });

  it('turns a token it issued back into the same principal, with its expiry', async () => {
    const before = Date.now();
    const { accessToken, expiresAt } = await tokens.issue({ ...who, role: 'admin' });
    expect(expiresAt).toBeGreaterThanOrEqual(before + 900_000);
    expect(await tokens.authenticate(accessToken)).toEqual({ ...who, role: 'admin', expiresAt });
  });

  it('asks a client without a token to sign in first', async () => {
    for (const missing of [undefined, '']) {
      const error = await refusal(tokens.authenticate(missing));
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.message).toMatch(/sign in first.*POST \/api\/session/);
    }
  });

  it('refuses garbage, a tampered token and one signed with another secret as UNAUTHENTICATED', async () => {
    const { accessToken } = await tokens.issue(who);
    const [header, payload, signature] = accessToken.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...decode(payload), sub: 'p_mallory' })).toString(
      'base64url',
    );
    const foreign = await new SessionTokens({ secret: `${SECRET}-elsewhere`, ttlSeconds: 900 }).issue(who);
    for (const bad of [
      'not-a-jwt',
      'a.b.c',
      `${header}.${forged}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      foreign.accessToken,
    ]) {
      expect((await refusal(tokens.authenticate(bad))).code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses an unsigned token ("alg": "none") and one for another audience', async () => {
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url'),
      Buffer.from(
        JSON.stringify({ sub: 'p_x', name: 'X', role: 'admin', exp: Math.floor(Date.now() / 1000) + 60 }),
      ).toString('base64url'),
      '',
    ].join('.');
    expect((await refusal(tokens.authenticate(unsigned))).code).toBe('UNAUTHENTICATED');
    const otherAudience = await new SignJWT({ name: 'X', role: 'player' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('p_x')
      .setIssuer(SESSION_ISSUER)
      .setAudience('someone-else')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect((await refusal(tokens.authenticate(otherAudience))).code).toBe('UNAUTHENTICATED');
    const noRole = await new SignJWT({ name: 'X' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('p_x')
      .setIssuer(SESSION_ISSUER)
      .setAudience(SESSION_AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect((await refusal(tokens.authenticate(noRole))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired token as SESSION_EXPIRED', async () => {
    const longAgo = new SessionTokens({ secret: SECRET, ttlSeconds: 60, now: () => Date.now() - 3_600_000 });
    const { accessToken } = await longAgo.issue(who);
    const error = await refusal(tokens.authenticate(accessToken));
    expect(error.code).toBe('SESSION_EXPIRED');
    expect(error.message).toMatch(/expired/);
  });

  it('is valid up to its expiry and not a moment after', async () => {
    let now = Date.now();
    const clocked = new SessionTokens({ secret: SECRET, ttlSeconds: 2, now: () => now });
    const { accessToken, expiresAt } = await clocked.issue(who);
    now = expiresAt - 1;
    expect((await clocked.authenticate(accessToken)).playerId).toBe(who.playerId);
    now = expiresAt;
    expect((await refusal(clocked.authenticate(accessToken))).code).toBe('SESSION_EXPIRED');
  });

  it('will not sign with a short secret', () => {
    expect(() => new SessionTokens({ secret: 'short', ttlSeconds: 60 })).toThrow(/at least 32 bytes/);
  });
});

function decode(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
