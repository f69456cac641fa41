import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import { LEAVE_BEACON_PATH, leaveBeaconSchema } from '@perihelion/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { applyHttpPolicies, type HttpPolicySettings } from './http/http-policies.js';
import type { HttpSettings } from './http/http-settings.js';
import { registerSessionRoute, type SessionRouteOptions } from './session/session-route.js';

export interface HttpAppOptions {
  logger: Logger;
  webDist: string | null;
  metrics: Registry;
  health: () => Record<string, unknown>;
  /**
   * Whether this node takes new players (false once it drains): GET /readyz answers 200, else
   * 404, which a load balancer's check (HAProxy `http-check disable-on-404`) reads as "send no new
   * sessions, keep the ones it has".
   */
  ready: () => boolean;
  /** This node's id, named by /healthz and /readyz. */
  nodeId: string;
  leave: (token: string) => boolean;
  /** POST /api/session: profiles and signed access tokens. */
  session: Omit<SessionRouteOptions, 'logger' | 'admitGuest'>;
  /** Proxies to believe, CORS for /api, session request limits, access logs (http/http-settings.ts). */
  http: HttpPolicySettings & Pick<HttpSettings, 'TRUST_PROXY'>;
}

/**
 * HTTP side of the single port: health, metrics, sessions, the unload beacon and the built client.
 */
export async function createHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const { session, ...rest } = opts;
  const shell = await createHttpShell(rest);
  await shell.addSessionRoute(session);
  return shell.app;
}

/** The HTTP app before its session route, which needs the store (see createHttpShell). */
export interface HttpShell {
  app: FastifyInstance;
  addSessionRoute(session: HttpAppOptions['session']): Promise<void>;
}

/**
 * Everything of the HTTP app that needs no store, which a restarting server builds while its
 * predecessor still serves (the first Fastify instance of a process alone takes ~150 ms to make).
 * The session route comes later; Fastify takes routes until it listens.
 */
export async function createHttpShell(opts: Omit<HttpAppOptions, 'session'>): Promise<HttpShell> {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    // Fastify's two lines per request are replaced by one access line, by kind (http/access-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4096,
    // req.ip: the connection's peer, unless it is a listed proxy (then from X-Forwarded-For).
    trustProxy: opts.http.TRUST_PROXY ?? false,
  });
  const admitGuest = await applyHttpPolicies(app, opts.http);

  app.get('/healthz', async () => ({
    status: 'ok',
    node: opts.nodeId,
    uptimeSeconds: Math.round(process.uptime()),
    ...opts.health(),
  }));

  app.get('/readyz', async (_req, reply) => {
    const ready = opts.ready();
    reply.code(ready ? 200 : 404);
    return { ready, node: opts.nodeId };
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', opts.metrics.contentType);
    return opts.metrics.metrics();
  });

  // sendBeacon posts text/plain; accept JSON in either content type.
  app.post(LEAVE_BEACON_PATH, async (req, reply) => {
    let body: unknown = req.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        body = null;
      }
    }
    const parsed = leaveBeaconSchema.safeParse(body);
    if (!parsed.success) {
      return reply.code(400).send({ code: 'BAD_MESSAGE', message: 'expected {"token": "<leave token>"}' });
    }
    return opts.leave(parsed.data.token)
      ? reply.code(204).send()
      : reply.code(404).send({ code: 'NOT_FOUND', message: 'no such session' });
  });

  if (opts.webDist && existsSync(opts.webDist)) {
    await app.register(fastifyStatic, { root: opts.webDist, prefix: '/' });
  } else {
    opts.logger.warn({ webDist: opts.webDist }, 'web client not built: run "pnpm build" to serve the game');
    app.get('/', async (_req, reply) =>
      reply
        .type('text/html')
        .send('<h1>Perihelion server</h1><p>The web client is not built. Run <code>pnpm build</code>.</p>'),
    );
  }
  return {
    app,
    addSessionRoute: (session) => registerSessionRoute(app, { ...session, logger: opts.logger, admitGuest }),
  };
}
