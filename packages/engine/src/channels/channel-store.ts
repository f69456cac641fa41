import {
  channelMembers,
  channelMessages,
  channelReads,
  channels,
  type Executor,
  players,
} from '@perihelion/db';
import type { ChannelKind, ChatMessage } from '@perihelion/protocol';
import { and, asc, eq, gt, inArray, like, lte, sql } from 'drizzle-orm';

/*
 * The channels' queries. Offsets are given out by bumping channels.head: the bump's row lock
 * orders concurrent appends to one channel, and the bump and the insert are one statement, so an
 * offset is never lost or given twice (a failed insert rolls its bump back).
 */

/** Rows per read: a long history is read in pages, never all at once. */
export const CHANNEL_PAGE = 100;

export interface NewChannelMessage {
  senderId: string;
  senderName: string;
  text: string;
  data?: Record<string, unknown> | undefined;
  /** Client-chosen id of this publish: a retry with the same (channel, sender, nonce) is stored once. */
  nonce?: string | undefined;
}

export interface Appended {
  offset: number;
  at: number;
  /** False when the nonce matched a stored message (a retry): nothing new was stored. */
  created: boolean;
}

/**
 * Stores a message with the channel's next offset (creating the channel row on first use).
 * Idempotent per (channel, sender, nonce): a retry returns the stored message's offset. Run it on
 * the database, not inside a caller's transaction: losing the race of two identical retries ends
 * in a unique violation, which is answered by reading the winner, and that read is impossible in a
 * transaction the violation has aborted.
 */
export async function appendMessage(
  exec: Executor,
  channel: string,
  kind: ChannelKind,
  m: NewChannelMessage,
): Promise<Appended> {
  if (m.nonce !== undefined) {
    const existing = await findByNonce(exec, channel, m.senderId, m.nonce);
    if (existing) return existing;
  }
  try {
    return await insertMessage(exec, channel, kind, m);
  } catch (err) {
    if (m.nonce === undefined || !isUniqueViolation(err)) throw err;
    const existing = await findByNonce(exec, channel, m.senderId, m.nonce);
    if (!existing) throw err;
    return existing;
  }
}

async function insertMessage(
  exec: Executor,
  channel: string,
  kind: ChannelKind,
  m: NewChannelMessage,
): Promise<Appended> {
  const bumped = exec.$with('bumped').as(
    exec
      .insert(channels)
      .values({ name: channel, kind, head: 1 })
      .onConflictDoUpdate({ target: channels.name, set: { head: sql`${channels.head} + 1` } })
      .returning({ offset: channels.head }),
  );
  const data = m.data === undefined ? sql`null::jsonb` : sql`${JSON.stringify(m.data)}::jsonb`;
  const rows = await exec
    .with(bumped)
    .insert(channelMessages)
    .select((qb) =>
      qb
        .select({
          channel: sql`${channel}`.as('channel'),
          offset: bumped.offset,
          senderId: sql`${m.senderId}`.as('sender_id'),
          senderName: sql`${m.senderName}`.as('sender_name'),
          text: sql`${m.text}`.as('text'),
          data: data.as('data'),
          nonce: sql`${m.nonce ?? null}::text`.as('nonce'),
          at: sql`now()`.as('at'),
        })
        .from(bumped),
    )
    .returning({ offset: channelMessages.offset, at: channelMessages.at });
  const row = rows[0];
  if (!row) throw new Error(`appending to ${channel} stored nothing`);
  return { offset: row.offset, at: row.at.getTime(), created: true };
}

async function findByNonce(
  exec: Executor,
  channel: string,
  senderId: string,
  nonce: string,
): Promise<Appended | null> {
  const [row] = await exec
    .select({ offset: channelMessages.offset, at: channelMessages.at })
    .from(channelMessages)
    .where(
      and(
        eq(channelMessages.channel, channel),
        eq(channelMessages.senderId, senderId),
        eq(channelMessages.nonce, nonce),
      ),
    );
  return row ? { offset: row.offset, at: row.at.getTime(), created: false } : null;
}

/** PostgreSQL's unique_violation, through drizzle's wrapping (the driver's error is a `cause`). */
function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/** Drops the messages at or below `upTo` (the ones retention no longer keeps). */
export async function pruneMessages(exec: Executor, channel: string, upTo: number): Promise<void> {
  if (upTo < 1) return;
  await exec
    .delete(channelMessages)
    .where(and(eq(channelMessages.channel, channel), lte(channelMessages.offset, upTo)));
}

/** One page of a channel's messages after `after`, in offset order. */
export async function messagesAfter(
  exec: Executor,
  channel: string,
  after: number,
  limit = CHANNEL_PAGE,
): Promise<ChatMessage[]> {
  const rows = await exec
    .select()
    .from(channelMessages)
    .where(and(eq(channelMessages.channel, channel), gt(channelMessages.offset, after)))
    .orderBy(asc(channelMessages.offset))
    .limit(limit);
  return rows.map((r) => ({
    offset: r.offset,
    sender: { id: r.senderId, name: r.senderName },
    text: r.text,
    ...(r.data ? { data: r.data } : {}),
    at: r.at.getTime(),
  }));
}

/**
 * The newest offset given out (0 for a channel that never had a message) and the oldest offset
 * still stored (null when none is): what retention has kept, whatever the retention was when it
 * pruned.
 */
export async function channelBounds(
  exec: Executor,
  channel: string,
): Promise<{ head: number; oldest: number | null }> {
  const [row] = await exec
    .select({
      head: channels.head,
      oldest: sql<
        number | null
      >`(select min(${channelMessages.offset}) from ${channelMessages} where ${channelMessages.channel} = ${channel})`.mapWith(
        Number,
      ),
    })
    .from(channels)
    .where(eq(channels.name, channel));
  return { head: row?.head ?? 0, oldest: row?.oldest ?? null };
}

// ---- members ------------------------------------------------------------------------------------

/** Adds members (idempotent); returns the players who were not members before. */
export async function addMembers(exec: Executor, channel: string, playerIds: string[]): Promise<string[]> {
  if (playerIds.length === 0) return [];
  const rows = await exec
    .insert(channelMembers)
    .values(playerIds.map((playerId) => ({ channel, playerId })))
    .onConflictDoNothing()
    .returning({ playerId: channelMembers.playerId });
  return rows.map((r) => r.playerId);
}

/** Removes a member; false when the player was not one. */
export async function removeMember(exec: Executor, channel: string, playerId: string): Promise<boolean> {
  const rows = await exec
    .delete(channelMembers)
    .where(and(eq(channelMembers.channel, channel), eq(channelMembers.playerId, playerId)))
    .returning({ playerId: channelMembers.playerId });
  return rows.length > 0;
}

export async function isMember(exec: Executor, channel: string, playerId: string): Promise<boolean> {
  const [row] = await exec
    .select({ playerId: channelMembers.playerId })
    .from(channelMembers)
    .where(and(eq(channelMembers.channel, channel), eq(channelMembers.playerId, playerId)));
  return row !== undefined;
}

/** The channels starting with `prefix` that the player is a member of, by name. */
export async function memberChannels(exec: Executor, playerId: string, prefix: string): Promise<string[]> {
  const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await exec
    .select({ channel: channelMembers.channel })
    .from(channelMembers)
    .where(and(eq(channelMembers.playerId, playerId), like(channelMembers.channel, `${escaped}%`)))
    .orderBy(asc(channelMembers.channel));
  return rows.map((r) => r.channel);
}

// ---- players ------------------------------------------------------------------------------------

/** Display names of the given players that exist. */
export async function playerNames(exec: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await exec
    .select({ id: players.id, name: players.name })
    .from(players)
    .where(inArray(players.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

// ---- read marks ---------------------------------------------------------------------------------

/** Moves the player's read mark forward only (an older device cannot move it back). */
export async function markRead(
  exec: Executor,
  playerId: string,
  channel: string,
  upTo: number,
): Promise<void> {
  await exec
    .insert(channelReads)
    .values({ playerId, channel, readUpTo: upTo })
    .onConflictDoUpdate({
      target: [channelReads.playerId, channelReads.channel],
      set: { readUpTo: sql`greatest(${channelReads.readUpTo}, excluded.read_up_to)` },
    });
}

/** The player's read mark in the channel (0 when never set). */
export async function readMark(exec: Executor, playerId: string, channel: string): Promise<number> {
  const [row] = await exec
    .select({ readUpTo: channelReads.readUpTo })
    .from(channelReads)
    .where(and(eq(channelReads.playerId, playerId), eq(channelReads.channel, channel)));
  return row?.readUpTo ?? 0;
}

/**
 * The channel's head and its oldest retained offset as clients are told: everything from
 * `retainedFrom` to `head` can be read. Never below what retention keeps (`head - retention + 1`)
 * nor below what is really stored (a retention raised after pruning cannot bring messages back).
 */
export async function retainedRange(
  exec: Executor,
  channel: string,
  retention: number,
): Promise<{ head: number; retainedFrom: number }> {
  const { head, oldest } = await channelBounds(exec, channel);
  return { head, retainedFrom: Math.max(1, head - retention + 1, oldest ?? head + 1) };
}
