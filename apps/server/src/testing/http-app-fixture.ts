import { Writable } from 'node:stream';
import { EphemeralIdentities, SessionTokens } from '@perihelion/engine';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { configSchema } from '../config.js';
import { createHttpApp } from '../http-app.js';

/**
 * The server's HTTP app alone (no store, no Socket.IO): in-memory guests and real session tokens,
 * configured from environment variables as the server is. For tests of what happens to every
 * request (limits, CORS, access logs) through `app.inject`, which can also set the client address.
 */
export async function httpAppWith(
  env: Record<string, string>,
  logger: Logger = pino({ level: 'silent' }),
): Promise<FastifyInstance> {
  const config = configSchema.parse(env);
  let guests = 0;
  return createHttpApp({
    logger,
    // No page to serve (it would only add a warning and the placeholder page).
    webDist: null,
    metrics: new Registry(),
    health: () => ({}),
    ready: () => true,
    nodeId: 'node-t',
    leave: () => false,
    session: {
      identities: new EphemeralIdentities(() => `Guest-${++guests}`),
      tokens: new SessionTokens({ secret: 'a-test-secret-of-at-least-32-bytes!!', ttlSeconds: 60 }),
      adminToken: undefined,
    },
    http: config,
  });
}

/** A pino logger at `level` whose lines are kept, parsed, in `lines`. */
export function capturingLogger(level: pino.LevelWithSilent = 'trace'): {
  logger: Logger;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text.trim() !== '') lines.push(JSON.parse(text) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}
