import type { Socket } from 'socket.io-client';
import type { TransportName } from './api.js';

/**
 * Which transport the connection is using right now. Socket.IO creates a new engine for every
 * reconnect, and with 'auto' one may start on polling and upgrade to WebSocket later, so the
 * engine is re-read on each connect and its 'upgrade' event followed.
 */
export class TransportWatch {
  private engine: object | null = null;
  private name: TransportName | null = null;

  get current(): TransportName | null {
    return this.name;
  }

  /** Call on every connect. */
  connected(socket: Socket): void {
    const engine = socket.io.engine;
    this.name = transportName(engine.transport.name);
    if (this.engine === engine) return;
    this.engine = engine;
    engine.on('upgrade', (transport) => {
      if (this.engine === engine && socket.connected) this.name = transportName(transport.name);
    });
  }

  disconnected(): void {
    this.name = null;
  }
}

function transportName(name: string): TransportName | null {
  return name === 'websocket' || name === 'polling' ? name : null;
}
