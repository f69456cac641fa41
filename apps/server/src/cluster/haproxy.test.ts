import { nodeOfSessionId } from '@perihelion/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server.js';
import { freePort } from '../testing/free-port.js';
import { eventuallyAsync, startTestServer } from '../testing/test-server.js';
import { haproxyConfig } from './haproxy-config.js';
import { HaproxyProcess } from './haproxy-process.js';
import { haproxySkipReason, requestFrom } from './haproxy-test-support.js';

const skip = haproxySkipReason();
const GUARD_MS = 60_000;
const POLLING = '/socket.io/?EIO=4&transport=polling';

/** Opens an Engine.IO long-polling session through the balancer; returns its id. */
async function handshake(from: string, base: string, query = ''): Promise<string> {
  const res = await requestFrom(from, `${base}${POLLING}${query}`);
  expect(res.status).toBe(200);
  const open = /^0(\{.*\})/.exec(res.body);
  if (!open) throw new Error(`no Engine.IO open packet: ${res.body}`);
  return (JSON.parse(open[1]!) as { sid: string }).sid;
}

describe('haproxyConfig', () => {
  it('routes sessions by the node their id starts with, and checks /readyz', () => {
    const text = haproxyConfig({
      bind: { host: '0.0.0.0', port: 443 },
      tlsPem: '/etc/haproxy/site.pem',
      nodes: [
        { id: 'node-1', host: '10.0.0.1', port: 3000 },
        { id: 'node-2', host: '10.0.0.2', port: 3000 },
      ],
    });
    expect(text).toContain('bind 0.0.0.0:443 ssl crt /etc/haproxy/site.pem');
    expect(text).toContain('use-server %[url_param(sid),field(1,.)] if { url_param(sid) -m found }');
    expect(text).toContain('option httpchk GET /readyz');
    expect(text).toContain('http-check disable-on-404');
    expect(text).toContain('server node-2 10.0.0.2:3000 check');
    expect(() => haproxyConfig({ bind: { host: '::', port: 80 }, nodes: [] })).toThrow(/at least one node/);
    expect(() =>
      haproxyConfig({ bind: { host: '::', port: 80 }, nodes: [{ id: 'a b', host: 'h', port: 1 }] }),
    ).toThrow(/bad node id/);
  });
});

describe.skipIf(skip !== null)('HAProxy in front of two nodes', () => {
  const nodes: RunningServer[] = [];
  let haproxy: HaproxyProcess | null = null;

  beforeAll(async () => {
    nodes.push(await startTestServer({ NODE_ID: 'n1' }));
    nodes.push(await startTestServer({ NODE_ID: 'n2' }));
    haproxy = await HaproxyProcess.start({
      bind: { host: '127.0.0.1', port: await freePort() },
      nodes: nodes.map((n, i) => ({ id: `n${i + 1}`, host: '127.0.0.1', port: n.port })),
    });
  });
  afterAll(async () => {
    await haproxy?.stop();
    for (const node of nodes.splice(0)) await node.close().catch(() => {});
  });

  it('spreads new sessions over the nodes that are ready', async () => {
    const base = haproxy!.url;
    const seen = new Set<string | null>();
    await eventuallyAsync(
      async () => {
        seen.add(nodeOfSessionId(await handshake('127.0.0.2', base)));
        return seen.has('n1') && seen.has('n2');
      },
      'sessions on both nodes',
      GUARD_MS,
    );
  });

  it('keeps every long-polling request of a session on its node, from two client addresses', async () => {
    const base = haproxy!.url;
    const sid = await handshake('127.0.0.2', base);
    for (let i = 0; i < 6; i++) {
      const from = i % 2 === 0 ? '127.0.0.3' : '127.0.0.2';
      // "3" is a pong: any packet of a live session is answered "ok"; an unknown session gets 400.
      const res = await requestFrom(from, `${base}${POLLING}&sid=${sid}`, { method: 'POST', body: '3' });
      expect([from, res.status, res.body]).toEqual([from, 200, 'ok']);
    }
    // The next poll, held until the node pings (its heartbeat), also from the other address.
    const poll = await requestFrom('127.0.0.3', `${base}${POLLING}&sid=${sid}`);
    expect([poll.status, poll.body]).toEqual([200, '2']);
  });

  it('sends a new connection to the node it asks for (?node=)', async () => {
    const base = haproxy!.url;
    // Repeats: round-robin alone would alternate.
    for (const node of ['n2', 'n2', 'n2', 'n1', 'n1', 'n1']) {
      expect(nodeOfSessionId(await handshake('127.0.0.2', base, `&node=${node}`))).toBe(node);
    }
  });
});
