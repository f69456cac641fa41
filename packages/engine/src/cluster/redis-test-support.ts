import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { probeRedis } from './redis-probe.js';

/**
 * Test support: suites that need Redis run against TEST_REDIS_URL and skip, saying why, where it
 * is unset or unreachable. Where the services are required (CI sets PERIHELION_REQUIRE_SERVICES=1)
 * an unreachable Redis is an error instead.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? '';

export async function redisSkipReason(url: string = TEST_REDIS_URL): Promise<string | null> {
  const reason = await testRedisProblem(url);
  if (reason && process.env.PERIHELION_REQUIRE_SERVICES === '1') {
    throw new Error(`Redis is required here (PERIHELION_REQUIRE_SERVICES=1) but: ${reason}`);
  }
  if (reason) console.warn(`[skip] Redis tests: ${reason}`);
  return reason;
}

async function testRedisProblem(url: string): Promise<string | null> {
  if (!url) return 'TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)';
  const problem = await probeRedis(url);
  return problem && `Redis at TEST_REDIS_URL is not reachable: ${problem.message}`;
}

/** A key prefix of its own, so test files running at once on one Redis never meet. */
export function testRedisPrefix(): string {
  return `perihelion-test-${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under the prefix. */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.del(keys);
  } finally {
    client.destroy();
  }
}
