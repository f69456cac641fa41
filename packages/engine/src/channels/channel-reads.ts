import type { Db } from '@perihelion/db';
import type { ChatMessage } from '@perihelion/protocol';
import { Batcher, STORE_BATCH_LINGER_MS } from '../batcher.js';
import * as store from './channel-store.js';

/**
 * The store reads of connecting and subscribing, batched (see Batcher): when thousands of
 * connections arrive at once (a restart, a reconnect storm), those subscribing to one channel share
 * its bounds, their read marks come in a few queries, identical replays are read once, and their
 * directories' memberships and peer names in a few queries more. One connection alone costs what it
 * did before, one turn of the event loop later.
 */
export class ChannelReads {
  private readonly bounds: Batcher<{ head: number; retainedFrom: number }>;
  private readonly marks: Batcher<number>;
  private readonly pages: Batcher<ChatMessage[]>;
  private readonly memberships: Batcher<string[]>;
  private readonly names: Batcher<string | null>;

  constructor(db: Db, retention: number) {
    const linger = { lingerMs: STORE_BATCH_LINGER_MS };
    this.bounds = new Batcher(async (channel) => [await store.retainedRange(db, channel, retention)], linger);
    this.marks = new Batcher(async (channel, players) => {
      const marks = await store.readMarks(db, channel, players);
      return players.map((id) => marks.get(id) ?? 0);
    }, linger);
    this.pages = new Batcher(async (group, afters) => {
      const { channel, limit } = pageGroup(group);
      return Promise.all(afters.map((after) => store.messagesAfter(db, channel, Number(after), limit)));
    }, linger);
    this.memberships = new Batcher(async (_, players) => {
      const channels = await store.memberChannelsOf(db, players);
      return players.map((id) => channels.get(id) ?? []);
    }, linger);
    this.names = new Batcher(async (_, ids) => {
      const names = await store.playerNames(db, ids);
      return ids.map((id) => names.get(id) ?? null);
    }, linger);
  }

  /** The channel's head and oldest retained offset (see store.retainedRange). */
  retainedRange(channel: string): Promise<{ head: number; retainedFrom: number }> {
    return this.bounds.load(channel, '');
  }

  /** The player's read mark in the channel (0 when never set). */
  readMark(playerId: string, channel: string): Promise<number> {
    return this.marks.load(channel, playerId);
  }

  /** One page of the channel's messages after `after` (shared by every caller asking the same). */
  messagesAfter(channel: string, after: number, limit: number): Promise<ChatMessage[]> {
    return this.pages.load(`${limit}:${channel}`, String(after));
  }

  /** Every channel the player is a member of (teams and direct conversations), by name. */
  memberChannels(playerId: string): Promise<string[]> {
    return this.memberships.load('', playerId);
  }

  /** Display names of the given players that exist. */
  async playerNames(ids: string[]): Promise<Map<string, string>> {
    const names = await Promise.all(ids.map((id) => this.names.load('', id)));
    const out = new Map<string, string>();
    ids.forEach((id, i) => {
      const name = names[i];
      if (name !== null && name !== undefined) out.set(id, name);
    });
    return out;
  }
}

function pageGroup(group: string): { channel: string; limit: number } {
  const colon = group.indexOf(':');
  return { limit: Number(group.slice(0, colon)), channel: group.slice(colon + 1) };
}
