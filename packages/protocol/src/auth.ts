import { z } from 'zod';
import { MAX_TOKEN_LENGTH } from './limits.js';
import { playerNameSchema } from './names.js';

/*
 * Sessions. A browser (or bot) first asks the HTTP endpoint below for a session: it presents the
 * long-lived profile token it keeps (none on a first visit) and receives a short-lived signed access
 * token (a JWT) that every Socket.IO namespace checks in its handshake. The client asks again,
 * with the same profile token, before the access token expires, and hands the new one to its live
 * connections with `session:renew`: play is never interrupted by an expiry.
 */

/** POST here for an access token. */
export const SESSION_PATH = '/api/session';

/** Access tokens are compact JWTs; anything much longer is not one of ours. */
export const MAX_ACCESS_TOKEN_LENGTH = 2048;

/**
 * OpenID Connect ID tokens are signed by the studio's identity provider; some carry many claims
 * (groups, roles), so they get more room than ours.
 */
export const MAX_ID_TOKEN_LENGTH = 8192;

export const roleSchema = z.enum(['player', 'admin']);
export type Role = z.infer<typeof roleSchema>;

export const sessionRequestSchema = z.strictObject({
  /**
   * The profile token from an earlier session: the same player. Unknown or absent: a new guest
   * (an account's profile token that expired or was revoked is refused instead: sign in again).
   */
  profileToken: z.string().min(1).max(MAX_TOKEN_LENGTH).optional(),
  /**
   * An ID token from the identity provider the server is configured for (OpenID Connect): the
   * session is the account's profile, created on its first sign-in. Sent with the profile token of
   * a guest whose profile no account has yet, it makes that profile the account's.
   */
  idToken: z.string().min(1).max(MAX_ID_TOKEN_LENGTH).optional(),
  /** Display name; when given it also renames the stored profile. */
  name: playerNameSchema.optional(),
  /** The configured ADMIN_TOKEN: the session gets the admin role (e.g. may post announcements). */
  adminToken: z.string().min(1).max(MAX_TOKEN_LENGTH).optional(),
});
export type SessionRequest = z.infer<typeof sessionRequestSchema>;

export const sessionResponseSchema = z.object({
  playerId: z.string(),
  name: z.string(),
  role: roleSchema,
  /** Keep it (e.g. localStorage): it is the player's profile, from any tab, after any restart. */
  profileToken: z.string(),
  /** Present it in every Socket.IO handshake (`auth.accessToken`) until it expires. */
  accessToken: z.string(),
  /** When the access token expires, ms since the epoch on the server's clock. */
  expiresAt: z.number(),
  /** The server's clock when it answered (ms since the epoch), to schedule the refresh. */
  serverTime: z.number(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/** Client → server on any namespace: "here is my refreshed access token" (same player only). */
export const sessionRenewSchema = z.strictObject({
  accessToken: z.string().min(1).max(MAX_ACCESS_TOKEN_LENGTH),
});
export type SessionRenew = z.infer<typeof sessionRenewSchema>;

export const sessionRenewResultSchema = z.union([
  z.object({ ok: z.literal(true), expiresAt: z.number() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type SessionRenewResult = z.infer<typeof sessionRenewResultSchema>;

/** The handshake (`auth`) every namespace checks before admitting a connection. */
export const handshakeSchema = z.object({
  protocol: z.number().int(),
  accessToken: z.string().min(1).max(MAX_ACCESS_TOKEN_LENGTH).optional(),
});
export type Handshake = z.infer<typeof handshakeSchema>;
