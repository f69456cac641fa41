import { type ClientToServerEvents, pongSchema, type ServerToClientEvents } from '@perihelion/protocol';
import type { Socket } from 'socket.io-client';
import { RttEstimator } from './rtt-estimator.js';

const PING_INTERVAL_MS = 2000;
/** A pong later than this is no measurement of anything useful; the next ping will do. */
const PING_TIMEOUT_MS = 5000;

/**
 * Measures the round trip to the server every couple of seconds (and once right away, so the HUD
 * has a number soon after joining). Uses the ping event's acknowledgement, so the time is what
 * the game traffic sees on the same transport, polling included.
 */
export class Pinger {
  private readonly rtt = new RttEstimator();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Bumped on stop() so a pong from an earlier connection is not counted. */
  private generation = 0;

  constructor(private readonly socket: () => Socket<ServerToClientEvents, ClientToServerEvents> | null) {}

  get rttMs(): number | null {
    return this.rtt.ms;
  }

  start(): void {
    this.stop();
    this.ping();
    this.timer = setInterval(() => this.ping(), PING_INTERVAL_MS);
  }

  stop(): void {
    this.generation++;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private ping(): void {
    const socket = this.socket();
    if (!socket?.connected) return;
    const generation = this.generation;
    const sentAt = globalThis.performance.now();
    socket.timeout(PING_TIMEOUT_MS).emit('ping', sentAt, (err, pong) => {
      if (err || generation !== this.generation) return;
      const parsed = pongSchema.safeParse(pong);
      if (!parsed.success || parsed.data.t !== sentAt) return;
      this.rtt.add(globalThis.performance.now() - sentAt);
    });
  }
}
