import type { Db } from '@perihelion/db';
import type { Identity, IdentityProvider } from '@perihelion/engine';
import { type ErrorCode, MAX_ID_TOKEN_LENGTH } from '@perihelion/protocol';
import type { Logger } from 'pino';
import { AccountProfiles, isAccountToken } from './oidc-accounts.js';
import { type OidcSettings, oidcSettings } from './oidc-config.js';
import { IdTokenVerifier, ProviderUnavailable } from './oidc-verifier.js';

/** The fields of a session request this part reads. */
export interface AccountRequest {
  idToken?: string | undefined;
  profileToken?: string | undefined;
  name?: string | undefined;
}

/** Room for the longest ID token accepted and the request's other fields. */
export const SESSION_BODY_LIMIT = MAX_ID_TOKEN_LENGTH + 2048;

/** Whose session it is, or the HTTP refusal to answer with. */
export type AccountOutcome =
  | { ok: true; identity: Identity }
  | { ok: false; status: number; code: ErrorCode; message: string };

/**
 * Whether a session request is an account's (an ID token, or an account's profile token) rather
 * than a guest's. An account's profile token never falls back to a new guest: the player would
 * silently lose sight of their profile.
 */
export function isAccountRequest(req: AccountRequest): boolean {
  return req.idToken !== undefined || isAccountToken(req.profileToken);
}

const NOT_CONFIGURED =
  'this server does not sign in with an identity provider (no idToken or account profile token is accepted): play as a guest';
const PROVIDER_DOWN = 'the identity provider cannot be reached to check the ID token; try again shortly';
const SIGN_IN_EXPIRED = 'this sign-in has expired: sign in again with the identity provider (idToken)';
const SIGN_IN_UNKNOWN =
  'this account profile token is not valid (unknown or revoked): sign in again with the identity provider (idToken)';

/**
 * Sign-in from an identity provider (OpenID Connect) for POST /api/session: verifies the ID token,
 * finds or makes the account's profile, and renews sessions with an account's profile token.
 * Store failures are thrown (the route answers 503).
 */
export class AccountSignIn {
  constructor(
    private readonly verifier: IdTokenVerifier,
    private readonly accounts: AccountProfiles,
    private readonly logger: Logger,
  ) {}

  static create(settings: OidcSettings, db: Db, identities: IdentityProvider, logger: Logger): AccountSignIn {
    return new AccountSignIn(
      new IdTokenVerifier(settings),
      new AccountProfiles({ db, identities, signInTtlS: settings.signInTtlS }),
      logger,
    );
  }

  async identify(req: AccountRequest, ip: string): Promise<AccountOutcome> {
    if (req.idToken === undefined) {
      // isAccountRequest: without an ID token, the profile token is an account's.
      const renewed = await this.accounts.renew(req.profileToken ?? '', req.name);
      if (renewed.ok) return renewed;
      if (renewed.reason === 'unknown') this.logger.warn({ ip }, 'unknown account profile token');
      return refuse(401, 'UNAUTHENTICATED', renewed.reason === 'expired' ? SIGN_IN_EXPIRED : SIGN_IN_UNKNOWN);
    }
    let check: Awaited<ReturnType<IdTokenVerifier['verify']>>;
    try {
      check = await this.verifier.verify(req.idToken);
    } catch (err) {
      if (!(err instanceof ProviderUnavailable)) throw err;
      this.logger.warn({ err }, 'identity provider unavailable: cannot check ID tokens');
      return refuse(503, 'UNAVAILABLE', PROVIDER_DOWN);
    }
    if (!check.ok) {
      // The detail (jose's wording) helps whoever reads the log; the client gets the sentence.
      this.logger.warn({ ip, problem: check.problem, detail: check.detail }, 'refused an ID token');
      return refuse(401, 'UNAUTHENTICATED', check.message);
    }
    const identity = await this.accounts.signIn(check.account, req);
    if (identity.link !== 'existing') {
      this.logger.info(
        { playerId: identity.playerId, issuer: check.account.issuer, link: identity.link },
        identity.link === 'new' ? 'new account profile' : 'guest profile linked to an account',
      );
    }
    return {
      ok: true,
      identity: { playerId: identity.playerId, name: identity.name, token: identity.token },
    };
  }
}

/**
 * Answers an account's session request; `signIn` is null when no identity provider is configured
 * (refused as a bad request: asking again cannot help).
 */
export function identifyAccount(
  signIn: AccountSignIn | null | undefined,
  req: AccountRequest,
  ip: string,
): Promise<AccountOutcome> {
  if (!signIn) return Promise.resolve(refuse(400, 'BAD_MESSAGE', NOT_CONFIGURED));
  return signIn.identify(req, ip);
}

/** The server's account sign-in when its configuration names a provider, else null. */
export function accountSignIn(
  config: Parameters<typeof oidcSettings>[0],
  db: Db,
  identities: IdentityProvider,
  logger: Logger,
): AccountSignIn | null {
  const settings = oidcSettings(config);
  if (!settings) return null;
  logger.info(
    { issuer: settings.issuer, jwks: settings.jwksUrl?.href ?? '(discovered)' },
    'sign-in with an identity provider enabled',
  );
  return AccountSignIn.create(settings, db, identities, logger.child({ part: 'oidc' }));
}

function refuse(status: number, code: ErrorCode, message: string): AccountOutcome {
  return { ok: false, status, code, message };
}
