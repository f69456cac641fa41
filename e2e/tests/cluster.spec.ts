import { clusterSkipReason, TEST_CLUSTER_ADMIN_TOKEN, TestCluster } from '@perihelion/server/cluster';
import { expect, test } from '@playwright/test';
import type { Player } from '../fixtures/player.js';
import { PlayerPool } from '../fixtures/player-pool.js';
import { said, say } from '../support/chat.js';
import { e2eContent, webDist } from '../support/paths.js';
import { shipOf } from '../support/qa-state.js';
import { expectAllSeeEachOther, flyAndExpectSeen } from '../support/scenarios.js';
import { uniqueSector } from '../support/sector-id.js';

const skip = await clusterSkipReason();
/** Guards for what waits out a lease, a reconnect and a cold page on a busy machine. */
const RECOVERY_MS = 120_000;
const CLUSTER_START_MS = 240_000;

/** Where each player's ship is on their own screen. */
async function ownPositions(players: readonly Player[]): Promise<Array<{ x: number; y: number }>> {
  return Promise.all(
    players.map(async (p) => {
      const ship = shipOf(await p.state(), p.id);
      if (!ship) throw new Error(`${p.name} does not see its own ship`);
      return { x: ship.x, y: ship.y };
    }),
  );
}

/** All connected on one node other than `not`, each seeing the others: the sector runs there. */
async function togetherOnAnotherNode(players: readonly Player[], not: string): Promise<string> {
  const states = await Promise.all(
    players.map((p) =>
      p.waitForState(
        `back in the sector on a node other than ${not}`,
        (s) => s.connected && s.node !== null && s.node !== not && s.sector === p.sector,
        { timeout: RECOVERY_MS },
      ),
    ),
  );
  const nodes = new Set(states.map((s) => s.node));
  expect(nodes.size).toBe(1);
  await expectAllSeeEachOther(players);
  return states[0]?.node as string;
}

test.describe('a sector across a cluster of three nodes', () => {
  test.skip(skip !== null, `needs PostgreSQL, Redis and HAProxy: ${skip}`);
  let cluster: TestCluster | null = null;

  test.beforeAll(async () => {
    test.setTimeout(CLUSTER_START_MS);
    cluster = await TestCluster.start({
      nodeIds: ['node-1', 'node-2', 'node-3'],
      env: { CONTENT: e2eContent },
      webDist,
    });
  });
  test.afterAll(async () => {
    await cluster?.stop();
  });

  test('three players pinned to three nodes play together; they survive the owner being killed, then drained', async ({
    browser,
  }, testInfo) => {
    const c = cluster as TestCluster;
    const pool = new PlayerPool(browser, c.url);
    try {
      const sector = uniqueSector('cluster');
      const [alice, bob, carol] = await pool.joinAll([
        { name: 'Alice', sector, node: 'node-1' },
        { name: 'Bob', sector, node: 'node-2', transport: 'polling' },
        { name: 'Carol', sector, node: 'node-3' },
      ]);
      const players = [alice, bob, carol] as const;

      const owner =
        await test.step('they land on the node that runs the sector, and fly and chat together', async () => {
          const states = await Promise.all(players.map((p) => p.state()));
          expect(states[1]?.transport).toBe('polling');
          const node = states[0]?.node as string;
          expect(states.map((s) => s.node)).toEqual([node, node, node]);
          await expectAllSeeEachOther(players);
          await flyAndExpectSeen(alice, [bob, carol]);
          await say(bob, 'Hello from long-polling');
          for (const p of players) {
            await p.waitForState('has Bob’s message', (s) =>
              said(s, `sector:${sector}`, bob.id, 'Hello from long-polling'),
            );
          }
          return node;
        });

      const survivor =
        await test.step('the node that runs the sector is killed: everyone is back in it elsewhere', async () => {
          // A crash restores the sector's last checkpoint (every 5 s): wait for one with the ships
          // where they now rest, so the positions compared after the drain below are at rest too.
          const resting = await ownPositions(players);
          await expect
            .poll(
              async () => {
                const rows = await c.query<{ avatars: Array<{ playerId: string; own: number[] | null }> }>(
                  'select avatars from sectors where id = $1',
                  [sector],
                );
                const saved = new Map(rows[0]?.avatars.map((a) => [a.playerId, a.own]));
                return players.every((p, i) => {
                  const own = saved.get(p.id);
                  const at = resting[i];
                  return !!own && !!at && Math.hypot((own[0] ?? 0) - at.x, (own[1] ?? 0) - at.y) < 2;
                });
              },
              { timeout: RECOVERY_MS, message: 'a checkpoint with every ship where it rests' },
            )
            .toBe(true);
          await c.node(owner).kill();
          return togetherOnAnotherNode(players, owner);
        });

      await test.step('the new owner is drained: ships stay where they were, chat goes on', async () => {
        const before = await ownPositions(players);
        const res = await fetch(`${c.node(survivor).url}/api/admin/drain`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_CLUSTER_ADMIN_TOKEN}` },
        });
        expect(res.status).toBe(202);
        const last = await togetherOnAnotherNode(players, survivor);
        expect(last).not.toBe(owner);
        const after = await ownPositions(players);
        for (const [i, at] of after.entries()) {
          expect(
            Math.hypot(at.x - (before[i]?.x ?? Number.NaN), at.y - (before[i]?.y ?? Number.NaN)),
          ).toBeLessThan(2);
        }
        await say(carol, 'Still here');
        for (const p of players) {
          const s = await p.waitForState('has Carol’s message', (st) =>
            said(st, `sector:${sector}`, carol.id, 'Still here'),
          );
          // Every message once, in order, across the moves.
          const offsets = (s.chat[`sector:${sector}`] ?? []).map((m) => m.offset);
          expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
          expect(new Set(offsets).size).toBe(offsets.length);
        }
      });
    } catch (err) {
      await pool.attachDiagnostics(testInfo);
      await testInfo.attach('cluster.log', { body: c.logs(80), contentType: 'text/plain' });
      throw err;
    } finally {
      await pool.disposeAll();
    }
  });
});
