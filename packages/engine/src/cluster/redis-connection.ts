import { createClient } from 'redis';
import type { BusErrorReporter } from './bus.js';

export type RedisClient = ReturnType<typeof createClient>;

/** Waits between attempts to reconnect to Redis. */
const RECONNECT_MS = [50, 100, 200, 500, 1000, 2000] as const;

export interface RedisConnectionOptions {
  url: string;
  /** Shown by CLIENT LIST, so an operator sees which node holds which connection. */
  name: string;
  report: BusErrorReporter;
  /** Closes a connection silent this long (a half-open TCP connection is noticed and replaced). */
  socketTimeoutMs?: number;
  /** Commands kept while Redis is away; beyond it they fail (and are reported) instead of piling up. */
  queueLimit?: number;
}

/**
 * One connection to Redis. A node that cannot reach Redis at start is told so at once (the promise
 * rejects, naming the cause but not the URL, which may hold a password); one that loses it later
 * keeps reconnecting, reporting each failure.
 */
export async function openRedis(opts: RedisConnectionOptions): Promise<RedisClient> {
  let established = false;
  const client = createClient({
    url: opts.url,
    name: opts.name,
    ...(opts.queueLimit !== undefined ? { commandsQueueMaxLength: opts.queueLimit } : {}),
    socket: {
      ...(opts.socketTimeoutMs !== undefined ? { socketTimeout: opts.socketTimeoutMs } : {}),
      reconnectStrategy: (retries: number, cause: Error) =>
        established ? (RECONNECT_MS[Math.min(retries, RECONNECT_MS.length - 1)] ?? 2000) : cause,
    },
  });
  let failure: unknown = null;
  client.on('error', (err: unknown) => {
    if (established) opts.report(err, `redis connection ${opts.name}`);
    else failure = err;
  });
  try {
    await client.connect();
  } catch (err) {
    if (client.isOpen) client.destroy();
    throw new Error(`cannot reach Redis (REDIS_URL): ${((failure ?? err) as Error).message}`);
  }
  established = true;
  return client;
}

/** Closes gracefully (pending commands first) unless that takes longer than `graceMs`, then drops it. */
export async function closeRedis(client: RedisClient, graceMs: number): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) {
    client.destroy();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  const outcome = await Promise.race([client.close().then(() => 'closed' as const), late]).catch(
    () => 'late',
  );
  clearTimeout(timer);
  if (outcome === 'late' && client.isOpen) client.destroy();
}
