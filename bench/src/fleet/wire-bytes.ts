import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/**
 * Counts what this process's TCP client sockets received and sent, i.e. the bytes the bots'
 * WebSocket connections actually carried (frame headers, Socket.IO packet framing and all), with
 * no hook into Socket.IO or engine.io internals. Every client socket of the process is counted, so
 * the fleet worker must make no other connections.
 */
export class WireBytes {
  private readonly open = new Set<Socket>();
  /** Bytes of sockets that have closed (their counters are folded in when they go). */
  private closedRead = 0;
  private closedWritten = 0;

  private readonly onSocket = (message: unknown): void => {
    const socket = (message as { socket: Socket }).socket;
    this.open.add(socket);
    socket.once('close', () => {
      this.open.delete(socket);
      this.closedRead += socket.bytesRead;
      this.closedWritten += socket.bytesWritten;
    });
  };

  start(): void {
    subscribe('net.client.socket', this.onSocket);
  }

  stop(): void {
    unsubscribe('net.client.socket', this.onSocket);
  }

  totals(): { read: number; written: number } {
    let read = this.closedRead;
    let written = this.closedWritten;
    for (const s of this.open) {
      read += s.bytesRead;
      written += s.bytesWritten;
    }
    return { read, written };
  }
}
