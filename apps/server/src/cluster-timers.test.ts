import { structures, timers } from '@perihelion/db';
import { createScratchDatabase, postgresSkipReason, TEST_DATABASE_URL } from '@perihelion/db/testing';
import {
  dropRedisPrefix,
  redisSkipReason,
  TEST_REDIS_URL,
  testRedisPrefix,
} from '@perihelion/engine/testing';
import { EntityKind } from '@perihelion/game';
import type { BuildResult, WorldEvent } from '@perihelion/protocol';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { eventually, startTestServer } from './testing/test-server.js';
import { accepted, contentFile, raidContent, UniverseClient } from './testing/universe-client.js';

const pgSkip = await postgresSkipReason();
if (pgSkip) console.warn(`[skip] timers across nodes: ${pgSkip}`);
const redisSkip = await redisSkipReason();
const GUARD_MS = 60_000;

describe.skipIf(pgSkip !== null || redisSkip !== null)('timers fired by another node', () => {
  const prefix = testRedisPrefix();
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | null = null;
  const nodes: RunningServer[] = [];
  const clients: UniverseClient[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL);
    const shared = {
      DATABASE_URL: scratch.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      AUTH_SECRET: 'one-secret-for-every-node-of-this-test-cluster',
      // A build of a second and a raid cycle of a few seconds.
      CONTENT: contentFile(raidContent(1)),
    };
    // The node that runs the sector fires no timers: every one of them fires on the other.
    nodes.push(await startTestServer({ ...shared, NODE_ID: 'players-node', TIMERS: 'off' }));
    nodes.push(await startTestServer({ ...shared, NODE_ID: 'timers-node' }));
  });
  afterAll(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const node of nodes.splice(0)) await node.close().catch(() => {});
    await scratch?.drop();
    if (!redisSkip) await dropRedisPrefix(TEST_REDIS_URL, prefix);
  });

  it('change the sector on the node that runs it, and reach its players there, once', async () => {
    const [playersNode, timersNode] = nodes as [RunningServer, RunningServer];
    const pilot = new UniverseClient(playersNode.url, 'websocket', { name: 'Builder' });
    clients.push(pilot);
    // A fresh cluster places the first sector on the first node (fewest players, then by id).
    const join = accepted(await pilot.join('cross-timers'));
    expect(playersNode.realtime.rooms.get('cross-timers')).toBeDefined();
    const at = pilot.shipPosition(join);
    const built = (await pilot.build('station-core', at.x, at.y)) as BuildResult;
    if (!built.ok) throw new Error(built.error.message);

    // The construction completes: the structure turns active for the player, who is told once.
    await eventually(
      () => pilot.structures().get(built.structure.id)?.state === 'active',
      'the structure active on the players node',
      GUARD_MS,
    );
    await eventually(
      () => pilot.inbox().some((n) => n.kind === 'construction.complete'),
      'notified',
      GUARD_MS,
    );

    // A raid: announced, flown in the simulation of the node that runs the sector, then over.
    const warning = await eventually(
      () => pilot.events<WorldEvent>('world:event').find((e) => e.phase === 'warning'),
      'raid warning',
      GUARD_MS,
    );
    await eventually(
      () => pilot.latest()?.entities.some((e) => e.kind === EntityKind.Dragon),
      'dragons in the snapshots',
      GUARD_MS,
    );
    await eventually(
      () => pilot.events<WorldEvent>('world:event').find((e) => e.phase === 'over' && e.id === warning.id),
      'raid over',
      GUARD_MS,
    );
    await eventually(
      () => pilot.structures().get(built.structure.id)?.hp === 70,
      'structure damaged',
      GUARD_MS,
    );
    await eventually(
      () => !pilot.latest()?.entities.some((e) => e.kind === EntityKind.Dragon),
      'dragons gone',
      GUARD_MS,
    );

    // Every timer was fired by the other node, once.
    const db = timersNode.store.db;
    const [row] = await db.select().from(structures).where(eq(structures.id, built.structure.id));
    const [completion] = await db
      .select()
      .from(timers)
      .where(eq(timers.id, row?.timerId ?? ''));
    expect(completion).toMatchObject({ state: 'done', firedBy: 'timers-node' });
    const fired = (await db.select().from(timers)).filter((t) => t.state === 'done');
    expect(new Set(fired.map((t) => t.firedBy))).toEqual(new Set(['timers-node']));
    expect(pilot.inbox().filter((n) => n.kind === 'construction.complete')).toHaveLength(1);
    // The node that fired them runs no sector.
    expect(timersNode.realtime.rooms.count).toBe(0);
  });
});
