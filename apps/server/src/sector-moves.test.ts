import type { GameClient } from '@perihelion/client';
import { GAME_NAMESPACE, protocolError } from '@perihelion/protocol';
import type { Socket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { connectGameClient, QUICK_RECONNECT } from './testing/game-clients.js';
import { eventually, startTestServer } from './testing/test-server.js';

/**
 * How the SDK follows a sector that runs on another node, scripted on one real server: its first
 * join answers are replaced by a cluster's (SECTOR_ELSEWHERE, with or without the owner's id), and
 * the server drops the game socket in between, as a node that loses a sector does.
 */
describe('the SDK follows a sector between nodes', () => {
  let server: RunningServer;
  const clients: GameClient[] = [];

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  /** Answers the first joins with `script` (one step per join), then lets joins through. */
  function scriptJoins(script: ((socket: Socket, ack: (res: unknown) => void) => void)[]): { joins: number } {
    const seen = { joins: 0 };
    // Before the gateway's own listener, so this middleware sees each packet before the gateway's.
    server.realtime.io.of(GAME_NAMESPACE).prependListener('connection', (socket: Socket) => {
      socket.use(([event, , ack], next) => {
        if (event !== 'join') return next();
        const step = script[seen.joins++];
        if (!step || typeof ack !== 'function') return next();
        step(socket, ack as (res: unknown) => void);
      });
    });
    return seen;
  }
  const elsewhere = (node?: string) => ({
    ok: false,
    error: protocolError('SECTOR_ELSEWHERE', 'this sector runs on another node'),
    ...(node ? { node } : {}),
  });

  it('a move still pending when the server drops the game socket and refuses without a node: it comes back', async () => {
    const seen = scriptJoins([
      // The first move goes at once.
      (_socket, ack) => ack(elsewhere('node-x')),
      // The second waits for the backoff; meanwhile the server drops the socket, and the join after
      // that reconnect is refused without an owner (retry later). Both must happen.
      (socket, ack) => {
        ack(elsewhere('node-x'));
        setImmediate(() => socket.disconnect());
      },
      (_socket, ack) => ack(elsewhere()),
    ]);
    const pilot = connectGameClient(clients, {
      url: server.url,
      sector: 'moves',
      name: 'Mover',
      socketOptions: QUICK_RECONNECT,
    });
    await eventually(
      () => pilot.status === 'connected',
      `the pilot in the sector (${seen.joins} joins)`,
      60_000,
    );
    expect(seen.joins).toBeGreaterThanOrEqual(4);
  });
});
