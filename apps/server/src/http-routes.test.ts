import { LEAVE_BEACON_PATH, nodeOfSessionId } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { eventually, RawClient, startTestServer } from './testing/test-server.js';

describe('HTTP routes', () => {
  let server: RunningServer;
  const clients: RawClient[] = [];

  beforeEach(async () => {
    server = await startTestServer({ NODE_ID: 'node-t' });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it('reports health with live counts', async () => {
    const c = new RawClient(server.url, 'websocket');
    clients.push(c);
    await c.join('alpha');
    const body = await (await fetch(`${server.url}/healthz`)).json();
    expect(body).toMatchObject({ status: 'ok', node: 'node-t', connections: 1, players: 1, sectors: 1 });
  });

  it('names this node in every session id and says whether it takes new players', async () => {
    const c = new RawClient(server.url, 'polling');
    clients.push(c);
    await c.join('alpha');
    const sid = c.socket.io.engine.id;
    expect(sid).toMatch(/^node-t\.[A-Za-z0-9_-]{20}$/);
    expect(nodeOfSessionId(sid)).toBe('node-t');
    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { ready: true, node: 'node-t' }]);
  });

  it('says on /readyz when it stops taking new players (a drain), for the load balancer', async () => {
    await server.drain();
    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([404, { ready: false, node: 'node-t' }]);
    // Still up and answering: only new sessions are to go elsewhere.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('exposes Prometheus metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('perihelion_tick_duration_seconds');
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it.each(['polling', 'websocket'] as const)(
    'the unload beacon ends a %s session at once, for everyone',
    async (transport) => {
      const leaver = new RawClient(server.url, transport);
      const watcher = new RawClient(server.url, 'websocket');
      clients.push(leaver, watcher);
      const res = await leaver.join('alpha');
      await watcher.join('alpha');
      if (!res.ok) throw new Error('join refused');
      // sendBeacon posts text/plain.
      const beacon = await fetch(`${server.url}${LEAVE_BEACON_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: JSON.stringify({ token: res.leaveToken }),
      });
      expect(beacon.status).toBe(204);
      await eventually(() => watcher.leftPlayers().includes(res.playerId), 'watcher told the leaver left');
      await eventually(() => !leaver.socket.connected, 'leaver disconnected');
      // The session is over: the same profile comes back, but as a new ship, not the old one.
      const again = new RawClient(server.url, 'websocket', { token: leaver.profileToken });
      clients.push(again);
      const second = await again.join('alpha');
      if (!second.ok) throw new Error('join refused');
      expect(second.playerId).toBe(res.playerId);
      expect(second.handle).not.toBe(res.handle);
    },
  );

  it('rejects a beacon with a bad body or unknown token', async () => {
    const bad = await fetch(`${server.url}${LEAVE_BEACON_PATH}`, { method: 'POST', body: 'nonsense' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'BAD_MESSAGE' });
    const unknown = await fetch(`${server.url}${LEAVE_BEACON_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'l_nope' }),
    });
    expect(unknown.status).toBe(404);
  });
});
