import { type ChatServerToClientEvents, jsonEventText } from '@perihelion/protocol';
import type { Socket } from 'socket.io';
import { idleWebSocket } from '../gateway/direct-websocket.js';
import type { ChatFanout } from './chat-fanout.js';
import type { ChatConnection } from './subscription.js';

/** What RoomFanout needs of the `/chat` namespace. */
export interface RoomNamespace {
  readonly name: string;
  readonly sockets: ReadonlyMap<string, Socket>;
  readonly adapter: { readonly rooms: ReadonlyMap<string, ReadonlySet<string>> };
  readonly local: { to(room: string): { emit(event: string, payload: unknown): boolean } };
}

/** engine.io's packet type of a message, the first character of its text frame. */
const ENGINE_MESSAGE = '4';

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
 * Chat groups as Socket.IO rooms of the `/chat` namespace. `emit` encodes the event once for the
 * whole room and writes it to each member, only on this node (presence and live fan-out are per
 * process; other nodes serve their own connections). What Socket.IO's `to(room).emit` would do,
 * with one shortcut: a member whose WebSocket is idle (see idleWebSocket) is written to directly,
 * as one text frame shared by all of them, instead of through engine.io's per-packet queue, flush
 * and drain events, which cost more than the write itself (a message to 10,000 subscribers is
 * 10,000 writes). Any other member (long-polling, mid-upgrade, something queued) gets the same
 * encoded packet through engine.io, behind what is already waiting, so order is kept either way.
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
    this.broadcast(group, event, payload);
    const now = performance.now();
    if (now - this.lastSweep < SWEEP_MS) return;
    this.lastSweep = now;
    for (const socket of this.nsp.sockets.values()) {
      if (queuedPackets(socket) > MAX_QUEUED_PACKETS) this.overflow(socket);
    }
  }

  private broadcast(group: string, event: string, payload: unknown): void {
    const members = this.nsp.adapter.rooms.get(group);
    if (!members || members.size === 0) return;
    const text = jsonEventText(this.nsp.name, event, payload);
    if (text === null) {
      // Not a plain JSON event (binary parts): Socket.IO's own broadcast handles every case.
      this.nsp.local.to(group).emit(event, payload);
      return;
    }
    let frame: Buffer | null = null;
    for (const id of members) {
      const socket = this.nsp.sockets.get(id);
      if (!socket) continue;
      const ws = idleWebSocket(socket);
      if (ws) {
        frame ??= Buffer.from(ENGINE_MESSAGE + text);
        ws.send(frame, { binary: false });
      } else {
        socket.conn.write(text);
      }
    }
  }
}
