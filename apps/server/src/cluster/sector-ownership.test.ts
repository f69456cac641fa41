import type { GameClient, TransportName } from '@perihelion/client';
import { postgresSkipReason } from '@perihelion/db/testing';
import { redisSkipReason } from '@perihelion/engine/testing';
import { NODE_HINT_PARAM } from '@perihelion/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectGameClient, QUICK_RECONNECT } from '../testing/game-clients.js';
import type { GameServer } from '../testing/server-process.js';
import { TestCluster } from '../testing/test-cluster.js';
import { eventually, eventuallyAsync } from '../testing/test-server.js';
import { haproxySkipReason } from './haproxy-test-support.js';

const pgSkip = await postgresSkipReason();
const redisSkip = await redisSkipReason();
const haproxySkip = haproxySkipReason();
const skip = pgSkip ?? redisSkip ?? haproxySkip;
if (pgSkip) console.warn(`[skip] sector ownership across nodes: ${pgSkip}`);
/** Guards for conditions that wait out a lease, health checks and reconnects, on a busy machine too. */
const GUARD_MS = 90_000;

async function healthOf(server: GameServer): Promise<{ node: string; sectors: number; players: number }> {
  const res = await fetch(`${server.url}/healthz`);
  return (await res.json()) as { node: string; sectors: number; players: number };
}

describe.skipIf(skip !== null)('sector ownership across two nodes behind HAProxy', () => {
  let cluster: TestCluster | null = null;
  const clients: GameClient[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start();
  }, 180_000);
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  /** A player whose first connection asks the balancer for `node`. */
  const pinned = (node: string, sector: string, name: string, transport: TransportName) =>
    connectGameClient(clients, {
      url: (cluster as TestCluster).url,
      sector,
      name,
      transport,
      socketOptions: { ...QUICK_RECONNECT, query: { [NODE_HINT_PARAM]: node } },
    });
  const settled = async (client: GameClient, what: string, node?: string) =>
    eventually(
      () => client.status === 'connected' && (node === undefined || client.node === node),
      `${what}${node ? ` on ${node}` : ''}`,
      GUARD_MS,
    );
  const other = (node: string | null) => (node === 'node-a' ? 'node-b' : 'node-a');

  it.each<TransportName>(['websocket', 'polling'])(
    'players who arrive on different nodes all land on the node that runs their sector (%s)',
    async (transport) => {
      const sector = `together-${transport}`;
      const ada = pinned('node-a', sector, 'Ada', transport);
      await settled(ada, 'Ada in the sector');
      const owner = ada.node as string;
      const bob = pinned(other(owner), sector, 'Bob', transport);
      await settled(bob, 'Bob in the sector', owner);
      // One sector, one simulation: each sees the other in its roster.
      await eventually(
        () => ada.roster.has(bob.playerId ?? '-') && bob.roster.has(ada.playerId ?? '-'),
        'rosters',
      );
      const health = await Promise.all((cluster as TestCluster).nodes.map((n) => healthOf(n.server)));
      const running = health.filter((h) => h.players > 0).map((h) => h.node);
      expect(running).toEqual([owner]);
    },
    GUARD_MS,
  );

  it('places a new sector on the least loaded node', async () => {
    const c = cluster as TestCluster;
    // Every sector so far is empty or closed with its players: the busy node is the one with a player.
    const first = pinned('node-a', 'placed-1', 'Cy', 'websocket');
    await settled(first, 'Cy in the sector');
    const busy = first.node as string;
    // Both nodes report their load every second; the next new sector goes to the idle one.
    await eventuallyAsync(
      async () => (await healthOf(c.node(busy))).players === 1,
      'the busy node counts its player',
      GUARD_MS,
    );
    const second = pinned(busy, 'placed-2', 'Di', 'websocket');
    await settled(second, 'Di in a new sector', other(busy));
  });

  it('a stalled owner loses its sector to the other node, and on waking stops simulating it', async () => {
    const c = cluster as TestCluster;
    const sector = 'fenced';
    const eve = pinned('node-a', sector, 'Eve', 'websocket');
    await settled(eve, 'Eve in the sector');
    const stalled = eve.node as string;
    const survivor = other(stalled);
    const fay = pinned(stalled, sector, 'Fay', 'polling');
    await settled(fay, 'Fay in the sector', stalled);

    c.node(stalled).signal('SIGSTOP');
    try {
      // The players notice the silence, reconnect through the balancer, and once the stalled
      // node's lease has lapsed, the survivor opens the sector and takes them in.
      await settled(eve, 'Eve back in the sector', survivor);
      await settled(fay, 'Fay back in the sector', survivor);
      await eventually(() => eve.roster.has(fay.playerId ?? '-'), 'Eve sees Fay again', GUARD_MS);
    } finally {
      c.node(stalled).signal('SIGCONT');
    }
    // Awake again, the stalled node finds its grant lapsed by its own clock and stops the sector.
    await eventuallyAsync(
      async () => (await healthOf(c.node(stalled))).sectors === 0,
      'the stalled node stops running the sector',
      GUARD_MS,
    );
    expect(c.node(stalled).output.join('\n')).toContain('this node no longer holds the sector');
    // The players stay with the survivor.
    expect([eve.node, fay.node]).toEqual([survivor, survivor]);
    expect(eve.status).toBe('connected');
  });
});
