import { type Db, notifications, openStore, players, timers } from '@perihelion/db';
import { TEST_DATABASE_URL, type TestStore, type TestStoreTarget } from '@perihelion/db/testing';
import { asc, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { randomId } from '../ids.js';
import { Inbox, type InboxConnection, type InboxMessage } from './inbox.js';
import {
  DurableScheduler,
  type DurableSchedulerOptions,
  type FiringTimer,
  type TimerHandler,
} from './scheduler.js';

/*
 * Helpers shared by the durable tests (not exported from the package).
 */

/** Opening a store: PGlite takes seconds, more when test files start side by side on few cores. */
export const OPEN_GUARD_MS = 60_000;

/**
 * One store for a describe block of one target: opened before its tests (unless the target is
 * skipped), handed over through `use`, destroyed after them.
 */
export function suiteStore(target: TestStoreTarget, use: (store: TestStore) => void): void {
  let store: TestStore | undefined;
  beforeAll(async () => {
    if (target.skipReason !== null) return;
    store = await target.open();
    use(store);
  }, OPEN_GUARD_MS);
  afterAll(async () => {
    await store?.destroy();
  });
}

export const quietLogger = () => pino({ level: 'silent' });

/**
 * Polls until `check` stops throwing; the guard is generous because it only bounds a hang, it
 * does not measure speed.
 */
export async function eventually<T>(check: () => T | Promise<T>, guardMs = 15_000): Promise<T> {
  const deadline = Date.now() + guardMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
  }
}

/** Waits until the process clock has passed `at` (a wait, not an assertion). */
export async function waitUntilPast(at: Date): Promise<void> {
  while (Date.now() <= at.getTime()) await new Promise((resolve) => setTimeout(resolve, 10));
}

export async function createPlayer(db: Db, prefix = 'p'): Promise<string> {
  const id = randomId(prefix, 6);
  await db.insert(players).values({ id, tokenHash: randomId('h'), name: id });
  return id;
}

export async function timerRow(db: Db, id: string) {
  const [row] = await db.select().from(timers).where(eq(timers.id, id));
  if (!row) throw new Error(`no timer ${id}`);
  return row;
}

export async function notificationsOf(db: Db, playerId: string) {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.playerId, playerId))
    .orderBy(asc(notifications.seq));
}

export async function playerRow(db: Db, playerId: string) {
  const [row] = await db.select().from(players).where(eq(players.id, playerId));
  if (!row) throw new Error(`no player ${playerId}`);
  return row;
}

/** Leaves no pending timer behind for the next test's schedulers to pick up. */
export async function cancelAllPending(db: Db): Promise<void> {
  await db.update(timers).set({ state: 'cancelled' }).where(eq(timers.state, 'pending'));
}

/**
 * A second handle on the same database, as another process would have: a separate pool for
 * PostgreSQL. PGlite is one in-process database with one connection, so the same handle.
 */
export async function secondHandle(store: TestStore): Promise<{ db: Db; close(): Promise<void> }> {
  if (store.kind === 'pglite') return { db: store.db, close: async () => {} };
  // location has its password redacted: take the credentials from TEST_DATABASE_URL (the scratch
  // database sits next to it) and only the database name from location.
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = new URL(store.location).pathname;
  const other = await openStore({ databaseUrl: url.toString(), poolSize: 4 });
  return { db: other.db, close: () => other.close() };
}

/** A connection that records what it was sent. */
export class RecordingConnection implements InboxConnection {
  readonly received: InboxMessage[] = [];
  constructor(readonly id: string = randomId('c', 6)) {}
  send(message: InboxMessage): void {
    this.received.push(message);
  }
  get seqs(): number[] {
    return this.received.map((m) => m.seq);
  }
}

/** The live connections of each player, as a gateway would report them. */
export class ConnectionRegistry {
  private readonly byPlayer = new Map<string, Map<string, InboxConnection>>();

  add(playerId: string, conn: InboxConnection): void {
    const conns = this.byPlayer.get(playerId) ?? new Map<string, InboxConnection>();
    conns.set(conn.id, conn);
    this.byPlayer.set(playerId, conns);
  }

  remove(playerId: string, connId: string): void {
    this.byPlayer.get(playerId)?.delete(connId);
  }

  readonly connectionsOf = (playerId: string): Iterable<InboxConnection> =>
    this.byPlayer.get(playerId)?.values() ?? [];
}

export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * A timer handler whose effect is a notification posted in the firing transaction, so effects can
 * be counted as rows; `fail` decides, after the post, whether this attempt throws (rolling it back).
 */
export function postingHandler(inbox: Inbox, fail: (timer: FiringTimer) => boolean = () => false) {
  const attempts: string[] = [];
  const committed: string[] = [];
  const handler: TimerHandler = async (timer, tx) => {
    attempts.push(timer.id);
    const { playerId } = timer.payload as { playerId: string };
    await inbox.post(tx, playerId, { kind: 'test.timer', text: timer.id, data: { timerId: timer.id } });
    if (fail(timer)) throw new Error(`planned failure of ${timer.id} (attempt ${timer.attempts})`);
    return () => {
      committed.push(timer.id);
    };
  };
  return { handler, attempts, committed };
}

export const NOTE = 'test.note';

/**
 * Makes schedulers for one test store with the posting handler registered under NOTE, and after
 * each test stops them and cancels whatever they left pending (the next test's sweeps would
 * otherwise pick it up).
 */
export class SchedulerBench {
  private readonly made: DurableScheduler[] = [];
  private inbox: Inbox | null = null;

  constructor(private readonly db: () => Db) {}

  make(opts: Partial<DurableSchedulerOptions> = {}, fail?: (timer: FiringTimer) => boolean) {
    const db = this.db();
    this.inbox ??= new Inbox({ db, logger: quietLogger(), connectionsOf: () => [] });
    const s = new DurableScheduler({ db, nodeId: 'node-a', logger: quietLogger(), sweepMs: 50, ...opts });
    const effects = postingHandler(this.inbox, fail);
    s.on(NOTE, effects.handler);
    this.made.push(s);
    return { s, ...effects };
  }

  async reset(): Promise<void> {
    await Promise.all(this.made.splice(0).map((s) => s.stop()));
    await cancelAllPending(this.db());
  }
}
