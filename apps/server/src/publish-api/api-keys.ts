import type { FastifyRequest } from 'fastify';
import { sameSecret } from '../same-secret.js';
import { ApiError } from './api-errors.js';

/** What a caller of the HTTP API may do: backends publish and read, admins also manage members. */
export type ApiScope = 'publish' | 'admin';

export interface ApiKeys {
  /** API_KEY: publish to channels, message players, read history and presence. */
  apiKey: string | undefined;
  /** ADMIN_TOKEN: everything the API key may, plus admin operations (channel membership). */
  adminToken: string | undefined;
}

function bearer(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1] ?? null;
  }
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key.length > 0 ? key : null;
}

/** Which scope the request's key grants; throws the API's 401/403/503 refusals. */
export function authorize(req: FastifyRequest, keys: ApiKeys, needed: ApiScope): ApiScope {
  if (!keys.apiKey && !keys.adminToken) {
    throw new ApiError(
      503,
      'UNAVAILABLE',
      'the publish API is disabled: set API_KEY (or ADMIN_TOKEN) on the server',
    );
  }
  const given = bearer(req);
  if (!given) {
    throw new ApiError(401, 'UNAUTHENTICATED', 'missing API key: send "Authorization: Bearer <API_KEY>"');
  }
  let scope: ApiScope | null = null;
  if (keys.adminToken && sameSecret(given, keys.adminToken)) scope = 'admin';
  else if (keys.apiKey && sameSecret(given, keys.apiKey)) scope = 'publish';
  if (!scope) throw new ApiError(401, 'UNAUTHENTICATED', 'wrong API key');
  if (needed === 'admin' && scope !== 'admin') {
    throw new ApiError(403, 'FORBIDDEN', 'this operation needs the admin token (ADMIN_TOKEN)');
  }
  return scope;
}
