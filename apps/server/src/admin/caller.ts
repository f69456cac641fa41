import { AuthRefusal, type SessionTokens } from '@perihelion/engine';
import type { Role } from '@perihelion/protocol';
import type { FastifyRequest } from 'fastify';
import { sameSecret } from '../same-secret.js';

/** Who sent an HTTP request, as far as its credentials prove it. */
export interface Caller {
  /** The player whose session it is, or "admin-token" for the ADMIN_TOKEN itself. */
  playerId: string;
  name: string;
  role: Role;
}

export type CallerResult = { ok: true; caller: Caller } | { ok: false; status: 401; message: string };

export interface CallerCredentials {
  tokens: SessionTokens;
  /** ADMIN_TOKEN: presenting it directly (scripts, curl) is an admin without a profile. */
  adminToken: string | undefined;
}

/** The id an action taken with the bare ADMIN_TOKEN is logged under. */
export const ADMIN_TOKEN_CALLER = 'admin-token';

function bearer(req: FastifyRequest): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '');
  return match?.[1] ?? null;
}

/**
 * Reads "Authorization: Bearer <token>", where the token is a session's access token (the page's
 * own, from POST /api/session) or the ADMIN_TOKEN. Whether the caller may do what it asks is the
 * endpoint's decision.
 */
export async function identifyCaller(req: FastifyRequest, creds: CallerCredentials): Promise<CallerResult> {
  const token = bearer(req);
  if (!token) {
    return { ok: false, status: 401, message: 'send "Authorization: Bearer <access token or ADMIN_TOKEN>"' };
  }
  if (creds.adminToken && sameSecret(token, creds.adminToken)) {
    return { ok: true, caller: { playerId: ADMIN_TOKEN_CALLER, name: 'admin (token)', role: 'admin' } };
  }
  try {
    const principal = await creds.tokens.authenticate(token);
    return { ok: true, caller: { playerId: principal.playerId, name: principal.name, role: principal.role } };
  } catch (err) {
    if (err instanceof AuthRefusal) return { ok: false, status: 401, message: err.error.message };
    throw err;
  }
}
