import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GAME_NAMESPACE, PROTOCOL_VERSION, perihelionParser } from '@perihelion/protocol';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionTokens } from '../auth/session-tokens.js';
import { attachRealtime, type Realtime } from '../realtime.js';
import { StillWorld } from '../rooms/still-world.test-support.js';

const tokens = new SessionTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256', ttlSeconds: 600 });

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GameGateway', () => {
  let http: HttpServer;
  let realtime: Realtime;
  let url: string;
  const sockets: Socket[] = [];
  const changes: [string, string | null][] = [];

  beforeEach(async () => {
    changes.length = 0;
    http = createServer();
    realtime = attachRealtime({
      httpServer: http,
      logger: pino({ level: 'silent' }),
      createSimulation: () => new StillWorld(),
      tickRate: 30,
      snapshotRate: 15,
      sectorCapacity: 10,
      maxSectors: 10,
      resumeGraceMs: 300,
      pingIntervalMs: 5000,
      pingTimeoutMs: 5000,
      authenticator: tokens,
      hooks: { sectorChanged: (playerId, sector) => changes.push([playerId, sector]) },
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await realtime.close();
  });

  async function connect(playerId: string, auth?: object): Promise<Socket> {
    const { accessToken } = await tokens.issue({ playerId, name: playerId, role: 'player' });
    const socket = io(`${url}${GAME_NAMESPACE}`, {
      forceNew: true,
      reconnection: false,
      transports: ['websocket'],
      parser: perihelionParser,
      auth: auth ?? { protocol: PROTOCOL_VERSION, accessToken },
    });
    sockets.push(socket);
    return socket;
  }

  it('admits by access token and says who the session is', async () => {
    const socket = await connect('p_ann');
    const identity = await new Promise((resolve) => socket.once('identity', resolve));
    expect(identity).toEqual({ playerId: 'p_ann', name: 'p_ann', role: 'player' });
  });

  it('refuses a handshake without a token, with the reason as connect_error data', async () => {
    const socket = await connect('p_ann', { protocol: PROTOCOL_VERSION });
    const err = await new Promise<{ data?: { code: string; message: string } }>((resolve) =>
      socket.once('connect_error', resolve),
    );
    expect(err.data?.code).toBe('UNAUTHENTICATED');
    expect(err.data?.message).toMatch(/sign in first/);
  });

  it('writes deltas straight to an idle WebSocket, as one frame the client decodes like any other', async () => {
    const ann = await connect('p_ann');
    const snapshots: unknown[] = [];
    ann.on('s', (bytes: unknown) => snapshots.push(bytes));
    expect(await ann.emitWithAck('join', { sector: 'alpha' })).toMatchObject({ ok: true });
    await until(() => snapshots.length > 0, 'the keyframe');
    const server = [...realtime.io.of(GAME_NAMESPACE).sockets.values()][0]!;
    const ws = (server.conn as unknown as { transport: { socket: { send: (data: unknown) => void } } })
      .transport.socket;
    const send = ws.send.bind(ws);
    let direct = 0;
    ws.send = (data: unknown) => {
      direct++;
      send(data);
    };
    const seen = snapshots.length;
    await until(() => snapshots.length >= seen + 5 && direct >= 5, 'deltas written directly');
    expect(snapshots.at(-1)).toBeInstanceOf(Uint8Array);
  });

  it("knows each player's sector: piloting, waiting for a resume, and gone", async () => {
    const gateway = realtime.gateway;
    expect(gateway.sectorOf('p_ann')).toBeNull();
    const ann = await connect('p_ann');
    expect(await ann.emitWithAck('join', { sector: 'alpha' })).toMatchObject({ ok: true });
    expect(gateway.sectorOf('p_ann')).toBe('alpha');
    expect(await ann.emitWithAck('join', { sector: 'beta' })).toMatchObject({ ok: true });
    expect(gateway.sectorOf('p_ann')).toBe('beta');

    // A second tab that never joins does not change where the ship is.
    const tab = await connect('p_ann');
    await until(() => tab.connected, 'second tab');
    expect(gateway.sectorOf('p_ann')).toBe('beta');

    // Dropped: the ship waits in its sector for the resume grace, then is gone.
    ann.disconnect();
    tab.disconnect();
    await until(() => gateway.connections === 0, 'both gone');
    expect(gateway.sectorOf('p_ann')).toBe('beta');
    await until(() => gateway.sectorOf('p_ann') === null, 'grace over');
    expect(changes).toEqual([
      ['p_ann', 'alpha'],
      ['p_ann', 'beta'],
      ['p_ann', null],
    ]);
  });

  it('a player who leaves has no sector at once', async () => {
    const bo = await connect('p_bo');
    expect(await bo.emitWithAck('join', { sector: 'alpha' })).toMatchObject({ ok: true });
    bo.emit('leave');
    await until(() => realtime.gateway.sectorOf('p_bo') === null, 'left');
    expect(changes).toEqual([
      ['p_bo', 'alpha'],
      ['p_bo', null],
    ]);
  });
});
