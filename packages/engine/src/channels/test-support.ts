import type { ChatMessage, ChatServerToClientEvents, Role } from '@perihelion/protocol';
import type { Principal } from '../auth/principal.js';
import { randomId } from '../ids.js';
import type { ChatConnection } from './subscription.js';

/*
 * Helpers shared by the channel tests (not exported from the package).
 */

export const principal = (playerId: string, role: Role = 'player', name = playerId): Principal => ({
  playerId,
  name,
  role,
  expiresAt: Number.POSITIVE_INFINITY,
});

type PayloadOf<E extends keyof ChatServerToClientEvents> = Parameters<ChatServerToClientEvents[E]>[0];

type Sent = {
  [E in keyof ChatServerToClientEvents]: { event: E; payload: Parameters<ChatServerToClientEvents[E]>[0] };
}[keyof ChatServerToClientEvents];

/** A connection that records what it was sent, in order (acks included when a test logs them). */
export class RecordingChat implements ChatConnection {
  readonly id = randomId('c', 8);
  readonly log: (Sent | { event: 'ack'; payload: unknown })[] = [];
  dropped: string | null = null;

  constructor(public principal: Principal) {}

  send: ChatConnection['send'] = (event, payload) => {
    this.log.push({ event, payload } as Sent);
  };

  drop(reason: string): void {
    this.dropped = reason;
  }

  /** The offsets received on one channel, in arrival order. */
  offsets(channel: string): number[] {
    return this.messages(channel).map((m) => m.offset);
  }

  messages(channel: string): ChatMessage[] {
    return this.log.flatMap((e) =>
      e.event === 'channel:messages' && e.payload.channel === channel ? e.payload.messages : [],
    );
  }

  events<E extends keyof ChatServerToClientEvents>(event: E): PayloadOf<E>[] {
    const payloads: unknown[] = this.log.filter((e) => e.event === event).map((e) => e.payload);
    return payloads as PayloadOf<E>[];
  }

  /** Names in the newest directory received. */
  directory(): string[] {
    return (
      this.events('channels')
        .at(-1)
        ?.channels.map((c) => c.name) ?? []
    );
  }
}
