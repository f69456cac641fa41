import { type ChatOnlyClient, connectChat, type GameClient, type TransportName } from '@perihelion/client';
import { postgresSkipReason } from '@perihelion/db/testing';
import { redisSkipReason } from '@perihelion/engine/testing';
import { NODE_HINT_PARAM, PUBLISH_API_PREFIX } from '@perihelion/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectGameClient, QUICK_RECONNECT } from '../testing/game-clients.js';
import type { GameServer } from '../testing/server-process.js';
import { TEST_CLUSTER_ADMIN_TOKEN, TestCluster } from '../testing/test-cluster.js';
import { eventually, eventuallyAsync } from '../testing/test-server.js';
import { haproxySkipReason } from './haproxy-test-support.js';

const pgSkip = await postgresSkipReason();
const redisSkip = await redisSkipReason();
const haproxySkip = haproxySkipReason();
const skip = pgSkip ?? redisSkip ?? haproxySkip;
if (pgSkip) console.warn(`[skip] sector ownership across nodes: ${pgSkip}`);
/** Guards for conditions that wait out a lease, health checks and reconnects, on a busy machine too. */
const GUARD_MS = 90_000;
/** Four: one is killed and two are drained along the way, and a drain needs somewhere to go. */
const NODES = ['node-a', 'node-b', 'node-c', 'node-d'];
const API_KEY = 'api-key-of-the-ownership-cluster';

async function healthOf(server: GameServer): Promise<{ node: string; sectors: number; players: number }> {
  const res = await fetch(`${server.url}/healthz`);
  return (await res.json()) as { node: string; sectors: number; players: number };
}

describe.skipIf(skip !== null)('sector ownership across four nodes behind HAProxy', () => {
  let cluster: TestCluster | null = null;
  /** The nodes not drained yet (the drain tests take one each). */
  const live = [...NODES];
  const clients: GameClient[] = [];
  const talkers: ChatOnlyClient[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start({ nodeIds: NODES, env: { API_KEY } });
  }, 180_000);
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
    for (const c of talkers.splice(0)) c.close();
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
  /** A node other than `node`. */
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

  it('presence spans the nodes (a player with tabs on two nodes is one entry), and the publish API knows who is online anywhere', async () => {
    const c = cluster as TestCluster;
    /** A chat-only tab whose connection asks the balancer for `node`. */
    const tab = (node: string, name: string, token?: string | null) => {
      const client = connectChat({
        url: c.url,
        name,
        ...(token ? { token } : {}),
        socketOptions: { ...QUICK_RECONNECT, query: { [NODE_HINT_PARAM]: node } },
      });
      talkers.push(client);
      return client;
    };
    type Chatty = Pick<ChatOnlyClient, 'chat'>;
    const listed = (t: Chatty) => [...(t.chat.subscriptions.get('global')?.presence.values() ?? [])].sort();
    const eva = tab('node-a', 'Eva');
    await eventually(() => eva.auth.profileToken !== null, 'Eva signed in', GUARD_MS);
    const eva2 = tab('node-c', 'Eva', eva.auth.profileToken);
    for (const t of [eva, eva2]) await eventually(() => t.link.node !== null, 'tabs connected', GUARD_MS);
    expect([eva.link.node, eva2.link.node]).toEqual(['node-a', 'node-c']);
    // Fay plays (notifications go to game connections), on whichever node runs her sector.
    const fay = pinned('node-b', 'presence', 'Fay', 'websocket');
    await settled(fay, 'Fay in her sector');
    // Each node lists the players of the others: Eva, with a tab on a and one on c, is one entry.
    for (const [who, t] of [
      ['Eva on a', eva],
      ['Eva on c', eva2],
      ['Fay', fay],
    ] as const) {
      await eventually(
        () => listed(t).join() === 'Eva,Fay' && t.chat.subscriptions.get('global')?.presenceCount === 2,
        `${who} sees Eva and Fay listed once each`,
        GUARD_MS,
      );
    }
    // The publish API on a node that holds none of Fay's connections still finds her online.
    const elsewhere = NODES.find((n) => n !== fay.node) as string;
    const fayId = fay.playerId as string;
    const res = await fetch(`${c.node(elsewhere).url}${PUBLISH_API_PREFIX}/players/${fayId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `hello from ${elsewhere}` }),
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { delivered: string }).delivered).toBe('live');
    // Fay leaves: the others hear it once her grace is over, on every node.
    fay.close();
    for (const t of [eva, eva2]) await eventually(() => listed(t).join() === 'Eva', 'Fay left', GUARD_MS);
  });

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
    await settled(second, 'Di in a new sector');
    expect(second.node).not.toBe(busy);
  });

  it('a stalled owner loses its sector to the other node, and on waking stops simulating it', async () => {
    const c = cluster as TestCluster;
    const sector = 'fenced';
    const eve = pinned('node-a', sector, 'Eve', 'websocket');
    await settled(eve, 'Eve in the sector');
    const stalled = eve.node as string;
    const fay = pinned(other(stalled), sector, 'Fay', 'polling');
    await settled(fay, 'Fay in the sector', stalled);

    c.node(stalled).signal('SIGSTOP');
    let survivor = '';
    try {
      // The players notice the silence, reconnect through the balancer, and once the stalled
      // node's lease has lapsed, another node opens the sector and takes them in.
      await eventually(
        () => eve.status === 'connected' && eve.node !== stalled,
        'Eve back elsewhere',
        GUARD_MS,
      );
      survivor = eve.node as string;
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

  it('a node killed outright: its players are back in the sector on another node, with their ships from the last checkpoint', async () => {
    const c = cluster as TestCluster;
    const sector = 'crashed';
    const ike = pinned(live[0] as string, sector, 'Ike', 'websocket');
    await settled(ike, 'Ike in the sector');
    const victim = ike.node as string;
    const jo = pinned(live.find((n) => n !== victim) as string, sector, 'Jo', 'polling');
    await settled(jo, 'Jo in the sector', victim);
    const handles = [ike.handle, jo.handle];
    // The sector's checkpoint (every 5 s) holds both ships before the crash.
    await eventuallyAsync(
      async () => {
        const avatars = await c.query<{ avatars: Array<{ playerId: string }> }>(
          'select avatars from sectors where id = $1',
          [sector],
        );
        const saved = new Set(avatars[0]?.avatars.map((a) => a.playerId));
        return saved.has(ike.playerId ?? '-') && saved.has(jo.playerId ?? '-');
      },
      'a checkpoint with both ships',
      GUARD_MS,
    );
    const killedAt = performance.now();
    await c.node(victim).kill();
    live.splice(live.indexOf(victim), 1);
    await eventually(
      () => [ike, jo].every((p) => p.status === 'connected' && p.node !== victim && p.node === ike.node),
      'both back together on another node',
      GUARD_MS,
    );
    console.info(
      `[measured] back in the sector ${Math.round(performance.now() - killedAt)} ms after the SIGKILL`,
    );
    expect([ike.handle, jo.handle]).toEqual(handles);
    await eventually(() => ike.roster.has(jo.playerId ?? '-'), 'Ike sees Jo again', GUARD_MS);
  });

  it.each(['the admin API', 'SIGTERM'])(
    'a node drained by %s hands its sector over live: its players go on from where they were on another node',
    async (how) => {
      const c = cluster as TestCluster;
      const sector = `handed-over-${how === 'SIGTERM' ? 'term' : 'api'}`;
      const gil = pinned(live[0] as string, sector, 'Gil', 'websocket');
      await settled(gil, 'Gil in the sector');
      const from = gil.node as string;
      const hal = pinned(live.find((n) => n !== from) as string, sector, 'Hal', 'polling');
      await settled(hal, 'Hal in the sector', from);
      const ships = [gil, hal].map((p) => ({ handle: p.handle, own: p.ownRenderState(performance.now()) }));

      const admin = { authorization: `Bearer ${TEST_CLUSTER_ADMIN_TOKEN}` };
      if (how === 'SIGTERM') {
        c.node(from).signal('SIGTERM');
      } else {
        const drain = await fetch(`${c.node(from).url}/api/admin/drain`, { method: 'POST', headers: admin });
        expect(drain.status).toBe(202);
      }
      live.splice(live.indexOf(from), 1);
      await eventually(
        () => gil.status === 'connected' && gil.node !== from,
        'Gil on another node',
        GUARD_MS,
      );
      const to = gil.node as string;
      await settled(hal, 'Hal on the other node', to);
      [gil, hal].forEach((p, i) => {
        expect(p.handle).toBe(ships[i]?.handle);
        const now = p.ownRenderState(performance.now()) ?? [];
        const before = ships[i]?.own ?? [];
        expect(now.slice(0, 2)).toHaveLength(2);
        for (const k of [0, 1]) expect(now[k]).toBeCloseTo(before[k] ?? Number.NaN, 2);
      });
      await eventually(() => gil.roster.has(hal.playerId ?? '-'), 'Gil sees Hal after the move', GUARD_MS);

      if (how === 'SIGTERM') {
        // The process ends by itself once it has handed everything over.
        await eventually(() => c.node(from).exitStatus !== null, 'the drained node exits', GUARD_MS);
        expect(c.node(from).exitStatus).toEqual({ code: 0, signal: null });
        return;
      }
      // Drained by the API, the node stays up: it takes no new players and runs nothing, and the
      // cluster view says so.
      expect((await fetch(`${c.node(from).url}/readyz`)).status).toBe(404);
      expect((await healthOf(c.node(from))).sectors).toBe(0);
      const view = await eventuallyAsync(
        async () => {
          const res = await fetch(`${c.node(to).url}/api/admin/cluster`, { headers: admin });
          const body = (await res.json()) as {
            nodes: Array<{ node: string; rooms: string[]; draining: boolean }>;
          };
          const fromView = body.nodes.find((n) => n.node === from);
          return fromView?.draining ? body : undefined;
        },
        'the drained node reported as draining',
        GUARD_MS,
      );
      expect(view.nodes.find((n) => n.node === to)?.rooms).toContain(sector);
      expect((await fetch(`${c.node(to).url}/api/admin/cluster`)).status).toBe(401);
    },
    GUARD_MS,
  );
});
