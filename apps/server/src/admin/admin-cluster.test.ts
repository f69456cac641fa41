import type { GameClient } from '@perihelion/client';
import { NODE_HINT_PARAM } from '@perihelion/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../testing/admin-client.js';
import { connectGameClient, QUICK_RECONNECT } from '../testing/game-clients.js';
import { clusterSkipReason, TEST_CLUSTER_ADMIN_TOKEN, TestCluster } from '../testing/test-cluster.js';
import { eventually } from '../testing/test-server.js';

const skip = await clusterSkipReason();
if (skip) console.warn(`[skip] the admin console across nodes: ${skip}`);
/** Guards for conditions that wait out load reports, redirects and a hand-over on a busy machine. */
const GUARD_MS = 60_000;
const NODES = ['node-a', 'node-b'];

describe.skipIf(skip !== null)('the admin console across two nodes', () => {
  let cluster: TestCluster | null = null;
  const clients: GameClient[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start({ nodeIds: NODES });
  }, 180_000);
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  const pinned = (node: string, name: string) =>
    connectGameClient(clients, {
      url: (cluster as TestCluster).url,
      sector: 'console-cluster',
      name,
      transport: 'websocket',
      socketOptions: { ...QUICK_RECONNECT, query: { [NODE_HINT_PARAM]: node } },
    });

  it("shows another node's sector and players, kicks there, and drains that node with an admin session", async () => {
    const c = cluster as TestCluster;
    const ivy = pinned('node-a', 'Ivy');
    await eventually(() => ivy.status === 'connected', 'Ivy in the sector', GUARD_MS);
    const owner = ivy.node as string;
    const jon = pinned(owner, 'Jon');
    await eventually(() => jon.status === 'connected' && jon.node === owner, 'Jon in the sector', GUARD_MS);
    const other = NODES.find((n) => n !== owner) as string;
    // An admin session from one node is good on every node (one AUTH_SECRET).
    const admin = await AdminClient.signIn(c.node(other).url, 'Operator Ada', TEST_CLUSTER_ADMIN_TOKEN);

    const overview = await admin.overviewUntil(
      'both nodes, and the sector with both players on its node',
      (o) =>
        o.nodes.length === 2 &&
        o.sectors.some((s) => s.id === 'console-cluster' && s.node === owner && s.players === 2) &&
        o.players.filter((p) => p.sector === 'console-cluster' && p.node === owner).length === 2 &&
        // The node list comes from the nodes' load reports (every second or so), which may lag
        // behind the sectors gathered live from the nodes themselves.
        !!o.nodes.find((n) => n.node === owner)?.sectors.includes('console-cluster') &&
        o,
      GUARD_MS,
    );
    expect(overview.node).toBe(other);
    expect(overview.clustered).toBe(true);
    expect(overview.unanswered).toEqual([]);
    // The charts add every node up: both players fly on the node that was not asked.
    await admin.overviewUntil(
      "the players chart with the other node's players",
      (o) => {
        const players = o.charts.find((chart) => chart.metric === 'perihelion_players');
        return players?.nodes === 2 && players.now === 2;
      },
      GUARD_MS,
    );
    expect(overview.nodes.find((n) => n.node === owner)?.sectors).toContain('console-cluster');

    // The kick goes to the node that holds Jon; the SDK gives up instead of reconnecting.
    const kicked = await admin.post(`/players/${jon.playerId}/kick`, { reason: 'testing the cluster' });
    expect(kicked).toEqual({ status: 200, body: { playerId: jon.playerId, connections: 1 } });
    await eventually(() => jon.status === 'failed', 'Jon stopped', GUARD_MS);
    expect(jon.lastError).toMatchObject({
      code: 'KICKED',
      message: expect.stringContaining('testing the cluster'),
    });
    await admin.overviewUntil(
      'Jon gone from the list',
      (o) => !o.players.some((p) => p.playerId === jon.playerId),
      GUARD_MS,
    );

    // Drained through the other node's console: Ivy goes on on the node that asked.
    const ownerAdmin = new AdminClient(c.node(owner).url, null);
    expect((await ownerAdmin.post('/drain')).status).toBe(401);
    const drained = await new AdminClient(c.node(owner).url, await sessionToken(c.node(other).url)).post(
      '/drain',
    );
    expect(drained).toEqual({ status: 202, body: { node: owner, draining: true, already: false } });
    await eventually(() => ivy.status === 'connected' && ivy.node === other, 'Ivy moved over', GUARD_MS);
    const after = await admin.overviewUntil(
      'the drained node reported as draining, the sector on the other',
      (o) =>
        o.nodes.find((n) => n.node === owner)?.draining === true &&
        o.sectors.some((s) => s.id === 'console-cluster' && s.node === other) &&
        o,
      GUARD_MS,
    );
    expect(after.actions.slice(0, 2)).toEqual([
      expect.objectContaining({ action: 'drain', target: owner, node: owner }),
      expect.objectContaining({ action: 'kick', target: jon.playerId, node: other }),
    ]);
  }, 180_000);
});

/** A fresh admin session's access token, asked of `url`. */
async function sessionToken(url: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Operator Bo', adminToken: TEST_CLUSTER_ADMIN_TOKEN }),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}
