import { MAX_NAME_LENGTH, playerNameSchema } from '@perihelion/protocol';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { OidcSettings } from './oidc-config.js';
import { discoverJwksUrl } from './oidc-discovery.js';

/** Why an ID token was refused: the client's problem (401), never the provider's. */
export type IdTokenProblem =
  | 'malformed'
  | 'algorithm'
  | 'unknown-key'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'claims';

/** Who the provider says the bearer is. */
export interface VerifiedAccount {
  issuer: string;
  /** The provider's id of the account: stable, unique within the issuer only. */
  subject: string;
  /** A display name from the token's claims, if one makes a valid player name. */
  suggestedName: string | undefined;
}

export type IdTokenCheck =
  | { ok: true; account: VerifiedAccount }
  | { ok: false; problem: IdTokenProblem; message: string; detail: string };

/** The provider's keys could not be had (unreachable, bad metadata): try again later (503). */
export class ProviderUnavailable extends Error {}

/** What a client is told: enough to fix its side, nothing about ours. */
const MESSAGES: Record<IdTokenProblem, string> = {
  malformed: 'the ID token is not a signed JWT',
  algorithm: 'the ID token is signed with an algorithm this server does not accept',
  'unknown-key': 'the ID token is signed with a key the identity provider does not publish (unknown key)',
  signature: 'the ID token has a bad signature',
  expired: 'the ID token has expired; get a fresh one from the identity provider',
  'not-yet-valid': 'the ID token is not valid yet',
  issuer: 'the ID token was not issued by the identity provider this server trusts (wrong issuer)',
  audience: 'the ID token was issued for another application (wrong audience)',
  claims: 'the ID token lacks a valid subject, issue time or expiry',
};

const JWKS_TIMEOUT_MS = 5000;
/** OpenID Connect Core 1.0, section 2: a subject is at most 255 ASCII characters. */
const MAX_SUBJECT_LENGTH = 255;

/**
 * Verifies OpenID Connect ID tokens against one provider with jose: the signature with the
 * provider's published keys (fetched once and cached; a token naming a key the cache lacks makes
 * jose fetch the set again, no more often than the configured cooldown, which is how a key rotation
 * is picked up), then issuer, audience and the times. Where the keys are is configured, or
 * discovered from the issuer on first use.
 */
export class IdTokenVerifier {
  private keys: Promise<JWTVerifyGetKey> | null = null;

  constructor(private readonly settings: OidcSettings) {}

  /** Throws ProviderUnavailable when the keys cannot be had; any other failure is the token's. */
  async verify(idToken: string): Promise<IdTokenCheck> {
    // Garbage is refused before anything goes over the network.
    try {
      decodeProtectedHeader(idToken);
    } catch (err) {
      return refused('malformed', err);
    }
    const keys = await this.keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, keys, {
        issuer: this.settings.issuer,
        audience: [...this.settings.audiences],
        algorithms: [...this.settings.algorithms],
        clockTolerance: this.settings.clockToleranceS,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (err) {
      if (err instanceof ProviderUnavailable) throw err;
      return refused(problemOf(err), err);
    }
    const subject = payload.sub;
    if (!subject || subject.length > MAX_SUBJECT_LENGTH) return refused('claims', 'bad "sub"');
    // OpenID Connect Core 1.0, 3.1.3.7: with several audiences, the party it was issued to (azp)
    // must be one of ours, or a token for another client that merely lists us would do.
    if (payload.azp !== undefined && !this.settings.audiences.includes(String(payload.azp))) {
      return refused('audience', `"azp" ${JSON.stringify(payload.azp)} is not a configured audience`);
    }
    return {
      ok: true,
      account: { issuer: this.settings.issuer, subject, suggestedName: suggestedName(payload) },
    };
  }

  /** The key resolver, made once; a failed discovery is tried again on the next token. */
  private keySet(): Promise<JWTVerifyGetKey> {
    if (!this.keys) {
      const opening = this.openKeySet();
      this.keys = opening;
      opening.catch(() => {
        if (this.keys === opening) this.keys = null;
      });
    }
    return this.keys;
  }

  private async openKeySet(): Promise<JWTVerifyGetKey> {
    let url: URL;
    try {
      url = this.settings.jwksUrl ?? (await discoverJwksUrl(this.settings.issuer));
    } catch (err) {
      throw new ProviderUnavailable((err as Error).message, { cause: err });
    }
    const remote = createRemoteJWKSet(url, {
      cooldownDuration: this.settings.jwksCooldownMs,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (err) {
        // No key or several for the token's header: the token's problem. Anything else (fetch
        // failed, timed out, not a key set) is the provider's.
        if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
          throw err;
        }
        throw new ProviderUnavailable(`the identity provider's keys (${url.href}) could not be read`, {
          cause: err,
        });
      }
    };
  }
}

function refused(problem: IdTokenProblem, err: unknown): IdTokenCheck {
  const detail = err instanceof Error ? err.message : String(err);
  return { ok: false, problem, message: MESSAGES[problem], detail };
}

function problemOf(err: unknown): IdTokenProblem {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'iss':
        return 'issuer';
      case 'aud':
        return 'audience';
      case 'nbf':
        return 'not-yet-valid';
      default:
        return 'claims';
    }
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return 'unknown-key';
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return 'algorithm';
  if (err instanceof errors.JOSEError || err instanceof TypeError) return 'malformed';
  throw err;
}

/**
 * The account's display name (`name`, else `preferred_username`), cut to a player name's length,
 * when it makes a valid one. Never an e-mail address: other players see the name, and an address
 * is not theirs to see.
 */
function suggestedName(payload: JWTPayload): string | undefined {
  for (const claim of [payload.name, payload.preferred_username]) {
    if (typeof claim !== 'string' || claim.includes('@')) continue;
    // Whole characters, so a cut never splits one in two.
    const chars = Array.from(claim.trim());
    while (chars.join('').length > MAX_NAME_LENGTH) chars.pop();
    const parsed = playerNameSchema.safeParse(chars.join(''));
    if (parsed.success) return parsed.data;
  }
  return undefined;
}
