import rateLimit from '@fastify/rate-limit';
import { SESSION_PATH } from '@perihelion/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../http-errors.js';
import type { RateLimit } from './http-settings.js';

/*
 * Per-client-address limits on POST /api/session, counted by @fastify/rate-limit (in this
 * process: with several nodes behind a round-robin balancer, an address gets up to the limit on
 * each). The address is fastify's `req.ip`, which believes X-Forwarded-For only from TRUST_PROXY;
 * IPv6 addresses count per /64, as one household or phone usually holds a whole /64.
 */

/** A refusal for now: the client may try again after `retryAfterS` seconds. */
export class TooManyRequests extends Error {
  constructor(
    readonly retryAfterS: number,
    message: string,
  ) {
    super(message);
  }
}

/** 429 with the usual error body ({error: {code, message}}) and Retry-After in seconds. */
export function sendTooManyRequests(reply: FastifyReply, refusal: TooManyRequests): FastifyReply {
  reply.header('retry-after', String(refusal.retryAfterS));
  return sendError(reply, 429, 'RATE_LIMITED', refusal.message);
}

/**
 * Resolves when the request's address may have one more new guest profile (and counts it);
 * rejects with TooManyRequests when it may not.
 */
export type GuestGate = (req: FastifyRequest) => Promise<void>;

export interface SessionLimitSettings {
  /** Every session request; null: no limit. */
  sessions: RateLimit | null;
  /** New guest profiles; null: no limit. */
  guests: RateLimit | null;
}

/**
 * Every session request is counted as it arrives, before its body is read. New guests are
 * counted where one is about to be created (see the GuestGate the session route hands to the
 * identity provider), not by looking at the request: a request with a profile token the store
 * does not know makes a guest too, and must not be a way around the limit.
 */
export async function registerSessionLimits(
  app: FastifyInstance,
  settings: SessionLimitSettings,
): Promise<GuestGate | null> {
  const { sessions, guests } = settings;
  if (!sessions && !guests) return null;
  // global: false: no route is limited unless asked; the limiters below are called by hand.
  await app.register(rateLimit, { global: false });

  if (sessions) {
    const check = app.createRateLimit({ max: sessions.max, timeWindow: sessions.windowMs });
    app.addHook('onRequest', async (req, reply) => {
      if (req.method !== 'POST' || req.routeOptions.url !== SESSION_PATH) return;
      const refusal = await refusalOf(check, req, `session requests (${sessions.text})`);
      if (refusal) return sendTooManyRequests(reply, refusal);
    });
  }

  if (!guests) return null;
  const checkGuests = app.createRateLimit({ max: guests.max, timeWindow: guests.windowMs });
  return async (req) => {
    const refusal = await refusalOf(checkGuests, req, `new guest profiles (${guests.text})`);
    if (refusal) throw refusal;
  };
}

type Check = ReturnType<FastifyInstance['createRateLimit']>;

/** Counts the request; a refusal when it went over the limit. */
async function refusalOf(check: Check, req: FastifyRequest, what: string): Promise<TooManyRequests | null> {
  const limit = await check(req);
  if (limit.isAllowed || !limit.isExceeded) return null;
  const retryAfterS = Math.max(1, limit.ttlInSeconds);
  return new TooManyRequests(
    retryAfterS,
    `too many ${what} from this address: try again in ${retryAfterS} s`,
  );
}
