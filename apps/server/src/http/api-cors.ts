import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Where CORS applies: the JSON API, not the page, its assets or the probes. */
const API_PREFIX = '/api/';

/** What a page on an allowed origin may do with /api. */
function apiCors(origins: readonly string[]): FastifyCorsOptions {
  return {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization'],
    // A refused session request says when to try again; the page's script may read it.
    exposedHeaders: ['retry-after'],
    // Sessions and the publish API use bearer tokens in headers or bodies, never cookies.
    credentials: false,
    // Browsers cache a preflight this long (seconds), so a page does not ask before every request.
    maxAge: 600,
  };
}

function isApi(req: FastifyRequest): boolean {
  const path = req.url.split('?', 1)[0] ?? '';
  return path.startsWith(API_PREFIX);
}

/**
 * Lets pages served from `origins` call /api (sessions, the publish API) from their own origin:
 * the page hosted elsewhere than the game server (`?server=<origin>`), a studio's tools. Called
 * only when CORS_ORIGINS is set: otherwise no CORS header is ever sent and the browser keeps other
 * sites out. Preflights (OPTIONS) for /api are answered here; for any other path they get 404.
 */
export async function registerApiCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const forApi = apiCors(origins);
  await app.register(cors, {
    delegator: (req, cb) => cb(null, isApi(req) ? forApi : { origin: false }),
  });
}
