import type { FastifyInstance } from 'fastify';
import { addAccessLog } from './access-log.js';
import { registerApiCors } from './api-cors.js';
import type { HttpSettings } from './http-settings.js';
import { type GuestGate, registerSessionLimits } from './session-limits.js';

/** The settings the HTTP app applies to every request (see http-settings.ts). */
export type HttpPolicySettings = Pick<
  HttpSettings,
  'CORS_ORIGINS' | 'SESSION_RATE_LIMIT' | 'GUEST_RATE_LIMIT' | 'ACCESS_LOG' | 'ACCESS_LOG_PROBES'
>;

/**
 * Access log, CORS for /api and the session request limits, as root hooks of `app` (before any
 * route is added). CORS comes before the limits so that a 429 to another origin carries its CORS
 * headers: without them the page could not read the refusal or its Retry-After. Returns the gate
 * on new guest profiles, for the session route (null when unlimited).
 */
export async function applyHttpPolicies(
  app: FastifyInstance,
  settings: HttpPolicySettings,
): Promise<GuestGate | null> {
  addAccessLog(app, { http: settings.ACCESS_LOG, probes: settings.ACCESS_LOG_PROBES });
  if (settings.CORS_ORIGINS) await registerApiCors(app, settings.CORS_ORIGINS);
  return registerSessionLimits(app, {
    sessions: settings.SESSION_RATE_LIMIT,
    guests: settings.GUEST_RATE_LIMIT,
  });
}
