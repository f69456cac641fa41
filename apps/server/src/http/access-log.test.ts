import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server.js';
import { capturingLogger, httpAppWith } from '../testing/http-app-fixture.js';
import { eventually, RawClient, startTestServer } from '../testing/test-server.js';
import { redactSessionId, socketIoAccessLog } from './access-log.js';

const INFO = 30;
const DEBUG = 20;
const WARN = 40;

type Line = Record<string, unknown>;
const accessLines = (lines: Line[], msg = 'http request') => lines.filter((l) => l.msg === msg);

describe('HTTP access log', () => {
  const apps: FastifyInstance[] = [];
  const app = async (env: Record<string, string>) => {
    const { logger, lines } = capturingLogger();
    const made = await httpAppWith({ SESSION_RATE_LIMIT: 'off', GUEST_RATE_LIMIT: 'off', ...env }, logger);
    apps.push(made);
    return { app: made, lines };
  };
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
  });

  it('writes one line per request with method, url, status, time and address; probes at debug', async () => {
    const { app: a, lines } = await app({});
    await a.inject({ method: 'POST', url: '/api/session', payload: {}, remoteAddress: '203.0.113.9' });
    await a.inject({ method: 'GET', url: '/nowhere?x=1' });
    await a.inject({ method: 'GET', url: '/readyz' });
    const [session, missing, probe, ...more] = accessLines(lines);
    expect(more).toEqual([]);
    expect(session).toMatchObject({
      level: INFO,
      method: 'POST',
      url: '/api/session',
      status: 200,
      ip: '203.0.113.9',
    });
    expect(session?.ms).toEqual(expect.any(Number));
    expect(session?.reqId).toEqual(expect.any(String));
    expect(missing).toMatchObject({ level: INFO, method: 'GET', url: '/nowhere?x=1', status: 404 });
    expect(probe).toMatchObject({ level: DEBUG, url: '/readyz', status: 200 });
  });

  it('takes a level per kind of request, or none', async () => {
    const loud = await app({ ACCESS_LOG: 'warn', ACCESS_LOG_PROBES: 'info' });
    await loud.app.inject({ method: 'GET', url: '/healthz' });
    await loud.app.inject({ method: 'POST', url: '/api/session', payload: {} });
    expect(accessLines(loud.lines).map((l) => [l.url, l.level])).toEqual([
      ['/healthz', INFO],
      ['/api/session', WARN],
    ]);

    const quiet = await app({ ACCESS_LOG: 'off', ACCESS_LOG_PROBES: 'off' });
    await quiet.app.inject({ method: 'GET', url: '/healthz' });
    await quiet.app.inject({ method: 'POST', url: '/api/session', payload: {} });
    expect(accessLines(quiet.lines)).toEqual([]);
  });

  it('logs a refused request with its status', async () => {
    const { app: a, lines } = await app({ SESSION_RATE_LIMIT: '1/1m' });
    for (let i = 0; i < 2; i++) await a.inject({ method: 'POST', url: '/api/session', payload: {} });
    expect(accessLines(lines).map((l) => l.status)).toEqual([200, 429]);
  });
});

describe('Socket.IO access log', () => {
  let server: RunningServer | null = null;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    server = null;
  });

  it('is off by default: no middleware at all', () => {
    expect(socketIoAccessLog(capturingLogger().logger, 'off')).toBeNull();
  });

  it('logs long-polling requests when they end and WebSocket upgrades as they come, sid hidden', async () => {
    const { logger, lines } = capturingLogger('info');
    server = await startTestServer({ ACCESS_LOG_SOCKETIO: 'info' }, logger);
    const polling = new RawClient(server.url, 'polling');
    const ws = new RawClient(server.url, 'websocket');
    clients.push(polling, ws);
    await polling.join('alpha');
    await ws.join('alpha');
    const sid = polling.socket.io.engine.id;
    const polls = () => accessLines(lines, 'socket.io request').filter((l) => l.transport === 'polling');
    // The handshake GET, then the POSTs that carried the join: all ended by now or soon.
    await eventually(() => polls().some((l) => l.method === 'POST'), 'a long-polling POST logged');
    for (const line of polls()) {
      expect(line).toMatchObject({ level: INFO, status: 200, peer: expect.stringContaining('127.0.0.1') });
      expect(line.ms).toEqual(expect.any(Number));
      expect(String(line.url)).toMatch(/^\/socket\.io\/\?/);
      expect(String(line.url)).not.toContain(sid);
    }
    const upgrade = await eventually(
      () => accessLines(lines, 'socket.io request').find((l) => l.transport === 'websocket'),
      'the WebSocket upgrade logged',
    );
    expect(upgrade).toMatchObject({ method: 'GET', upgrade: 'websocket' });
  });

  it('keeps only the node of a session id', () => {
    expect(redactSessionId('/socket.io/?EIO=4&transport=polling&sid=node-1.AbC_dEf123')).toBe(
      '/socket.io/?EIO=4&transport=polling&sid=node-1.…',
    );
    expect(redactSessionId('/socket.io/?sid=AbCdEf&t=1')).toBe('/socket.io/?sid=…&t=1');
    expect(redactSessionId('/socket.io/?EIO=4&transport=polling')).toBe(
      '/socket.io/?EIO=4&transport=polling',
    );
  });
});
