import type { ChannelKind, ChatMessage } from '@perihelion/protocol';

/** Where a subscription was when it ended: enough to resume it from there. */
export interface SubscriptionPosition {
  readonly messages: readonly ChatMessage[];
  readonly lastOffset: number;
  /** `lastOffset` is a real position in the channel (a resume asks for what follows it). */
  readonly anchored: boolean;
  readonly readUpTo: number;
  readonly kind: ChannelKind | null;
  readonly gap: boolean;
}

/** Channels remembered after their subscription ended. */
export const MAX_PARKED_CHANNELS = 20;

/**
 * The positions of the most recently ended subscriptions (it left the directory, the server closed
 * it, the player left it), newest kept: a channel that comes back (the sector channel right after
 * a server restart, a team the player rejoins) resumes from its last offset with the messages it
 * had, and the server replays exactly what is missing (or says there is a gap).
 */
export class ParkedChannels {
  private readonly positions = new Map<string, SubscriptionPosition>();

  constructor(private readonly limit = MAX_PARKED_CHANNELS) {}

  get size(): number {
    return this.positions.size;
  }

  park(channel: string, position: SubscriptionPosition): void {
    this.positions.delete(channel);
    this.positions.set(channel, position);
    for (const oldest of this.positions.keys()) {
      if (this.positions.size <= this.limit) break;
      this.positions.delete(oldest);
    }
  }

  /** The position `channel` ended at (forgotten here), or undefined. */
  take(channel: string): SubscriptionPosition | undefined {
    const position = this.positions.get(channel);
    this.positions.delete(channel);
    return position;
  }

  clear(): void {
    this.positions.clear();
  }
}
