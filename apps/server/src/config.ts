import { z } from 'zod';
import { httpSettingsShape } from './http/http-settings.js';
import { checkOidcConfig, oidcConfigShape } from './session/oidc-config.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
/** An unset variable and an empty one mean the same: not configured. */
const unsetIfEmpty = z.literal('').transform(() => undefined);
const optionalSetting = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** Never echoed back in an error message (logs are read by more people than the secrets are). */
const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'AUTH_SECRET',
  'ADMIN_TOKEN',
  'API_KEY',
  // Connection URLs may carry a password.
  'DATABASE_URL',
  'REDIS_URL',
]);

/** Every setting comes from the environment, parsed once at start by this schema. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
    PORT: port.default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Pretty, human-readable logs instead of JSON lines. */
    LOG_PRETTY: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    /** Built web client to serve at "/"; empty disables serving it (e.g. with the Vite dev server). */
    WEB_DIST: z.string().default(''),
    TICK_RATE: positiveInt.max(120).default(30),
    SNAPSHOT_RATE: positiveInt.max(60).default(15),
    SECTOR_CAPACITY: positiveInt.max(5000).default(300),
    MAX_SECTORS: positiveInt.max(10_000).default(64),
    RESUME_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
    PING_INTERVAL_MS: positiveInt.default(5000),
    PING_TIMEOUT_MS: positiveInt.default(5000),
    MEMBER_SILENCE_MS: positiveInt.default(15_000),
    /** PostgreSQL connection string; unset = embedded PGlite in DATA_DIR. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional()
      .or(unsetIfEmpty),
    /**
     * Redis for a cluster of nodes (the bus between them); unset = one node, everything in
     * process. Every node of one cluster uses the same Redis and the same DATABASE_URL.
     */
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional()
      .or(unsetIfEmpty),
    /** Prefix of every Redis key and channel of this cluster, so several clusters can share one Redis. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:._-]{1,64}$/, 'must be 1–64 letters, digits or ":._-"')
      .default('perihelion:'),
    /** Where embedded PGlite keeps its files (relative to the working directory); ":memory:" keeps nothing. */
    DATA_DIR: z.string().min(1).default('.data/pglite'),
    /** Game content: "default", "fast" (seconds-long timings for development and tests) or a JSON file of overrides. */
    CONTENT: z.string().min(1).default('default'),
    /**
     * Whether saved edits of the content files apply to the running server (no restart, no
     * reconnect). Default: on in development (NODE_ENV=development), off otherwise.
     */
    CONTENT_WATCH: optionalSetting(z.enum(['on', 'off'])),
    /**
     * Who may tune the content live (POST /api/tuning; the page's tuning panel): "admin" (sessions
     * with the admin role, or the ADMIN_TOKEN), "open" (any signed-in player: development only,
     * the default there) or "off". Default: "open" in development, "admin" otherwise.
     */
    TUNING: optionalSetting(z.enum(['admin', 'open', 'off'])),
    /**
     * Whether this node fires durable timers (constructions, raids). In a cluster any node may fire
     * any timer, exactly once, and the change reaches the node that runs the sector over the bus;
     * "off" keeps a node to serving players (at least one node of a universe must keep it on).
     */
    TIMERS: z.enum(['on', 'off']).default('on'),
    /** This process's name in the cluster and the store (who fired a timer); default host and pid. */
    NODE_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "-" or "_"')
      .optional(),
    /**
     * Secret that signs session tokens (every node of one deployment needs the same). Unset: a
     * random one is generated once and kept in AUTH_SECRET_FILE, so sessions survive restarts.
     */
    AUTH_SECRET: optionalSetting(z.string().min(32, 'must be at least 32 characters')),
    /**
     * Where the generated secret is kept (mode 0600). Default: "auth-secret" next to the data
     * (.data/auth-secret for the default DATA_DIR); with DATA_DIR=":memory:" the secret lives in
     * memory only, like the data.
     */
    AUTH_SECRET_FILE: optionalSetting(z.string()),
    /** Lifetime of an access token in seconds; clients renew it before it runs out. */
    SESSION_TTL_S: z.coerce.number().int().min(2).max(86_400).default(900),
    /** Presenting this to POST /api/session gives the admin role (e.g. posting announcements). */
    ADMIN_TOKEN: optionalSetting(z.string().min(16, 'must be at least 16 characters')),
    /** Key for the publish API (Authorization: Bearer …); unset = only ADMIN_TOKEN may use it. */
    API_KEY: optionalSetting(z.string().min(16, 'must be at least 16 characters')),
    /** Messages kept per channel; a client further behind is told it missed some and reloads. */
    CHAT_RETENTION: positiveInt.max(100_000).default(500),
    /** Chat messages a player may send per second, sustained … */
    CHAT_RATE_PER_S: z.coerce.number().positive().max(100).default(1),
    /** … and in a burst. */
    CHAT_BURST: positiveInt.max(1000).default(5),
    /** How long a player who dropped stays listed in a channel's presence, waiting for a reconnect. */
    PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(3000),
    /** Client addresses behind a proxy, request limits, CORS and access logs (http/http-settings.ts). */
    ...httpSettingsShape,
    /** Sign-in from an identity provider, OpenID Connect (session/oidc-config.ts); unset: guests only. */
    ...oidcConfigShape,
  })
  .refine((c) => !c.REDIS_URL || c.DATABASE_URL, {
    message: 'a cluster (REDIS_URL) keeps its data in PostgreSQL: set DATABASE_URL too',
    path: ['DATABASE_URL'],
  })
  .refine((c) => c.SNAPSHOT_RATE <= c.TICK_RATE, {
    message: 'must not exceed TICK_RATE',
    path: ['SNAPSHOT_RATE'],
  })
  .superRefine(checkOidcConfig);

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value is reported by variable name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const name = i.path.join('.') || '(environment)';
    const value = env[name] ?? '';
    const shown = SECRET_VARIABLES.has(name) ? `(hidden, ${value.length} characters)` : JSON.stringify(value);
    return `  ${name}=${shown}: ${i.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}
