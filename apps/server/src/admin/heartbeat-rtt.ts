import type { Server } from 'socket.io';

/** The part of an Engine.IO connection the measurement listens to. */
interface EngineConnection {
  on(event: 'packetCreate' | 'packet', listener: (packet: { type: string }) => void): unknown;
}

/**
 * Each connection's round trip, as the server sees it: Engine.IO sends a heartbeat "ping" every
 * PING_INTERVAL_MS and the client answers "pong" at once, on either transport. The time between
 * the two is the round trip (over long-polling it includes waiting for the next poll, which is what
 * such a player lives with). The page measures its own ping too, but only the server can show an
 * operator everyone's; this costs one listener call per packet and nothing on the wire.
 */
export class HeartbeatRtt {
  private readonly rtt = new WeakMap<object, number>();

  /** Measures every connection `io` accepts from now on. */
  attach(io: Server): void {
    io.engine.on('connection', (conn: EngineConnection) => this.track(conn));
  }

  /** The last round trip of an Engine.IO connection (a socket's `conn`), ms; null before the first. */
  of(conn: object): number | null {
    return this.rtt.get(conn) ?? null;
  }

  private track(conn: EngineConnection): void {
    let sentAt: number | null = null;
    conn.on('packetCreate', (packet) => {
      if (packet.type === 'ping') sentAt = performance.now();
    });
    conn.on('packet', (packet) => {
      if (packet.type !== 'pong' || sentAt === null) return;
      this.rtt.set(conn, Math.round((performance.now() - sentAt) * 10) / 10);
      sentAt = null;
    });
  }
}
