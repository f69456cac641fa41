import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { httpAppWith } from '../testing/http-app-fixture.js';

const PAGE = 'https://play.example.com';

function preflight(app: FastifyInstance, url: string, origin: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'OPTIONS',
    url,
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
}

function postSession(app: FastifyInstance, origin: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/session', headers: { origin }, payload: {} });
}

describe('CORS for /api', () => {
  const apps: FastifyInstance[] = [];
  const app = async (env: Record<string, string>) => {
    const made = await httpAppWith({ SESSION_RATE_LIMIT: 'off', GUEST_RATE_LIMIT: 'off', ...env });
    apps.push(made);
    return made;
  };
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  it('is off by default: no CORS header, and preflights are not answered', async () => {
    const a = await app({});
    const pre = await preflight(a, '/api/session', PAGE);
    expect(pre.statusCode).toBe(404);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const res = await postSession(a, PAGE);
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets a listed origin call /api, and no other', async () => {
    const a = await app({ CORS_ORIGINS: `${PAGE},http://localhost:5173` });
    const pre = await preflight(a, '/api/session', PAGE);
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(PAGE);
    expect(pre.headers['access-control-allow-methods']).toContain('POST');
    expect(pre.headers['access-control-allow-headers']).toContain('content-type');
    const res = await postSession(a, PAGE);
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(PAGE);
    expect(res.headers['access-control-expose-headers']).toBe('retry-after');

    const stranger = await postSession(a, 'https://elsewhere.example');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(a, '/api/session', 'https://elsewhere.example')).headers).not.toHaveProperty(
      'access-control-allow-origin',
    );
  });

  it('stays off outside /api (the page, the probes)', async () => {
    const a = await app({ CORS_ORIGINS: PAGE });
    const health = await a.inject({ method: 'GET', url: '/healthz', headers: { origin: PAGE } });
    expect(health.statusCode).toBe(200);
    expect(health.headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(a, '/healthz', PAGE)).statusCode).toBe(404);
  });

  it('allows any origin with "*"', async () => {
    const a = await app({ CORS_ORIGINS: '*' });
    expect((await postSession(a, 'https://anyone.example')).headers['access-control-allow-origin']).toBe('*');
  });

  it('puts its headers on a refusal too, so the page can read it and its Retry-After', async () => {
    const a = await app({ CORS_ORIGINS: PAGE, SESSION_RATE_LIMIT: '1/1m' });
    expect((await postSession(a, PAGE)).statusCode).toBe(200);
    const refused = await postSession(a, PAGE);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['access-control-allow-origin']).toBe(PAGE);
    expect(refused.headers['retry-after']).toBeDefined();
  });
});
