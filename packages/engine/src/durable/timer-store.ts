import { type Executor, timers } from '@perihelion/db';
import { and, asc, eq, lte, sql } from 'drizzle-orm';

/*
 * The timers table's statements, one function each. Every state change is a conditional update on
 * state = 'pending', so whichever statement reaches a row first wins and the others match nothing:
 * PostgreSQL's row lock makes a second writer wait and then re-check the condition.
 *
 * Clock: due times are compared with a `now` the caller passes (the process clock), never with the
 * database's now(). Tests can then reason about one clock, and every node uses its own NTP-synced
 * clock; skew between nodes shifts when a timer fires, never whether it fires once.
 */

/** A timer row as its handler sees it. */
export interface FiringTimer {
  id: string;
  kind: string;
  key: string | null;
  payload: unknown;
  dueAt: Date;
  /** Which attempt this is, counting from 1. */
  attempts: number;
}

/** A timer to insert; a null or undefined payload is stored as {} (the column is NOT NULL). */
export interface NewTimer {
  id: string;
  kind: string;
  dueAt: Date;
  payload: unknown;
  key?: string | undefined;
}

/** Inserts a pending timer; false when a pending timer with the same key already exists. */
export async function insertTimer(exec: Executor, t: NewTimer): Promise<boolean> {
  const rows = await exec
    .insert(timers)
    .values({ id: t.id, kind: t.kind, key: t.key ?? null, dueAt: t.dueAt, payload: t.payload ?? {} })
    // Spelled like the partial unique index's predicate so PostgreSQL picks it as the arbiter.
    .onConflictDoNothing({ target: timers.key, where: sql`state = 'pending'` })
    .returning({ id: timers.id });
  return rows.length > 0;
}

/** pending → cancelled; true only when this statement made the change. */
export async function cancelTimer(exec: Executor, id: string): Promise<boolean> {
  const rows = await exec
    .update(timers)
    .set({ state: 'cancelled' })
    .where(and(eq(timers.id, id), eq(timers.state, 'pending')))
    .returning({ id: timers.id });
  return rows.length > 0;
}

/**
 * The claim: pending → done for a due timer, in the transaction that then runs its handler. Null
 * when the timer was fired or cancelled elsewhere, is not due yet, or is not visible (yet).
 */
export async function claimTimer(
  exec: Executor,
  id: string,
  nodeId: string,
  now: Date,
): Promise<FiringTimer | null> {
  const [row] = await exec
    .update(timers)
    .set({ state: 'done', firedBy: nodeId, firedAt: now, attempts: sql`${timers.attempts} + 1` })
    .where(and(eq(timers.id, id), eq(timers.state, 'pending'), lte(timers.dueAt, now)))
    .returning({
      id: timers.id,
      kind: timers.kind,
      key: timers.key,
      payload: timers.payload,
      dueAt: timers.dueAt,
      attempts: timers.attempts,
    });
  return row ?? null;
}

/** Longest wait between two attempts, whatever maxAttempts is (keeps the interval arithmetic sane). */
const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;

export interface FailureOutcome {
  state: 'pending' | 'failed';
  dueAt: Date;
  attempts: number;
}

/**
 * Records a failed attempt (outside the rolled-back transaction): counts it, keeps the error, and
 * either moves the due time back by retryBaseMs * 2^(attempts - 1) or gives up after maxAttempts.
 * One statement, conditional on pending, so it cannot resurrect a timer fired or cancelled since.
 */
export async function recordFailure(
  exec: Executor,
  id: string,
  error: string,
  now: Date,
  policy: { maxAttempts: number; retryBaseMs: number },
): Promise<FailureOutcome | null> {
  // In SET expressions the columns hold the row's old values: attempts is the count before this one.
  const givesUp = sql`${timers.attempts} + 1 >= ${policy.maxAttempts}`;
  const backoffMs = sql`least(${policy.retryBaseMs}::float8 * power(2, ${timers.attempts}), ${MAX_BACKOFF_MS}::float8)`;
  const [row] = await exec
    .update(timers)
    .set({
      attempts: sql`${timers.attempts} + 1`,
      lastError: error,
      state: sql`case when ${givesUp} then 'failed' else 'pending' end`,
      dueAt: sql`case when ${givesUp} then ${timers.dueAt} else ${now.toISOString()}::timestamptz + ${backoffMs} * interval '1 millisecond' end`,
    })
    .where(and(eq(timers.id, id), eq(timers.state, 'pending')))
    .returning({ state: timers.state, dueAt: timers.dueAt, attempts: timers.attempts });
  if (!row) return null;
  return { state: row.state === 'failed' ? 'failed' : 'pending', dueAt: row.dueAt, attempts: row.attempts };
}

/** Pending timers due by `until` (overdue ones included), earliest first, at most `limit`. */
export async function pendingDueBy(
  exec: Executor,
  until: Date,
  limit: number,
): Promise<Array<{ id: string; dueAt: Date }>> {
  return exec
    .select({ id: timers.id, dueAt: timers.dueAt })
    .from(timers)
    .where(and(eq(timers.state, 'pending'), lte(timers.dueAt, until)))
    .orderBy(asc(timers.dueAt))
    .limit(limit);
}
