import { channelMessages, channelNonces, channels, type Executor, isUniqueViolation } from '@perihelion/db';
import type { ChannelKind, ChatMessage } from '@perihelion/protocol';
import { and, asc, eq, gt, lt, lte, sql } from 'drizzle-orm';

export {
  addMembers,
  isMember,
  markRead,
  memberChannels,
  memberChannelsOf,
  playerNames,
  readMark,
  readMarks,
  removeMember,
} from './channel-member-store.js';

/*
 * The channels' queries. Offsets are given out by bumping channels.head: the bump's row lock
 * orders concurrent appends to one channel, and the bump and the insert are one statement, so an
 * offset is never lost or given twice (a failed insert rolls its bump back). A publish's nonce is
 * recorded in channel_nonces by that same statement.
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
 * Idempotent per (channel, sender, nonce) for as long as channel_nonces keeps the nonce (see
 * pruneNonces), whether or not retention still keeps the message: a retry returns the stored
 * offset. Run it on the database, not inside a caller's transaction: losing the race of two
 * identical retries ends in a unique violation, which is answered by reading the winner, and that
 * read is impossible in a transaction the violation has aborted.
 */
export async function appendMessage(
  exec: Executor,
  channel: string,
  kind: ChannelKind,
  m: NewChannelMessage,
  /** The caller has just looked the nonce up (findByNonce) and found nothing. */
  opts: { nonceChecked?: boolean } = {},
): Promise<Appended> {
  if (m.nonce !== undefined && !opts.nonceChecked) {
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

/** Bumps the head, stores the message and (with a nonce) records it: one statement. */
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
  const stored = exec.$with('stored').as(
    exec
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
      .returning({ offset: channelMessages.offset, at: channelMessages.at }),
  );
  const rows =
    m.nonce === undefined
      ? await exec.with(bumped, stored).select({ offset: stored.offset, at: stored.at }).from(stored)
      : await exec
          .with(bumped, stored)
          .insert(channelNonces)
          .select((qb) =>
            qb
              .select({
                channel: sql`${channel}`.as('channel'),
                senderId: sql`${m.senderId}`.as('sender_id'),
                nonce: sql`${m.nonce}::text`.as('nonce'),
                offset: stored.offset,
                at: stored.at,
              })
              .from(stored),
          )
          .returning({ offset: channelNonces.offset, at: channelNonces.at });
  const row = rows[0];
  if (!row) throw new Error(`appending to ${channel} stored nothing`);
  return { offset: row.offset, at: row.at.getTime(), created: true };
}

/** The message a sender's publish with this nonce was stored as, or null (never, or forgotten). */
export async function findByNonce(
  exec: Executor,
  channel: string,
  senderId: string,
  nonce: string,
): Promise<Appended | null> {
  const [row] = await exec
    .select({ offset: channelNonces.offset, at: channelNonces.at })
    .from(channelNonces)
    .where(
      and(
        eq(channelNonces.channel, channel),
        eq(channelNonces.senderId, senderId),
        eq(channelNonces.nonce, nonce),
      ),
    );
  return row ? { offset: row.offset, at: row.at.getTime(), created: false } : null;
}

/**
 * Forgets the nonces of publishes stored more than `maxAgeMs` ago (a retry of one of those would be
 * stored again); returns how many went.
 */
export async function pruneNonces(exec: Executor, maxAgeMs: number): Promise<number> {
  const gone = exec.$with('gone').as(
    exec
      .delete(channelNonces)
      .where(lt(channelNonces.at, sql`now() - ${Math.max(0, maxAgeMs)} * interval '1 millisecond'`))
      .returning({ channel: channelNonces.channel }),
  );
  const [row] = await exec
    .with(gone)
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(gone);
  return row?.n ?? 0;
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
