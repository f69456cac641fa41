import type { ErrorPayload } from '@perihelion/protocol';
import type { Socket } from 'socket.io';
import type { MemberLink } from './member.js';

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
 * Sends to one Socket.IO connection with bounded memory: snapshots go out volatile (dropped when
 * the transport is busy; the next delta supersedes them), and a connection whose reliable queue
 * overflows is disconnected rather than allowed to grow the server's memory.
 */
export class SocketLink implements MemberLink {
  constructor(
    private readonly socket: Socket,
    private readonly onOverflow: (socket: Socket) => void,
  ) {}

  sendSnapshot(frame: Uint8Array, reliable: boolean): void {
    if (reliable) this.emitReliable('s', frame);
    else this.socket.volatile.emit('s', frame);
  }

  sendError(error: ErrorPayload): void {
    this.emitReliable('server:error', error);
  }

  emitReliable(event: string, payload: unknown): void {
    if (queuedPackets(this.socket) > MAX_QUEUED_PACKETS) {
      this.onOverflow(this.socket);
      return;
    }
    this.socket.emit(event, payload);
  }
}
