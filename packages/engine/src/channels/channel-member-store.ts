import { channelMembers, channelReads, type Executor, players } from '@perihelion/db';
import { and, asc, eq, inArray, like, sql } from 'drizzle-orm';

/*
 * The channels' queries about players: members of private and direct channels, display names and
 * read marks (re-exported by channel-store).
 */

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

/** Every channel each of the players is a member of (teams and direct conversations), by name. */
export async function memberChannelsOf(exec: Executor, playerIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(playerIds.map((id) => [id, []]));
  if (playerIds.length === 0) return out;
  const rows = await exec
    .select({ playerId: channelMembers.playerId, channel: channelMembers.channel })
    .from(channelMembers)
    .where(inArray(channelMembers.playerId, playerIds))
    .orderBy(asc(channelMembers.channel));
  for (const row of rows) out.get(row.playerId)?.push(row.channel);
  return out;
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

/** The read marks of the players in the channel (0 for those who never set one). */
export async function readMarks(
  exec: Executor,
  channel: string,
  playerIds: string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>(playerIds.map((id) => [id, 0]));
  if (playerIds.length === 0) return out;
  const rows = await exec
    .select({ playerId: channelReads.playerId, readUpTo: channelReads.readUpTo })
    .from(channelReads)
    .where(and(eq(channelReads.channel, channel), inArray(channelReads.playerId, playerIds)));
  for (const row of rows) out.set(row.playerId, row.readUpTo);
  return out;
}

/** The player's read mark in the channel (0 when never set). */
export async function readMark(exec: Executor, playerId: string, channel: string): Promise<number> {
  const [row] = await exec
    .select({ readUpTo: channelReads.readUpTo })
    .from(channelReads)
    .where(and(eq(channelReads.playerId, playerId), eq(channelReads.channel, channel)));
  return row?.readUpTo ?? 0;
}
