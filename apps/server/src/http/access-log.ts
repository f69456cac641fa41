import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessLogLevel } from './http-settings.js';

/*
 * One JSON line per HTTP request, after its response: method, url, status, response time (ms) and
 * the client address. Fastify's own request logging (two lines per request, "incoming request" and
 * "request completed") stays off; this is its replacement, with a level per kind of request so the
 * lines that matter are not buried: a load balancer checks /readyz every second, and Socket.IO's
 * long-polling makes several requests a second per client.
 */

export interface AccessLogLevels {
  /** The page, /api and every other route. */
  http: AccessLogLevel;
  /** /healthz, /readyz, /metrics. */
  probes: AccessLogLevel;
}

/** Routes that machines ask on a schedule (health checks, scrapes). */
const PROBE_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

type LogLevel = Exclude<AccessLogLevel, 'off'>;
/** What is needed of a logger here (pino's, or fastify's per-request child of it). */
export type LevelLogger = Record<LogLevel, (line: object, msg: string) => void>;

function write(log: LevelLogger, level: LogLevel, line: Record<string, unknown>, msg: string): void {
  log[level](line, msg);
}

/** Adds the access log to every route of `app` (a root hook, so 404s and early replies count too). */
export function addAccessLog(app: FastifyInstance, levels: AccessLogLevels): void {
  if (levels.http === 'off' && levels.probes === 'off') return;
  app.addHook('onResponse', async (req: FastifyRequest, reply) => {
    const route = req.routeOptions.url;
    const level = route !== undefined && PROBE_ROUTES.has(route) ? levels.probes : levels.http;
    if (level === 'off') return;
    write(
      req.log,
      level,
      {
        method: req.method,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: req.ip,
      },
      'http request',
    );
  });
}

/** An Engine.IO middleware (`io.engine.use`): it sees every HTTP request Socket.IO handles. */
export type EngineMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (err?: Error) => void,
) => void;

/**
 * Access lines for Socket.IO's own requests, which never reach fastify's routes (Engine.IO takes
 * them off the HTTP server first): long-polling GETs and POSTs when they end (a GET is held until
 * there is something to send, up to the heartbeat interval, so its time is mostly waiting), and
 * WebSocket upgrades when they arrive (an upgraded connection has no response to time). Null when
 * off: then no middleware is installed and Socket.IO's requests cost nothing extra.
 *
 * `peer` is the connection's address and `forwardedFor` the X-Forwarded-For header as received:
 * which proxies to believe is fastify's setting (TRUST_PROXY), applied to the `ip` of HTTP lines.
 */
export function socketIoAccessLog(logger: LevelLogger, level: AccessLogLevel): EngineMiddleware | null {
  if (level === 'off') return null;
  return (req, res, next) => {
    const started = performance.now();
    const url = redactSessionId(req.url ?? '');
    const base = {
      method: req.method,
      url,
      transport: transportOf(url),
      peer: req.socket.remoteAddress,
      ...(req.headers['x-forwarded-for'] ? { forwardedFor: req.headers['x-forwarded-for'] } : {}),
    };
    if (req.headers.upgrade !== undefined) {
      write(logger, level, { ...base, upgrade: req.headers.upgrade }, 'socket.io request');
    } else {
      res.once('close', () => {
        const ms = Math.round((performance.now() - started) * 10) / 10;
        // Closed before the response was sent: the client went away (or the server is stopping).
        const status = res.writableFinished ? res.statusCode : 'aborted';
        write(logger, level, { ...base, status, ms }, 'socket.io request');
      });
    }
    next();
  };
}

/**
 * A session id lets whoever holds it send and receive as that connection over long-polling: only
 * the node it names (the part before the dot) is kept.
 */
export function redactSessionId(url: string): string {
  return url.replace(/([?&]sid=)([^&.]*)(\.[^&]*)?/, (_m, key: string, node: string, rest?: string) =>
    rest ? `${key}${node}.…` : `${key}…`,
  );
}

function transportOf(url: string): string | undefined {
  return /[?&]transport=([a-z]+)/.exec(url)?.[1];
}
