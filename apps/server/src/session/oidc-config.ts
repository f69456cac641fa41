import { z } from 'zod';

/*
 * The environment variables of sign-in from an identity provider (OpenID Connect). They are part
 * of the server's one configuration schema (config.ts spreads them in); they live here so the
 * feature's settings sit beside the feature.
 */

/**
 * Algorithms an ID token may be signed with. Only public-key ones: the keys come from the
 * provider's public key set, so an HMAC ("HS256", keyed with something public) or "none" would let
 * anyone mint tokens.
 */
export const OIDC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type OidcAlgorithm = (typeof OIDC_ALGORITHMS)[number];

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Keys fetched over plain HTTP could be swapped on the way; only a provider on this machine may skip TLS. */
export function isTrustedProviderUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

const providerUrl = z
  .string()
  .refine(isTrustedProviderUrl, 'must be an https:// URL (http:// only on localhost or 127.0.0.1)');

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** "a, b,c" → ["a", "b", "c"]: some providers put several client ids in one audience. */
const commaList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(z.array(z.string()).min(1, 'must name at least one value'));

const isOidcAlgorithm = (alg: string): alg is OidcAlgorithm =>
  (OIDC_ALGORITHMS as readonly string[]).includes(alg);

/** Checked as one value, so a bad entry is reported under the variable's own name. */
const algorithmList = commaList.transform((algs, ctx) => {
  const refused = algs.filter((alg) => !isOidcAlgorithm(alg));
  if (refused.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${refused.join(', ')} not accepted: use public-key algorithms (${OIDC_ALGORITHMS.join(', ')})`,
    });
    return z.NEVER;
  }
  return algs.filter(isOidcAlgorithm);
});

/** Spread into the server's configuration schema. */
export const oidcConfigShape = {
  /**
   * The identity provider's issuer, exactly as its ID tokens say it (`iss`), e.g.
   * "https://accounts.google.com". Unset: sign-in with an ID token is off (guests only).
   */
  OIDC_ISSUER: optional(providerUrl),
  /** The client id(s) the tokens must be for (`aud`), comma-separated. Required with OIDC_ISSUER. */
  OIDC_AUDIENCE: optional(commaList),
  /** The provider's key set; unset: read from the issuer's /.well-known/openid-configuration. */
  OIDC_JWKS_URL: optional(providerUrl),
  /** Accepted signature algorithms, comma-separated (public-key ones only). */
  OIDC_ALLOWED_ALGS: optional(algorithmList).default(['RS256']),
  /** Seconds of clock difference with the provider tolerated on `exp`, `nbf` and `iat`. */
  OIDC_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(30),
  /**
   * How long one sign-in lasts: the profile token it hands out renews sessions without a new ID
   * token for this many seconds, then the page must present a fresh ID token.
   */
  OIDC_SIGN_IN_TTL_S: z.coerce.number().int().min(60).max(31_536_000).default(86_400),
  /**
   * A token signed with a key the cached key set lacks makes the server fetch the key set again
   * (the provider rotated its keys), at most once per this many seconds.
   */
  OIDC_JWKS_COOLDOWN_S: z.coerce.number().min(0).max(3600).default(30),
};

type OidcVariables = {
  OIDC_ISSUER?: string | undefined;
  OIDC_AUDIENCE?: string[] | undefined;
  OIDC_JWKS_URL?: string | undefined;
};

/** The settings that only make sense together; add with `.superRefine`. */
export function checkOidcConfig(c: OidcVariables, ctx: z.RefinementCtx): void {
  if (c.OIDC_ISSUER && !c.OIDC_AUDIENCE) {
    ctx.addIssue({
      code: 'custom',
      path: ['OIDC_AUDIENCE'],
      message: 'set it with OIDC_ISSUER: the client id the ID tokens are issued for',
    });
  }
  for (const name of ['OIDC_AUDIENCE', 'OIDC_JWKS_URL'] as const) {
    if (c[name] && !c.OIDC_ISSUER) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'needs OIDC_ISSUER (the identity provider)' });
    }
  }
}

/** What the server needs to verify ID tokens and keep sign-ins. */
export interface OidcSettings {
  issuer: string;
  audiences: readonly string[];
  /** null: discovered from the issuer. */
  jwksUrl: URL | null;
  algorithms: readonly OidcAlgorithm[];
  clockToleranceS: number;
  jwksCooldownMs: number;
  signInTtlS: number;
}

/** The settings, or null when no identity provider is configured. */
export function oidcSettings(
  c: OidcVariables & {
    OIDC_ALLOWED_ALGS: OidcAlgorithm[];
    OIDC_CLOCK_TOLERANCE_S: number;
    OIDC_SIGN_IN_TTL_S: number;
    OIDC_JWKS_COOLDOWN_S: number;
  },
): OidcSettings | null {
  if (!c.OIDC_ISSUER || !c.OIDC_AUDIENCE) return null;
  return {
    issuer: c.OIDC_ISSUER,
    audiences: c.OIDC_AUDIENCE,
    jwksUrl: c.OIDC_JWKS_URL ? new URL(c.OIDC_JWKS_URL) : null,
    algorithms: c.OIDC_ALLOWED_ALGS,
    clockToleranceS: c.OIDC_CLOCK_TOLERANCE_S,
    jwksCooldownMs: c.OIDC_JWKS_COOLDOWN_S * 1000,
    signInTtlS: c.OIDC_SIGN_IN_TTL_S,
  };
}
