import type { GameClient, TransportName } from '@perihelion/client';
import { Button, defaultContent, shipFromArray, shipToArray, stepShip } from '@perihelion/game';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { FaultProxy } from './testing/fault-proxy.js';
import { connectGameClient } from './testing/game-clients.js';
import { eventually, startTestServer } from './testing/test-server.js';

const predict = (own: readonly number[], buttons: number) =>
  shipToArray(stepShip(shipFromArray(own)!, buttons, 1 / 30, defaultContent));

/** Drives a client like a page does: update() every frame with the buttons currently held. */
function drive(client: GameClient, buttons: () => number): () => void {
  const timer = setInterval(() => client.update(performance.now(), buttons()), 1000 / 60);
  return () => clearInterval(timer);
}

describe.each<TransportName>(['websocket', 'polling'])(
  'the SDK against the real server over %s',
  (transport) => {
    let server: RunningServer;
    const stops: (() => void)[] = [];
    const clients: GameClient[] = [];
    const newClient = (name: string, sector = 'sdk', url = server.url) =>
      connectGameClient(clients, { url, sector, name, transport, predict });

    beforeEach(async () => {
      server = await startTestServer();
    });
    afterEach(async () => {
      for (const stop of stops.splice(0)) stop();
      for (const c of clients.splice(0)) c.close();
      await server.close();
    });

    it('predicts its own ship exactly: flying never needs a correction', async () => {
      const pilot = newClient('Pilot');
      await eventually(() => pilot.status === 'connected', 'connected');
      expect(pilot.transport).toBe(transport);
      let t = 0;
      const pattern = [Button.Thrust, Button.Thrust | Button.Left, Button.Right, Button.Brake, 0];
      stops.push(drive(pilot, () => pattern[Math.floor(t++ / 20) % pattern.length]!));
      await eventually(() => pilot.predictionStats.reconciliations >= 25, 'reconciliations', 10_000);
      expect(pilot.predictionStats.corrections).toBe(0);
      const own = pilot.ownRenderState(performance.now())!;
      expect(Math.hypot(own[0]!, own[1]!)).toBeGreaterThan(0);
    });

    it('another player sees the ship move, interpolated', async () => {
      const pilot = newClient('Pilot');
      const watcher = newClient('Watcher');
      stops.push(
        drive(pilot, () => Button.Thrust),
        drive(watcher, () => 0),
      );
      await eventually(() => pilot.handle !== null && watcher.status === 'connected', 'both joined');
      const seen = () => watcher.sampleEntities(performance.now()).find((e) => e.handle === pilot.handle);
      const first = await eventually(seen, 'watcher sees pilot');
      await eventually(() => {
        const now = seen();
        return now && Math.hypot(now.x - first.x, now.y - first.y) > 50;
      }, 'watcher sees pilot move');
      expect(watcher.roster.get(pilot.playerId!)?.name).toBe('Pilot');
    });

    it('a late joiner has the players already there the moment it reports connected', async () => {
      const early = newClient('Early');
      stops.push(drive(early, () => Button.Thrust));
      await eventually(() => early.status === 'connected', 'early joined');
      const late = newClient('Late');
      const seenAtConnect = await new Promise<number[]>((resolve) =>
        late.on('status', (s) => {
          if (s === 'connected') resolve(late.sampleEntities(performance.now()).map((e) => e.handle));
        }),
      );
      expect(seenAtConnect).toContain(early.handle);
    });

    it('recovers from a dropped connection as the same player with the same ship', async () => {
      const pilot = newClient('Pilot');
      stops.push(drive(pilot, () => Button.Thrust));
      await eventually(
        () => pilot.status === 'connected' && pilot.predictionStats.reconciliations > 5,
        'flying',
      );
      const { playerId, handle } = pilot;
      const statuses: string[] = [];
      pilot.on('status', (s) => statuses.push(s));
      // Cut the transport from the server side, as a broken network would.
      for (const socket of server.realtime.io.of('/game').sockets.values()) socket.conn.close();
      await eventually(
        () => statuses.includes('reconnecting') && pilot.status === 'connected',
        'reconnected',
      );
      expect(pilot.playerId).toBe(playerId);
      expect(pilot.handle).toBe(handle);
      expect(pilot.sector).toBe('sdk');
    });

    it('reopens a connection that goes silent without closing, as the same player with the same ship', async () => {
      // A heartbeat far longer than the test's guard: only the SDK's snapshot watch can notice.
      await server.close();
      server = await startTestServer({ PING_INTERVAL_MS: '600000', PING_TIMEOUT_MS: '600000' });
      const proxy = await FaultProxy.start(server.url);
      stops.push(() => void proxy.close());
      const pilot = newClient('Quiet', 'sdk', proxy.url);
      stops.push(drive(pilot, () => Button.Thrust));
      await eventually(() => pilot.status === 'connected', 'flying', 60_000);
      const { playerId, handle } = pilot;
      const statuses: string[] = [];
      pilot.on('status', (s) => statuses.push(s));
      // Silent both ways, on the live connections and on any new one, until the SDK gives up on it.
      expect(proxy.freeze()).toBeGreaterThan(0);
      await eventually(() => statuses.includes('reconnecting'), 'the silence noticed', 60_000);
      proxy.thaw();
      await eventually(() => pilot.status === 'connected', 'back after the silence', 60_000);
      expect(pilot.playerId).toBe(playerId);
      expect(pilot.handle).toBe(handle);
    });

    it('comes back by itself after the server restarts', async () => {
      const pilot = newClient('Pilot');
      stops.push(drive(pilot, () => 0));
      await eventually(() => pilot.status === 'connected', 'connected');
      const port = server.port;
      await server.close();
      server = await startTestServer({ PORT: String(port) });
      await eventually(
        () => pilot.status === 'connected' && server.realtime.gateway.connections === 1,
        'back',
        10_000,
      );
      expect(pilot.sector).toBe('sdk');
    });

    it('reports a full sector as a failure with the reason, without retrying forever', async () => {
      await server.close();
      server = await startTestServer({ SECTOR_CAPACITY: '1' });
      newClient('First', 'tiny');
      await eventually(() => clients[0]!.status === 'connected', 'first joined');
      const second = newClient('Second', 'tiny');
      await eventually(() => second.status === 'failed', 'second refused');
      expect(second.lastError?.code).toBe('SECTOR_FULL');
    });
  },
);
