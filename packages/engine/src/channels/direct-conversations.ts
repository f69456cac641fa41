import type { Db } from '@perihelion/db';
import { directParticipants } from '@perihelion/protocol';
import { addMembers } from './channel-store.js';

/** Direct channels remembered as recorded before the cache starts over. */
const MAX_RECORDED_DIRECT = 10_000;

/**
 * Records both players of a direct conversation as its members (channel_members), which is what
 * puts it in their directories. Done before its first message is stored, so no stored message can
 * miss its recipient's directory; a failure fails the message.
 */
export class DirectConversations {
  /** Direct channels whose two participants are known to be recorded (only a cache of the store). */
  private readonly recorded = new Set<string>();

  constructor(private readonly db: Db) {}

  /** Records the pair (idempotent); returns the players who were not members before. Throws. */
  async record(channel: string): Promise<string[]> {
    if (this.recorded.has(channel)) return [];
    const pair = directParticipants(channel);
    if (!pair) throw new Error(`${channel} is not a direct channel`);
    const added = await addMembers(this.db, channel, pair);
    // Bounded by starting over: forgetting only costs an idempotent insert.
    if (this.recorded.size >= MAX_RECORDED_DIRECT) this.recorded.clear();
    this.recorded.add(channel);
    return added;
  }
}
