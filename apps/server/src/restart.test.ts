import { notifications, openStore, structures, timers } from '@perihelion/db';
import { createScratchDatabase, postgresSkipReason, TEST_DATABASE_URL } from '@perihelion/db/testing';
import type { BuildResult, InboxMessage } from '@perihelion/protocol';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDataDir, GameServer } from './testing/server-process.js';
import { eventually } from './testing/test-server.js';
import { accepted, contentFile, UniverseClient } from './testing/universe-client.js';

const pgSkip = await postgresSkipReason();
if (pgSkip) console.warn(`[skip] restart test on PostgreSQL: ${pgSkip}`);

/** Free builds that take some seconds: long enough to kill the server in between. */
const CONTENT = contentFile({
  structures: { 'station-core': { buildSeconds: 8, cost: { ore: 0, credits: 0 } } },
  raids: { enabled: false },
});

interface StoreEnv {
  env: { DATA_DIR?: string; DATABASE_URL?: string };
  drop(): Promise<void>;
}

const stores = [
  {
    name: 'PGlite',
    skip: null,
    env: async (): Promise<StoreEnv> => ({ env: { DATA_DIR: freshDataDir() }, drop: async () => {} }),
  },
  {
    name: 'PostgreSQL',
    skip: pgSkip,
    env: async (): Promise<StoreEnv> => {
      const db = await createScratchDatabase(TEST_DATABASE_URL);
      return { env: { DATABASE_URL: db.url }, drop: db.drop };
    },
  },
];

describe.each(stores)('a build survives a hard kill of the server ($name)', (store) => {
  const cleanups: (() => Promise<void>)[] = [];
  // Every clean-up runs even when an earlier one fails, so no server process outlives the test.
  afterEach(async () => {
    const failures: unknown[] = [];
    for (const c of cleanups.splice(0).reverse()) await c().catch((err: unknown) => failures.push(err));
    if (failures.length > 0) throw failures[0];
  });

  it.skipIf(store.skip !== null)(
    'SIGKILL before the due time: the next process completes it exactly once, with one notification',
    async () => {
      const { env, drop } = await store.env();
      cleanups.push(drop);
      const config: Record<string, string> = { ...env, CONTENT };

      const first = await GameServer.start({ env: { ...config, NODE_ID: 'first' } });
      cleanups.push(() => first.stop());
      const owner = new UniverseClient(first.url, 'websocket', { name: 'Survivor' });
      cleanups.push(async () => owner.close());
      const join = accepted(await owner.join('restart'));
      const at = owner.shipPosition(join);
      const built = (await owner.build('station-core', at.x, at.y)) as BuildResult;
      if (!built.ok) throw new Error(built.error.message);
      expect(built.structure.completesAt).toBeGreaterThan(Date.now());
      await first.kill();
      expect(first.exitStatus?.signal).toBe('SIGKILL');
      owner.close();

      const second = await GameServer.start({ env: { ...config, NODE_ID: 'second' } });
      cleanups.push(() => second.stop());
      const back = new UniverseClient(second.url, 'polling', { token: owner.profileToken });
      cleanups.push(async () => back.close());
      accepted(await back.join('restart'));
      const note = await eventually(() => back.inbox()[0], 'completion notification', 20_000);
      expect(note).toMatchObject<Partial<InboxMessage>>({ seq: 1, kind: 'construction.complete' });
      await eventually(
        () => back.structures().get(built.structure.id)?.state === 'active',
        'structure active',
      );
      await second.stop();
      back.close();

      // The store has exactly one completion: one fired timer, one notification, an active structure.
      const check = await openStore(
        env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : { dataDir: env.DATA_DIR },
      );
      try {
        const [row] = await check.db.select().from(structures).where(eq(structures.id, built.structure.id));
        expect(row?.state).toBe('active');
        const fired = await check.db.select().from(timers).where(eq(timers.id, row!.timerId!));
        expect(fired.map((t) => t.state)).toEqual(['done']);
        // Fired by the process that started after the kill, not by the one that was killed.
        expect(fired[0]?.firedBy).toBe('second');
        const notes = await check.db
          .select()
          .from(notifications)
          .where(eq(notifications.playerId, join.playerId));
        expect(notes.map((n) => n.kind)).toEqual(['construction.complete']);
      } finally {
        await check.close();
      }
      expect(back.inbox().map((n) => n.seq)).toEqual([1]);
    },
    60_000,
  );
});
