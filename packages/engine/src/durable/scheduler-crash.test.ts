import { type Db, openStore, type Store } from '@perihelion/db';
import { createScratchDatabase, postgresSkipReason, TEST_DATABASE_URL } from '@perihelion/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inbox } from './inbox.js';
import { DurableScheduler } from './scheduler.js';
import {
  createPlayer,
  eventually,
  notificationsOf,
  OPEN_GUARD_MS,
  playerRow,
  quietLogger,
  timerRow,
} from './test-support.js';

/*
 * Exactly once even if the process dies in the middle of a fire. PostgreSQL only: a terminated
 * backend is what the database sees when a process dies mid-transaction (it rolls the claim and
 * the effect back together). PGlite is one connection inside one process; its crash is covered by
 * the server's SIGKILL restart test.
 */
const skipReason = await postgresSkipReason();
if (skipReason) console.warn(`[skip] PostgreSQL crash-in-a-fire test: ${skipReason}`);

const CRASHING = 'test.crashing';

async function backendPid(exec: Pick<Db, 'execute'>): Promise<number> {
  const result = (await exec.execute(sql`select pg_backend_pid() as pid`)) as unknown as {
    rows: Array<{ pid: number }>;
  };
  return result.rows[0]!.pid;
}

describe.skipIf(skipReason !== null)('a process that dies in the middle of a fire (PostgreSQL)', () => {
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  /** Two processes on one database: each its own pool. */
  let storeA: Store | undefined;
  let storeB: Store | undefined;

  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL);
    storeA = await openStore({ databaseUrl: scratch.url, poolSize: 2 });
    storeB = await openStore({ databaseUrl: scratch.url, poolSize: 2 });
  }, OPEN_GUARD_MS);
  afterAll(async () => {
    await storeA?.close();
    await storeB?.close();
    await scratch?.drop();
  });

  it('rolls back the claim with the effect; another node then fires the timer exactly once', async () => {
    const dbA = storeA!.db;
    const dbB = storeB!.db;
    const playerId = await createPlayer(dbB);

    // Node A: its handler posts the effect, then hangs inside the transaction, as a process
    // would that dies right there (released only to let the test finish).
    const inboxA = new Inbox({ db: dbA, logger: quietLogger(), connectionsOf: () => [] });
    const a = new DurableScheduler({ db: dbA, nodeId: 'node-a', logger: quietLogger(), sweepMs: 60_000 });
    let pidA: number | null = null;
    let releaseA = () => {};
    const hung = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    a.on(CRASHING, async (timer, tx) => {
      await inboxA.post(tx, playerId, { kind: 'test.effect', text: timer.id });
      pidA = await backendPid(tx);
      await hung;
      throw new Error('the process is dead; this attempt must leave no trace');
    });

    const inboxB = new Inbox({ db: dbB, logger: quietLogger(), connectionsOf: () => [] });
    const b = new DurableScheduler({ db: dbB, nodeId: 'node-b', logger: quietLogger(), sweepMs: 60_000 });
    const firedByB: string[] = [];
    b.on(CRASHING, async (timer, tx) => {
      await inboxB.post(tx, playerId, { kind: 'test.effect', text: timer.id });
      return () => {
        firedByB.push(timer.id);
      };
    });

    let stoppingA: Promise<void> | null = null;
    let id = '';
    try {
      id = (await a.schedule(dbA, { kind: CRASHING, dueAt: new Date(), payload: {} }))!.id;
      await a.start();
      const pid = await eventually(() => {
        expect(pidA).not.toBeNull();
        return pidA!;
      });
      // Mid-fire: the claim and the effect are written but not committed.
      expect((await timerRow(dbB, id)).state).toBe('pending');
      expect(await notificationsOf(dbB, playerId)).toEqual([]);

      // The process dies: its backend goes away with the transaction open. This process (the
      // test's) must survive A's pooled client losing its server while checked out.
      const killed = (await dbB.execute(sql`select pg_terminate_backend(${pid}) as ok`)) as unknown as {
        rows: Array<{ ok: boolean }>;
      };
      expect(killed.rows[0]!.ok).toBe(true);
      // Nothing of A's runs from here on (no sweep, no retry bookkeeping): it is dead.
      stoppingA = a.stop();

      expect((await timerRow(dbB, id)).state).toBe('pending');
      expect(await notificationsOf(dbB, playerId)).toEqual([]);
      expect((await playerRow(dbB, playerId)).inboxSeq).toBe(0);

      // Another node starts and fires it.
      await b.start();
      await eventually(async () => expect((await timerRow(dbB, id)).state).toBe('done'));
      await b.stop();
      const row = await timerRow(dbB, id);
      expect(row).toMatchObject({ state: 'done', firedBy: 'node-b', attempts: 1, lastError: null });
      const effects = await notificationsOf(dbB, playerId);
      expect(effects.map((n) => [n.seq, n.text])).toEqual([[1, id]]);
      expect(firedByB).toEqual([id]);
    } finally {
      // Let the dead node's scheduler finish: its pool is closed first, so it cannot write
      // anything (a retry record) once its handler returns on the dead connection.
      const closingA = storeA!.close();
      releaseA();
      await Promise.all([stoppingA ?? a.stop(), b.stop(), closingA]);
    }
    expect(await notificationsOf(dbB, playerId)).toHaveLength(1);
    expect(await timerRow(dbB, id)).toMatchObject({ state: 'done', firedBy: 'node-b', attempts: 1 });
  });
});
