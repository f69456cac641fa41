import { createClient } from 'redis';

/**
 * Whether Redis answers at `url`: null when it does (connects and replies to PING within 3 s), else
 * the error that stopped it, for the caller to put in its own words (its message names the cause
 * but not the URL, which may hold a password). A URL that cannot be parsed throws.
 */
export async function probeRedis(url: string): Promise<Error | null> {
  const client = createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (err) {
    return err as Error;
  } finally {
    if (client.isOpen) client.destroy();
  }
}
