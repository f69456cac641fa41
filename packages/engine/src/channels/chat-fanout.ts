import type { ChatServerToClientEvents } from '@perihelion/protocol';
import type { ChatConnection } from './subscription.js';

type Payload<E extends keyof ChatServerToClientEvents> = Parameters<ChatServerToClientEvents[E]>[0];

/**
 * Groups of connections that receive one event together: a channel's live messages and its
 * presence batches go to a group, so one message to a channel of 10,000 is encoded once and
 * written 10,000 times, not built and encoded 10,000 times. The `/chat` gateway puts it on
 * Socket.IO rooms; without one (tests, a hub nobody connects to over the network) LocalFanout
 * sends to each member.
 */
export interface ChatFanout {
  /** Adds the connection to the group (idempotent). */
  join(conn: ChatConnection, group: string): void;
  /** Takes the connection out of the group (idempotent). */
  leave(conn: ChatConnection, group: string): void;
  /** Sends one event to every connection in the group now, on this node only. */
  emit<E extends keyof ChatServerToClientEvents>(group: string, event: E, payload: Payload<E>): void;
}

/** The group of a channel's live messages (connections caught up with its feed). */
export const messagesGroup = (channel: string): string => `chat-messages:${channel}`;

/** The group of a channel's presence batches (connections whose subscribe was answered). */
export const presenceGroup = (channel: string): string => `chat-presence:${channel}`;

/** Groups as sets of connections, each sent the event through its own `send`. */
export class LocalFanout implements ChatFanout {
  private readonly groups = new Map<string, Map<string, ChatConnection>>();

  join(conn: ChatConnection, group: string): void {
    let members = this.groups.get(group);
    if (!members) {
      members = new Map();
      this.groups.set(group, members);
    }
    members.set(conn.id, conn);
  }

  leave(conn: ChatConnection, group: string): void {
    const members = this.groups.get(group);
    if (!members?.delete(conn.id)) return;
    if (members.size === 0) this.groups.delete(group);
  }

  emit<E extends keyof ChatServerToClientEvents>(group: string, event: E, payload: Payload<E>): void {
    for (const conn of this.groups.get(group)?.values() ?? []) conn.send(event, payload);
  }
}
