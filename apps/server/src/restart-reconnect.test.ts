import { afterEach, describe, expect, it } from 'vitest';
import { ProbePilot } from './dev/probe-pilot.js';
import type { RunningServer } from './server.js';
import { freePort } from './testing/free-port.js';
import { freshDataDir } from './testing/server-process.js';
import { eventually, startTestServer } from './testing/test-server.js';

/** Generous: a fresh store's first start and a reconnect on a busy machine. */
const GUARD_MS = 60_000;

describe('a player whose server restarts alone (a deploy, pnpm dev)', () => {
  const servers: RunningServer[] = [];
  const pilots: ProbePilot[] = [];
  afterEach(async () => {
    for (const pilot of pilots.splice(0)) pilot.close();
    for (const server of servers.splice(0)) await server.close().catch(() => {});
  });

  it('looks for it often while it is away, comes back where it stopped, then backs off as before', async () => {
    const env = { DATA_DIR: freshDataDir(), PORT: String(await freePort()) };
    const first = await startTestServer(env);
    servers.push(first);
    const pilot = new ProbePilot(first.url, 'home-port');
    pilots.push(pilot);
    await eventually(() => pilot.connected, 'joined', GUARD_MS);
    const stopped = await pilot.flyAndStop();
    const manager = pilot.client.link.manager;
    const usual = { delay: manager.reconnectionDelay(), max: manager.reconnectionDelayMax() };
    let attempts = 0;
    manager.on('reconnect_attempt', () => attempts++);

    // Stopping alone, it saves the sector and tells its players the sector moves (to no node in
    // particular), then closes: the same player is expected back on the same address.
    servers.splice(0);
    await first.close();
    await eventually(() => attempts >= 3, 'attempts at a server that is away', GUARD_MS);
    expect(pilot.client.status).toBe('reconnecting');
    expect(manager.reconnectionDelay()).toBeLessThan(usual.delay);
    expect(manager.reconnectionDelayMax()).toBeLessThan(usual.delay);

    const second = await startTestServer(env);
    servers.push(second);
    await eventually(() => pilot.connected, 'back in its sector', GUARD_MS);
    const ship = pilot.ship();
    expect(ship?.[0]).toBeCloseTo(stopped[0], 1);
    expect(ship?.[1]).toBeCloseTo(stopped[1], 1);
    // A later outage is a network's, not a restart's: the usual backoff again.
    expect(manager.reconnectionDelay()).toBe(usual.delay);
    expect(manager.reconnectionDelayMax()).toBe(usual.max);
  });
});
