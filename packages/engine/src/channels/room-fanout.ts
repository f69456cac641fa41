import type { ChatServerToClientEvents } from '@perihelion/protocol';
import type { Socket } from 'socket.io';
import type { ChatFanout } from './chat-fanout.js';
import type { ChatConnection } from './subscription.js';

/** What RoomFanout needs of the `/chat` namespace. */
export interface RoomNamespace {
  readonly sockets: ReadonlyMap<string, Socket>;
  readonly local: { to(room: string): { emit(event: string, payload: unknown): boolean } };
}

/**
 * Packets a connection may have waiting before it counts as a reader that cannot keep up (the same
 * bound SocketLink applies to what is sent to one connection).
 */
const MAX_QUEUED_PACKETS = 512;

/** How often broadcasting looks for connections whose queue overflowed. */
const SWEEP_MS = 1000;

/** engine.io keeps unsent packets in `writeBuffer`; it is not in the public typings. */
function queuedPackets(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}

/**
 * Chat groups as Socket.IO rooms of the `/chat` namespace: `emit` is one `to(room).emit`, encoded
 * once for the whole room, and only on this node (`local`: presence and live fan-out are per
 * process; other nodes serve their own connections).
 *
 * A broadcast does not pass through each connection's bounded send, so every SWEEP_MS of
 * broadcasting the namespace's queues are checked and a connection over the bound is dropped
 * (`overflow`): a slow reader cannot grow the server's memory, and the check costs one look per
 * connection per second, not one per message.
 */
export class RoomFanout implements ChatFanout {
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly nsp: RoomNamespace,
    private readonly overflow: (socket: Socket) => void,
  ) {}

  join(conn: ChatConnection, group: string): void {
    void this.nsp.sockets.get(conn.id)?.join(group);
  }

  leave(conn: ChatConnection, group: string): void {
    void this.nsp.sockets.get(conn.id)?.leave(group);
  }

  emit<E extends keyof ChatServerToClientEvents>(
    group: string,
    event: E,
    payload: Parameters<ChatServerToClientEvents[E]>[0],
  ): void {
    this.nsp.local.to(group).emit(event, payload);
    const now = performance.now();
    if (now - this.lastSweep < SWEEP_MS) return;
    this.lastSweep = now;
    for (const socket of this.nsp.sockets.values()) {
      if (queuedPackets(socket) > MAX_QUEUED_PACKETS) this.overflow(socket);
    }
  }
}
