import { compactFrame, type ErrorPayload } from '@perihelion/protocol';
import type { Socket } from 'socket.io';
import type { MemberLink } from '../rooms/member.js';
import { idleWebSocket } from './direct-websocket.js';

/**
 * Reliable messages a connection may have queued before it counts as a reader that cannot keep
 * up. Tick data never queues (it is volatile), so only a truly stuck peer reaches this.
 */
const MAX_QUEUED_PACKETS = 512;

/** engine.io keeps unsent packets in `writeBuffer`; it is not in the public typings. */
function queuedPackets(socket: Socket): number {
  const conn = socket.conn as unknown as { writeBuffer?: unknown[] };
  return conn.writeBuffer?.length ?? 0;
}

/**
 * A snapshot is one engine.io packet (the protocol's parser sends it as one binary frame). Allowing
 * one queued packet means at most one older snapshot waits behind the transport; anything newer
 * is dropped until it drains, and the next delta (against what the client acknowledged)
 * supersedes it.
 */
const MAX_QUEUED_SNAPSHOT_PACKETS = 1;

/**
 * Sends to one Socket.IO connection with bounded memory. Tick data is never allowed to pile up:
 * a snapshot is queued only when at most one other is still waiting. This works the same on both
 * transports; Socket.IO's `volatile` flag would instead drop every snapshot produced while no
 * long-polling request happens to be pending, which makes polling clients stutter.
 * A connection whose reliable queue overflows is disconnected rather than allowed to grow memory.
 */
export class SocketLink implements MemberLink {
  constructor(
    private readonly socket: Socket,
    private readonly onOverflow: (socket: Socket) => void,
  ) {}

  /**
   * `frame` is copied synchronously (into the compact frame here, or by the protocol's encoder
   * inside emit(); connection-state recovery, which would keep the packet, is not enabled).
   * A keyframe goes through Socket.IO's reliable path. A delta on an idle WebSocket is written to
   * it directly (see idleWebSocket), and dropped while the previous one has not left the process.
   */
  sendSnapshot(frame: Uint8Array, reliable: boolean): void {
    if (reliable) {
      this.emitReliable('s', frame);
      return;
    }
    const ws = idleWebSocket(this.socket);
    if (ws) {
      if (ws.bufferedAmount === 0) ws.send(compactFrame(this.socket.nsp.name, 's', frame));
      return;
    }
    if (queuedPackets(this.socket) <= MAX_QUEUED_SNAPSHOT_PACKETS) this.socket.emit('s', frame);
  }

  sendError(error: ErrorPayload): void {
    this.emitReliable('server:error', error);
  }

  emitReliable(event: string, payload: unknown): void {
    if (!emitBounded(this.socket, event, payload)) this.onOverflow(this.socket);
  }
}

/**
 * Emits a reliable event unless the connection already has MAX_QUEUED_PACKETS waiting: false
 * then (nothing sent), and the caller drops the connection as a reader that cannot keep up.
 */
export function emitBounded(
  socket: { readonly conn: unknown; emit(event: string, payload: unknown): unknown },
  event: string,
  payload: unknown,
): boolean {
  if (queuedPackets(socket as Socket) > MAX_QUEUED_PACKETS) return false;
  socket.emit(event, payload);
  return true;
}
