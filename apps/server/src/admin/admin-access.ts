import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http-errors.js';
import { type Caller, type CallerCredentials, identifyCaller } from './caller.js';

/**
 * The one door of every admin endpoint: "Authorization: Bearer <an admin session's access token,
 * or the ADMIN_TOKEN>". Without ADMIN_TOKEN configured nobody can be an admin (no session gets the
 * role), so the endpoints answer 503 saying how to turn them on; no or bad credentials 401; a
 * player's session 403. Returns the admin, or null once the refusal has been sent.
 */
export async function requireAdmin(
  req: FastifyRequest,
  reply: FastifyReply,
  credentials: CallerCredentials,
): Promise<Caller | null> {
  reply.header('cache-control', 'no-store');
  if (!credentials.adminToken) {
    sendError(reply, 503, 'UNAVAILABLE', 'the admin API is disabled: set ADMIN_TOKEN on the server');
    return null;
  }
  const who = await identifyCaller(req, credentials);
  if (!who.ok) {
    sendError(reply, who.status, 'UNAUTHENTICATED', who.message);
    return null;
  }
  if (who.caller.role !== 'admin') {
    sendError(reply, 403, 'FORBIDDEN', 'this needs an admin session (sign in with the ADMIN_TOKEN)');
    return null;
  }
  return who.caller;
}
