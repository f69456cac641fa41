import { connectChat } from '@perihelion/client';
import { type ChatMessage, NODE_HINT_PARAM } from '@perihelion/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { ProbePilot } from '../dev/probe-pilot.js';
import { AdminClient } from '../testing/admin-client.js';
import { freePort } from '../testing/free-port.js';
import { QUICK_RECONNECT } from '../testing/game-clients.js';
import { clusterSkipReason, TEST_CLUSTER_ADMIN_TOKEN, TestCluster } from '../testing/test-cluster.js';
import { eventually } from '../testing/test-server.js';
import { RedisProcess, redisServerSkipReason } from './redis-process.js';

const skip = (await clusterSkipReason()) ?? redisServerSkipReason();
if (skip) console.warn(`[skip] a cluster whose Redis restarts: ${skip}`);

/** Guards for waits that outlast reconnects to Redis, lease expiry and a sector's restart on a busy machine. */
const GUARD_MS = 90_000;
const NODES = ['node-a', 'node-b'];
const SECTOR = 'redis-restart';

/** The texts `chat` has received on `channel`, in order. */
function texts(seen: Map<string, ChatMessage[]>, channel: string): string[] {
  return (seen.get(channel) ?? []).map((m) => m.text);
}

/*
 * Redis carries a cluster's bus, its Socket.IO adapter and its sector leases, and it keeps nothing
 * here (no persistence): a crash and restart gives the nodes an empty Redis. Everything durable is
 * in PostgreSQL, so afterwards the sector runs again on one node with its ships, chat crosses
 * nodes again, and no message is lost or doubled.
 */
describe.skipIf(skip !== null)('a cluster whose Redis crashes and comes back empty', () => {
  let redis: RedisProcess | null = null;
  let cluster: TestCluster | null = null;
  const pilots: ProbePilot[] = [];
  const chats: ReturnType<typeof connectChat>[] = [];

  afterAll(async () => {
    for (const c of pilots.splice(0)) c.close();
    for (const c of chats.splice(0)) c.close();
    try {
      await cluster?.stop();
    } finally {
      await redis?.stop();
    }
  }, 60_000);

  it('runs the sector again on one node with its pilot, and chat crosses nodes again', async () => {
    redis = await RedisProcess.start(await freePort());
    const c = await TestCluster.start({ nodeIds: NODES, redisUrl: redis.url });
    cluster = c;
    const pinned = (node: string) => ({ ...QUICK_RECONNECT, query: { [NODE_HINT_PARAM]: node } });
    const probe = new ProbePilot(c.url, SECTOR, pinned('node-a'));
    pilots.push(probe);
    const ann = probe.client;
    await eventually(() => probe.connected, 'Ann in the sector', GUARD_MS);
    const owner = ann.node as string;
    const other = NODES.find((n) => n !== owner) as string;
    // A chat-only player on the other node: what Ann says reaches it over the Socket.IO adapter.
    const cy = connectChat({ url: c.url, name: 'Cy', transport: 'polling', socketOptions: pinned(other) });
    chats.push(cy);
    const seen = new Map<string, ChatMessage[]>();
    cy.chat.on('message', (channel, m: ChatMessage) => seen.set(channel, [...(seen.get(channel) ?? []), m]));
    await eventually(() => cy.chat.subscription('global')?.state === 'live', 'Cy reading global', GUARD_MS);
    expect(cy.link.node).toBe(other);
    await ann.chat.publish('global', 'before the crash');
    await eventually(() => texts(seen, 'global').includes('before the crash'), 'Cy hears Ann', GUARD_MS);

    // Ann flies a little and stops.
    await probe.flyAndStop();

    await redis.restart();

    await ann.chat.publish('global', 'after the crash');
    await eventually(
      () => texts(seen, 'global').includes('after the crash'),
      'Cy hears Ann after the crash',
      GUARD_MS,
    );
    // Every message once, in order, at the offsets the store gave them.
    expect(texts(seen, 'global')).toEqual(['before the crash', 'after the crash']);
    expect(seen.get('global')?.map((m) => m.offset)).toEqual([1, 2]);

    // The sector runs on exactly one node again (the leases were lost with Redis), with Ann in it.
    const admin = await AdminClient.signIn(c.node(other).url, 'Operator', TEST_CLUSTER_ADMIN_TOKEN);
    const overview = await admin.overviewUntil(
      'the sector on one node, with Ann',
      (o) =>
        o.unanswered.length === 0 &&
        o.sectors.filter((s) => s.id === SECTOR).length === 1 &&
        o.players.some((p) => p.playerId === ann.playerId && p.sector === SECTOR) &&
        o,
      GUARD_MS,
    );
    expect(overview.nodes.map((n) => n.node).sort()).toEqual([...NODES].sort());
    await eventually(() => probe.connected, 'Ann flying', GUARD_MS);
    // Her ship is back, from the sector's last checkpoint (written every 5 s): the node that lost
    // the lease with Redis stops the sector without a save, as a crashed node would.
    expect(probe.ship()).not.toBeNull();
  }, 240_000);
});
