import { channelMessages, channels, type Db } from '@perihelion/db';
import type { Channels } from '@perihelion/engine';
import { type AdminChannel, type ChatMessage, sectorChannel } from '@perihelion/protocol';
import { and, asc, desc, gt, inArray, sql } from 'drizzle-orm';
import { PUBLIC_CHANNELS, READONLY_CHANNELS } from '../messaging.js';

/** Messages shown per channel. */
const RECENT = 5;
/** Channels listed at most (the busiest sector channels after the fixed ones). */
const MAX_CHANNELS = 12;
/**
 * Only channels everyone in them can read: an operator's console does not read private teams or
 * players' direct conversations.
 */
const SHOWN_KINDS = ['public', 'readonly', 'sector'] as const;

/**
 * The channels the console shows, with their last messages: announcements and global always, then
 * the sector channels of the running sectors and the busiest others. Two queries, however many
 * channels: the heads, then the last RECENT messages of each.
 */
export async function channelDigest(
  db: Db,
  hub: Channels,
  runningSectors: readonly string[],
): Promise<AdminChannel[]> {
  const stored = await db
    .select({ name: channels.name, kind: channels.kind, head: channels.head })
    .from(channels)
    .where(inArray(channels.kind, [...SHOWN_KINDS]))
    .orderBy(desc(channels.head))
    .limit(MAX_CHANNELS * 4);
  const heads = new Map(stored.map((c) => [c.name, c]));
  const fixed = [...READONLY_CHANNELS, ...PUBLIC_CHANNELS];
  const names = [
    ...new Set([...fixed, ...runningSectors.map(sectorChannel), ...stored.map((c) => c.name)]),
  ].slice(0, MAX_CHANNELS);
  const withMessages = names.filter((name) => (heads.get(name)?.head ?? 0) > 0);
  const rows =
    withMessages.length === 0
      ? []
      : await db
          .select()
          .from(channelMessages)
          .where(
            and(
              inArray(channelMessages.channel, withMessages),
              gt(
                channelMessages.offset,
                sql`(select ${channels.head} from ${channels} where ${channels.name} = ${channelMessages.channel}) - ${RECENT}`,
              ),
            ),
          )
          .orderBy(asc(channelMessages.channel), asc(channelMessages.offset));
  const recent = new Map<string, ChatMessage[]>();
  for (const row of rows) {
    const list = recent.get(row.channel) ?? [];
    list.push({
      offset: row.offset,
      sender: { id: row.senderId, name: row.senderName },
      text: row.text,
      ...(row.data ? { data: row.data } : {}),
      at: row.at.getTime(),
    });
    recent.set(row.channel, list);
  }
  return names.map((name) => ({
    name,
    kind: heads.get(name)?.kind ?? hub.kindOf(name) ?? 'public',
    head: heads.get(name)?.head ?? 0,
    present: hub.presenceCount(name),
    recent: recent.get(name) ?? [],
  }));
}
