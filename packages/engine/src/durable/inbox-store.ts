import { type Executor, isUniqueViolation, notifications, players } from '@perihelion/db';
import type { InboxMessage } from '@perihelion/protocol';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';

/** A durable notification as a client receives it: the protocol's message, defined once there. */
export type { InboxMessage };

export interface NewNotification {
  kind: string;
  text: string;
  data?: Record<string, unknown>;
  /** The sender's idempotency key: a post with a key the player's inbox already has is not stored again. */
  nonce?: string;
}

/** Rows per query when reading an inbox: a long backlog is read in pages, never all at once. */
export const INBOX_PAGE = 100;

/**
 * Gives the notification the player's next sequence number and stores it, in one statement: the
 * counter bump and the row are atomic even without a transaction, and the bump's row lock orders
 * concurrent posts to one player (sequence numbers are gap-free and in commit order per player).
 * With a nonce, a post the inbox already holds returns the stored one's number instead: run such a
 * post on the database, not in a caller's transaction, since losing the race of two identical
 * retries ends in a unique violation (the failed statement rolls its bump back), answered by
 * reading the winner. Throws when the player does not exist.
 */
export async function insertNotification(
  exec: Executor,
  playerId: string,
  n: NewNotification,
): Promise<number> {
  if (n.nonce === undefined) return insertRow(exec, playerId, n);
  const stored = await seqOfNonce(exec, playerId, n.nonce);
  if (stored !== null) return stored;
  try {
    return await insertRow(exec, playerId, n);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await seqOfNonce(exec, playerId, n.nonce);
    if (winner === null) throw err;
    return winner;
  }
}

async function seqOfNonce(exec: Executor, playerId: string, nonce: string): Promise<number | null> {
  const [row] = await exec
    .select({ seq: notifications.seq })
    .from(notifications)
    .where(and(eq(notifications.playerId, playerId), eq(notifications.nonce, nonce)));
  return row?.seq ?? null;
}

async function insertRow(exec: Executor, playerId: string, n: NewNotification): Promise<number> {
  const bumped = exec.$with('bumped').as(
    exec
      .update(players)
      .set({ inboxSeq: sql`${players.inboxSeq} + 1` })
      .where(eq(players.id, playerId))
      .returning({ seq: players.inboxSeq }),
  );
  const rows = await exec
    .with(bumped)
    .insert(notifications)
    .select((qb) =>
      qb
        .select({
          playerId: sql`${playerId}`.as('player_id'),
          seq: bumped.seq,
          kind: sql`${n.kind}`.as('kind'),
          text: sql`${n.text}`.as('text'),
          data: sql`${JSON.stringify(n.data ?? {})}::jsonb`.as('data'),
          createdAt: sql`now()`.as('created_at'),
          nonce: sql`${n.nonce ?? null}::text`.as('nonce'),
        })
        .from(bumped),
    )
    .returning({ seq: notifications.seq });
  const seq = rows[0]?.seq;
  if (seq === undefined) throw new Error(`cannot post to the inbox of unknown player '${playerId}'`);
  return seq;
}

/** One page of the player's notifications after `afterSeq`, in order. */
export async function notificationsAfter(
  exec: Executor,
  playerId: string,
  afterSeq: number,
  limit = INBOX_PAGE,
): Promise<InboxMessage[]> {
  const rows = await exec
    .select({
      seq: notifications.seq,
      kind: notifications.kind,
      text: notifications.text,
      data: notifications.data,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .where(and(eq(notifications.playerId, playerId), gt(notifications.seq, afterSeq)))
    .orderBy(asc(notifications.seq))
    .limit(limit);
  return rows.map(({ createdAt, ...rest }) => ({ ...rest, at: createdAt.getTime() }));
}

/** The player's acknowledged and issued sequence numbers; null for an unknown player. */
export async function inboxCursor(
  exec: Executor,
  playerId: string,
): Promise<{ acked: number; seq: number } | null> {
  const [row] = await exec
    .select({ acked: players.inboxAcked, seq: players.inboxSeq })
    .from(players)
    .where(eq(players.id, playerId));
  return row ?? null;
}

/** inboxCursor for several players in one query; players not found are absent from the map. */
export async function inboxCursors(
  exec: Executor,
  playerIds: readonly string[],
): Promise<Map<string, { acked: number; seq: number }>> {
  const rows = await exec
    .select({ id: players.id, acked: players.inboxAcked, seq: players.inboxSeq })
    .from(players)
    .where(inArray(players.id, [...playerIds]));
  return new Map(rows.map(({ id, acked, seq }) => [id, { acked, seq }]));
}

/**
 * Moves the acknowledgement forward only, and never past what was issued. Returns the stored
 * acknowledgement after the update (which may be above `upTo`); null for an unknown player.
 */
export async function acknowledge(exec: Executor, playerId: string, upTo: number): Promise<number | null> {
  const [row] = await exec
    .update(players)
    .set({ inboxAcked: sql`greatest(${players.inboxAcked}, least(${upTo}::integer, ${players.inboxSeq}))` })
    .where(eq(players.id, playerId))
    .returning({ acked: players.inboxAcked });
  return row?.acked ?? null;
}
