import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '@perihelion/game';
import { type InboxMessage, PUBLISH_API_PREFIX } from '@perihelion/protocol';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ChatChaos, type Participant, SEND_WINDOW_MS, until } from '../testing/chat-chaos-support.js';
import { buildWhereTheShipIs, requestUntilAnswered } from '../testing/cluster-chaos-support.js';
import { FaultProxy } from '../testing/fault-proxy.js';
import { clusterSkipReason, TEST_CLUSTER_ADMIN_TOKEN, TestCluster } from '../testing/test-cluster.js';
import { contentFile } from '../testing/universe-client.js';

/*
 * Chaos on a cluster (see ChatChaos): 50 clients, half WebSocket and half long-polling, ten of
 * them pilots in one sector, reach three nodes through a TCP proxy that keeps cutting random
 * connections, in front of HAProxy. While they talk, the publish API sends each pilot three
 * notifications and each pilot starts a construction (a durable timer that fires a few seconds
 * later, on whichever node claims it). Four seconds into the conversation the node that runs the
 * sector is killed (SIGKILL); once the sector runs again on a survivor, that node is drained.
 * At the end: every client has every message of its channels once and in order, every pilot has
 * every notification stored for it once and in order, and every construction completed once.
 */

const skip = await clusterSkipReason();
if (skip) console.warn(`[skip] cluster chaos: ${skip}`);

const API_KEY = 'cluster-chaos-api-key-0123456789';
const NODES = ['node-a', 'node-b', 'node-c'];
const SECTOR = 'chaos';
const PILOTS = 10;
const NOTES_PER_PILOT = 3;
/** When the faults come, from the start of the send window. */
const KILL_AT_MS = 4000;
const DRAIN_AT_MS = 8000;
/** Builds start within this much of the window, and complete BUILD_SECONDS later: around the kill. */
const BUILD_WINDOW_MS = 3000;
const BUILD_SECONDS = 3;
/** One request's longest wait for an answer (a node may die under it). */
const REQUEST_TIMEOUT_MS = 8000;
/** Guards for waits that outlast a lease, a failover, health checks and reconnects on a busy machine. */
const GUARD_MS = 90_000;

/** Cheap quick builds, structures small enough that ten pilots' builds never crowd each other. */
const CONTENT = {
  structures: { 'station-core': { buildSeconds: BUILD_SECONDS, cost: { ore: 0, credits: 0 }, radius: 2 } },
  construction: { minSpacing: 1 },
  raids: { enabled: false },
};

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface NodeView {
  node: string;
  rooms: string[];
  draining: boolean;
}

describe.skipIf(skip !== null)('a cluster under chaos', () => {
  let cluster: TestCluster | null = null;
  let proxy: FaultProxy | null = null;
  let chaos: ChatChaos | null = null;
  let db: pg.Pool | null = null;
  /** Set when the test ends: scheduled faults and retries stop instead of acting on a stopped cluster. */
  let over = false;
  const stopped = () => over;

  // Every process is stopped whatever else fails: a test must never leave one behind.
  afterAll(async () => {
    over = true;
    try {
      chaos?.closeAll();
      await proxy?.close();
    } finally {
      try {
        await db?.end();
      } finally {
        await cluster?.stop();
      }
    }
  }, 60_000);

  it('every client ends with every message once and in order, every notification once, every timer fired once', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
    console.log(`cluster chaos seed: ${seed} (CHAOS_SEED=${seed} replays it)`);
    const random = mulberry32(seed);
    const c = await TestCluster.start({
      nodeIds: NODES,
      env: { API_KEY, PRESENCE_GRACE_MS: '500', CONTENT: contentFile(CONTENT) },
    });
    cluster = c;
    const pool = new pg.Pool({
      connectionString: c.databaseUrl,
      max: 3,
      connectionTimeoutMillis: 5000,
      query_timeout: 10_000,
    });
    db = pool;
    const query = async <T>(text: string, values: unknown[] = []) =>
      (await pool.query(text, values)).rows as T[];
    proxy = await FaultProxy.start(c.url);
    const fp = proxy;

    const request = (url: string, init: RequestInit, what: string) =>
      requestUntilAnswered(url, init, what, { guardMs: GUARD_MS, timeoutMs: REQUEST_TIMEOUT_MS, stopped });
    const admin = { authorization: `Bearer ${TEST_CLUSTER_ADMIN_TOKEN}` };
    const clusterView = async (): Promise<NodeView[]> => {
      const res = await request(`${c.url}/api/admin/cluster`, { headers: admin }, 'the cluster view');
      expect(res.status).toBe(200);
      return ((await res.json()) as { nodes: NodeView[] }).nodes;
    };

    const cc = new ChatChaos({
      url: fp.url,
      apiUrl: () => c.url,
      apiKey: API_KEY,
      adminToken: TEST_CLUSTER_ADMIN_TOKEN,
      sector: SECTOR,
      pilots: PILOTS,
      random,
    });
    chaos = cc;
    try {
      await cc.connectEveryone();
      const pilots = cc.participants.filter((p) => p.pilot !== null);
      expect(pilots).toHaveLength(PILOTS);
      /** What each pilot was shown, by sequence number (ChatChaos keeps the order of arrival). */
      const shown = new Map<Participant, Map<number, InboxMessage>>();
      for (const p of pilots) {
        const mine = new Map<number, InboxMessage>();
        shown.set(p, mine);
        p.pilot?.on('notification', (n) => mine.set(n.seq, n));
      }

      /** One publish API notification, sent again until answered: its idempotency key stores it once. */
      const notify = async (p: Participant, tag: string): Promise<void> => {
        const res = await request(
          `${c.url}${PUBLISH_API_PREFIX}/players/${p.playerId}/messages`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ text: `note ${tag}`, kind: 'chaos', data: { tag }, idempotencyKey: tag }),
          },
          `notification ${tag} to P${p.index}`,
        );
        if (res.status !== 202)
          throw new Error(`notification ${tag} refused: ${res.status} ${await res.text()}`);
      };

      const build = (p: Participant) =>
        buildWhereTheShipIs(p, {
          sector: SECTOR,
          guardMs: GUARD_MS,
          timeoutMs: REQUEST_TIMEOUT_MS,
          stopped,
          random,
          describe: () => cc.describe(p),
        });

      /** The node that runs the sector now, per the cluster's own view (null while none does). */
      const ownerOf = async (exclude: string[]): Promise<string | null> => {
        const view = await clusterView();
        return view.find((n) => n.rooms.includes(SECTOR) && !exclude.includes(n.node))?.node ?? null;
      };

      // Everything below happens at random moments of the send window, measured from here.
      const start = Date.now();
      const at = (ms: number) => pause(Math.max(0, start + ms - Date.now()));
      cc.planMessages();
      const work: Promise<void>[] = [];
      for (const p of pilots) {
        work.push(at(random() * BUILD_WINDOW_MS).then(() => build(p)));
        for (let k = 0; k < NOTES_PER_PILOT; k++) {
          const tag = `${p.index}.${k}`;
          work.push(at(random() * SEND_WINDOW_MS).then(() => notify(p, tag)));
        }
      }
      let killed = '';
      let killedAt = 0;
      let drained = '';
      const faultsDone = (async () => {
        await at(KILL_AT_MS);
        if (over) return;
        const owner = (await ownerOf([])) ?? pilots.find((p) => p.pilot?.node)?.pilot?.node;
        if (!owner) throw new Error('no node runs the sector at the kill');
        killed = owner;
        await c.node(owner).kill();
        killedAt = Date.now();
        console.log(`cluster chaos: killed ${owner} (the sector's owner) at ${Date.now() - start} ms`);
        // The drain waits for the sector to run again on a survivor: that node then hands it over live.
        await at(DRAIN_AT_MS);
        const found = { node: null as string | null };
        await until(
          async () => {
            found.node = over ? null : await ownerOf([killed]);
            return over || found.node !== null;
          },
          () => `the sector running again after ${killed} was killed`,
          GUARD_MS,
        );
        const newOwner = found.node;
        if (!newOwner) return;
        drained = newOwner;
        const res = await request(
          `${c.node(newOwner).url}/api/admin/drain`,
          { method: 'POST', headers: admin },
          `draining ${newOwner}`,
        );
        expect(res.status).toBe(202);
        console.log(
          `cluster chaos: drained ${newOwner} (the sector's new owner) at ${Date.now() - start} ms`,
        );
      })();
      work.push(faultsDone);
      // Whatever fails first, the rest is still awaited by the guards below, never left dangling.
      for (const w of work) w.catch(() => {});

      let dropped = 0;
      const drops = setInterval(() => {
        dropped += fp.dropSome(0.15, random);
      }, 600);
      try {
        const sent = await cc.allSent();
        const results = await Promise.allSettled(work);
        const failed = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
        expect(failed, 'notifications, builds and faults').toEqual([]);
        console.log(
          `cluster chaos: ${sent} messages sent, ${PILOTS * NOTES_PER_PILOT} notifications, ${PILOTS} builds, ` +
            `${dropped} connections cut, ${killed} killed, ${drained} drained`,
        );
      } finally {
        clearInterval(drops);
      }
      expect(killed).not.toBe('');
      expect(drained).not.toBe('');

      // Chat: every message of every channel, exactly once and in order, for every client.
      await cc.expectEveryMessageOnceInOrder();

      // Timers: every construction completes; its timer is done (claimed, and the claim committed
      // with the structure's activation and the owner's notification), and notified exactly once.
      type Built = { id: string; owner_id: string; state: string; timer_id: string | null };
      let structures: Built[] = [];
      await until(
        async () => {
          structures = await query<Built>(
            'select id, owner_id, state, timer_id from structures where sector = $1',
            [SECTOR],
          );
          return structures.length >= PILOTS && structures.every((s) => s.state === 'active');
        },
        () =>
          `every construction complete: ${structures.length} started, not complete: ${JSON.stringify(structures.filter((s) => s.state !== 'active'))}`,
        GUARD_MS,
      );
      expect(new Set(structures.map((s) => s.owner_id))).toEqual(new Set(pilots.map((p) => p.playerId)));
      const timers = await query<{
        id: string;
        state: string;
        fired_by: string | null;
        fired_at: Date | null;
      }>('select id, state, fired_by, fired_at from timers where id = any($1)', [
        structures.map((s) => s.timer_id),
      ]);
      expect(timers).toHaveLength(structures.length);
      for (const t of timers)
        expect(t, `timer ${t.id}`).toMatchObject({ state: 'done', fired_by: expect.any(String) });
      const completions = await query<{ structure: string; n: number }>(
        `select data->>'structureId' as structure, count(*)::int as n from notifications
         where kind = 'construction.complete' group by 1`,
      );
      expect(Object.fromEntries(completions.map((r) => [r.structure, r.n]))).toEqual(
        Object.fromEntries(structures.map((s) => [s.id, 1])),
      );
      const firedBy = timers.map((t) => t.fired_by).join(', ');
      const afterKill = timers.filter((t) => (t.fired_at?.getTime() ?? 0) > killedAt).length;
      console.log(
        `cluster chaos: ${structures.length} constructions (${structures.length - PILOTS} started twice), ` +
          `fired by ${firedBy}; ${afterKill} fired after the kill`,
      );

      // Notifications: each sent one stored exactly once (retries carry its idempotency key), and
      // every pilot shown each stored one once, in order, as stored.
      const stored = await query<{ player_id: string; seq: number; kind: string; tag: string | null }>(
        "select player_id, seq, kind, data->>'tag' as tag from notifications order by player_id, seq",
      );
      const tags = new Map<string, number>();
      for (const n of stored) if (n.tag) tags.set(n.tag, (tags.get(n.tag) ?? 0) + 1);
      const sentTags = pilots.flatMap((p) =>
        Array.from({ length: NOTES_PER_PILOT }, (_, k) => `${p.index}.${k}`),
      );
      expect(Object.fromEntries(sentTags.map((tag) => [tag, tags.get(tag) ?? 0]))).toEqual(
        Object.fromEntries(sentTags.map((tag) => [tag, 1])),
      );
      for (const p of pilots) {
        const mine = stored.filter((n) => n.player_id === p.playerId);
        expect(
          mine.map((n) => n.seq),
          `P${p.index} stored`,
        ).toEqual(mine.map((_, i) => i + 1));
        await until(
          () => p.notifications.length >= mine.length,
          () =>
            `P${p.index} shown every notification: ${p.notifications.length} of ${mine.length} (${cc.describe(p)})`,
          GUARD_MS,
        );
        expect(p.notifications, `P${p.index} notifications`).toEqual(mine.map((n) => n.seq));
        const seen = shown.get(p) ?? new Map<number, InboxMessage>();
        expect(
          mine.map((n) => ({
            seq: n.seq,
            kind: seen.get(n.seq)?.kind,
            tag: seen.get(n.seq)?.data.tag ?? null,
          })),
        ).toEqual(mine.map((n) => ({ seq: n.seq, kind: n.kind, tag: n.tag })));
      }
      console.log(`cluster chaos: ${stored.length} notifications stored`);
    } catch (err) {
      // Every node's whole log, for the story of one player across nodes; the tails inline.
      const dir = mkdtempSync(join(tmpdir(), 'cluster-chaos-'));
      for (const n of c.nodes) writeFileSync(join(dir, `${n.id}.log`), `${n.server.output.join('\n')}\n`);
      console.error(`cluster chaos failed; the nodes' logs are in ${dir}; their last lines:\n${c.logs(25)}`);
      throw err;
    } finally {
      over = true;
    }
  }, 300_000);
});
