import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

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
    /** PostgreSQL connection string; unset = embedded PGlite in DATA_DIR. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /** Where embedded PGlite keeps its files (relative to the working directory); ":memory:" keeps nothing. */
    DATA_DIR: z.string().min(1).default('.data/pglite'),
    /** Game content: "default", "fast" (seconds-long timings for development and tests) or a JSON file of overrides. */
    CONTENT: z.string().min(1).default('default'),
    /** This process's name in the store (who fired a timer); default host and pid. */
    NODE_ID: z.string().min(1).max(64).optional(),
  })
  .refine((c) => c.SNAPSHOT_RATE <= c.TICK_RATE, {
    message: 'must not exceed TICK_RATE',
    path: ['SNAPSHOT_RATE'],
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad value is reported by variable name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const name = i.path.join('.') || '(environment)';
    return `  ${name}=${JSON.stringify(env[name] ?? '')}: ${i.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}
