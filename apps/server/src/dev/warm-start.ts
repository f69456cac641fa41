import { WARM_START_ENV } from './dev-protocol.js';
import { holdChannel, sendToRunner, waitForRunner } from './runner-channel.js';

/**
 * Runs `start` (open the store, listen) at once, or, in a process the dev runner started, only
 * when the runner says so. The caller has done every import and built everything that needs no
 * store by then (prepareServer), so the slow part of a restart happens while the previous server
 * still serves; `start` waits for that server to have stopped, because the embedded store serves
 * one process at a time.
 */
export async function startWhenTold<T extends { url: string }>(start: () => Promise<T>): Promise<T> {
  if (process.env[WARM_START_ENV] !== '1' || !process.send) return start();
  holdChannel(true);
  sendToRunner({ type: 'warm' });
  await waitForRunner('go');
  holdChannel(false);
  const server = await start();
  sendToRunner({ type: 'live', url: server.url });
  return server;
}
