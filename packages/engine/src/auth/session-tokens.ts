import { protocolError, roleSchema, SESSION_PATH } from '@perihelion/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { type Authenticator, AuthRefusal, type Principal } from './principal.js';

/** Who issues the tokens and whom they are for: a token minted for anything else is refused. */
export const SESSION_ISSUER = 'perihelion';
export const SESSION_AUDIENCE = 'perihelion:realtime';
const ALGORITHM = 'HS256';

/** HS256 wants a key at least as long as its hash (256 bits). */
export const MIN_SECRET_BYTES = 32;

export interface SessionTokensOptions {
  /** The signing secret (a string is used as its UTF-8 bytes); at least 32 bytes. */
  secret: string | Uint8Array;
  /** How long an access token is valid, in seconds. */
  ttlSeconds: number;
  /** The clock (ms since the epoch); tests move it to mint tokens that are already expired. */
  now?: () => number;
}

/** What a session says about its player; the expiry is the token's own. */
export type SessionClaims = Omit<Principal, 'expiresAt'>;

export interface IssuedToken {
  accessToken: string;
  /** ms since the epoch (a whole second: JWT expiries are in seconds). */
  expiresAt: number;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string(),
  role: roleSchema,
  exp: z.number(),
});

const MISSING = `sign in first: POST ${SESSION_PATH} for an access token and present it in the handshake as auth.accessToken`;
const INVALID = `the access token is not valid (malformed, badly signed or not issued by this server); get a new one from POST ${SESSION_PATH}`;
const EXPIRED = `the access token has expired; get a new one from POST ${SESSION_PATH}`;

/**
 * Signed, short-lived session tokens (JWT, HS256): `issue` mints one for a player, and as the
 * Authenticator every namespace admits through, `authenticate` turns one back into a Principal
 * or refuses it (missing or invalid: UNAUTHENTICATED; expired: SESSION_EXPIRED). Nothing is
 * stored: any node that knows the secret can check any token.
 */
export class SessionTokens implements Authenticator {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(opts: SessionTokensOptions) {
    this.key = typeof opts.secret === 'string' ? new TextEncoder().encode(opts.secret) : opts.secret;
    if (this.key.byteLength < MIN_SECRET_BYTES) {
      throw new Error(`the session secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    if (!(opts.ttlSeconds >= 1)) throw new Error('the session lifetime must be at least one second');
    this.ttlSeconds = opts.ttlSeconds;
    this.now = opts.now ?? (() => Date.now());
  }

  /** A fresh access token for this player, valid for the configured lifetime. */
  async issue(who: SessionClaims): Promise<IssuedToken> {
    const now = this.now();
    // Rounded up to whole seconds so a token never lives shorter than the configured lifetime.
    const exp = Math.ceil((now + this.ttlSeconds * 1000) / 1000);
    const accessToken = await new SignJWT({ name: who.name, role: who.role })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(who.playerId)
      .setIssuer(SESSION_ISSUER)
      .setAudience(SESSION_AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(exp)
      .sign(this.key);
    return { accessToken, expiresAt: exp * 1000 };
  }

  async authenticate(accessToken: string | undefined): Promise<Principal> {
    if (!accessToken) throw new AuthRefusal(protocolError('UNAUTHENTICATED', MISSING));
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(accessToken, this.key, {
        algorithms: [ALGORITHM],
        issuer: SESSION_ISSUER,
        audience: SESSION_AUDIENCE,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      // The signature is checked before the expiry: only a genuine token of ours can be "expired".
      if (err instanceof errors.JWTExpired) throw new AuthRefusal(protocolError('SESSION_EXPIRED', EXPIRED));
      if (err instanceof errors.JOSEError) throw new AuthRefusal(protocolError('UNAUTHENTICATED', INVALID));
      // jose rejects some garbage with a plain TypeError (e.g. bytes that are not base64url).
      if (err instanceof TypeError) throw new AuthRefusal(protocolError('UNAUTHENTICATED', INVALID));
      throw err;
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new AuthRefusal(protocolError('UNAUTHENTICATED', INVALID));
    const { sub, name, role, exp } = claims.data;
    return { playerId: sub, name, role, expiresAt: exp * 1000 };
  }
}
