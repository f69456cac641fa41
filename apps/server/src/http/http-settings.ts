import { isIP } from 'node:net';
import { z } from 'zod';

/*
 * The HTTP front door's settings (client addresses, request limits, CORS, access logs), spread into
 * the server's one configuration schema (config.ts) so every variable is still parsed at start and
 * a bad value names its variable.
 */

/** An unset variable and an empty one mean the same: not configured. */
const blankAsUnset = (v: unknown) => (v === '' ? undefined : v);
/** … or, where there is one, the default. */
const blankAs = (fallback: string) => (v: unknown) => (v === '' || v === undefined ? fallback : v);

/** A request limit per client address: at most `max` requests in any window of `windowMs`. */
export interface RateLimit {
  max: number;
  windowMs: number;
  /** As configured ("30/10m"), for messages and logs. */
  text: string;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** "<count>/<window>" such as "60/1m" or "30/10m" (s, m, h), or "off". */
const rateLimit = (fallback: string) =>
  z.preprocess(
    blankAs(fallback),
    z
      .string()
      .trim()
      .regex(
        /^(off|[1-9]\d{0,8}\/[1-9]\d{0,5}[smh])$/,
        'must be "<count>/<window>" such as "30/10m" (s, m, h), or "off"',
      )
      .transform((text): RateLimit | null => {
        if (text === 'off') return null;
        const [count = '', window = ''] = text.split('/');
        const unit = window.slice(-1) as keyof typeof UNIT_MS;
        return { max: Number(count), windowMs: Number(window.slice(0, -1)) * UNIT_MS[unit], text };
      }),
  );

/** A pino level for one kind of access-log line, or "off" for none. */
export const ACCESS_LOG_LEVELS = ['off', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type AccessLogLevel = (typeof ACCESS_LOG_LEVELS)[number];
const accessLogLevel = (fallback: AccessLogLevel) =>
  z.preprocess(blankAs(fallback), z.enum(ACCESS_LOG_LEVELS));

/** proxy-addr's names for address ranges, accepted by fastify's trustProxy. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

/** A comma-separated list, blanks dropped. */
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * The proxies whose X-Forwarded-For is believed: addresses, CIDR ranges or "loopback",
 * "linklocal", "uniquelocal". Unset: nobody's; the client address is the connection's peer.
 */
const trustProxy = z.preprocess(
  blankAsUnset,
  z
    .string()
    .transform(list)
    .refine((entries) => entries.length > 0 && entries.every(isAddressOrRange), {
      message:
        'must be a comma-separated list of proxy addresses or CIDR ranges (e.g. "10.0.0.5,10.1.0.0/16"), or loopback, linklocal, uniquelocal',
    })
    .optional(),
);

/** Whether `origin` is exactly an origin as a browser sends it (scheme, host, port; no path). */
function isOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin;
  } catch {
    return false;
  }
}

/** Origins allowed to call /api from another site, or "*" for any; unset: none (same origin only). */
const corsOrigins = z.preprocess(
  blankAsUnset,
  z
    .string()
    .transform(list)
    .refine((entries) => entries.length > 0 && (entries.join() === '*' || entries.every(isOrigin)), {
      message:
        'must be "*" or a comma-separated list of origins such as "https://play.example.com,http://localhost:5173" (scheme, host and port; no path or trailing slash)',
    })
    .optional(),
);

export const httpSettingsShape = {
  TRUST_PROXY: trustProxy,
  CORS_ORIGINS: corsOrigins,
  /** Every POST /api/session (new guests, renewals, sign-ins) per client address. */
  SESSION_RATE_LIMIT: rateLimit('60/1m'),
  /** New guest profiles per client address (a subset of the requests above). */
  GUEST_RATE_LIMIT: rateLimit('30/10m'),
  /** The page, /api and every other route of the HTTP app. */
  ACCESS_LOG: accessLogLevel('info'),
  /** /healthz, /readyz and /metrics: a load balancer asks every second. */
  ACCESS_LOG_PROBES: accessLogLevel('debug'),
  /** Socket.IO's own HTTP requests: long-polling makes several a second per client. */
  ACCESS_LOG_SOCKETIO: accessLogLevel('off'),
};

const httpSettingsSchema = z.object(httpSettingsShape);
export type HttpSettings = z.infer<typeof httpSettingsSchema>;
