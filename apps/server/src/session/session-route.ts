import type { IdentityProvider, SessionTokens } from '@perihelion/engine';
import { type Role, SESSION_PATH, type SessionResponse, sessionRequestSchema } from '@perihelion/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type GuestGate, sendTooManyRequests, TooManyRequests } from '../http/session-limits.js';
import { describeIssue, sendError } from '../http-errors.js';
import { sameSecret } from '../same-secret.js';
import { type AccountSignIn, identifyAccount, isAccountRequest, SESSION_BODY_LIMIT } from './oidc-sign-in.js';

export interface SessionRouteOptions {
  /** Whose profile a request is for (the stored guest profiles). */
  identities: IdentityProvider;
  tokens: SessionTokens;
  /** The configured ADMIN_TOKEN; without one nobody gets the admin role. */
  adminToken: string | undefined;
  logger: Logger;
  /** Limits new guest profiles per client address (429 with Retry-After); null: no limit. */
  admitGuest?: GuestGate | null;
  /** Sign-in from an identity provider (`idToken`); null or absent: guests only. */
  accounts?: AccountSignIn | null;
}

/**
 * `POST /api/session`: the player's profile (an existing one for a known profile token, else a new
 * guest; `name` renames it) and a short-lived signed access token for the Socket.IO handshake.
 * Clients call it again with the same profile token before the access token expires. With an
 * `idToken` (OpenID Connect, see oidc-sign-in.ts) the profile is the account's: 401 when the token
 * is not valid, 400 when no identity provider is configured.
 * Errors are JSON `{error: {code, message}}`: 400 for a bad body (naming the field), 403 for a
 * wrong admin token, 429 over a per-address limit (with Retry-After), 503 when the store cannot
 * be reached.
 */
export async function registerSessionRoute(app: FastifyInstance, opts: SessionRouteOptions): Promise<void> {
  await app.register(async (scope) => {
    // Body parsing fails before the handler runs (not JSON, wrong content type): same error shape.
    scope.setErrorHandler((err: FastifyError, _req, reply) => {
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return sendError(reply, status, 'BAD_MESSAGE', `invalid session request: ${err.message}`);
      }
      opts.logger.error({ err }, 'session request failed');
      return sendError(reply, 500, 'INTERNAL', 'the server failed to create a session');
    });

    // An ID token may be larger than the app's body limit allows.
    scope.post(SESSION_PATH, { bodyLimit: SESSION_BODY_LIMIT }, async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const parsed = sessionRequestSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        return sendError(
          reply,
          400,
          'BAD_MESSAGE',
          `invalid session request: ${describeIssue(parsed.error, 'body')}`,
        );
      }
      const { profileToken, name, adminToken } = parsed.data;
      let role: Role = 'player';
      if (adminToken !== undefined) {
        // Checked before the profile is touched: a wrong admin token creates nothing.
        if (!opts.adminToken || !sameSecret(adminToken, opts.adminToken)) {
          opts.logger.warn({ ip: req.ip }, 'session request with a wrong admin token');
          return sendError(reply, 403, 'FORBIDDEN', 'wrong admin token');
        }
        role = 'admin';
      }
      let identity: Awaited<ReturnType<IdentityProvider['identify']>>;
      try {
        // An identity provider's account is never a guest (session/oidc-sign-in.ts).
        const account = isAccountRequest(parsed.data)
          ? await identifyAccount(opts.accounts, parsed.data, req.ip)
          : null;
        if (account && !account.ok) return sendError(reply, account.status, account.code, account.message);
        const admitGuest = opts.admitGuest;
        identity = account
          ? account.identity
          : await opts.identities.identify(
              { token: profileToken, name },
              admitGuest ? { beforeNewGuest: () => admitGuest(req) } : undefined,
            );
      } catch (err) {
        if (err instanceof TooManyRequests) return sendTooManyRequests(reply, err);
        opts.logger.error({ err }, 'could not load or create a profile');
        return sendError(reply, 503, 'UNAVAILABLE', 'the profile store is unavailable; try again shortly');
      }
      const { accessToken, expiresAt } = await opts.tokens.issue({
        playerId: identity.playerId,
        name: identity.name,
        role,
      });
      const body: SessionResponse = {
        playerId: identity.playerId,
        name: identity.name,
        role,
        profileToken: identity.token,
        accessToken,
        expiresAt,
        serverTime: Date.now(),
      };
      return body;
    });
  });
}
