import {
  asBytes,
  type DecodedSnapshot,
  decodeSnapshot,
  GAME_NAMESPACE,
  type JoinResult,
  PROTOCOL_VERSION,
  type WireEntity,
} from '@perihelion/protocol';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { configSchema } from '../config.js';
import { type RunningServer, startServer } from '../server.js';

/**
 * A real server on a free loopback port, quiet unless TEST_LOG_LEVEL is set. Its store is an
 * in-memory PGlite unless the test passes DATA_DIR or DATABASE_URL.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const config = configSchema.parse({
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    DATA_DIR: ':memory:',
    ...env,
  });
  return startServer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
}

export type TransportName = 'websocket' | 'polling';

/**
 * A bare Socket.IO client that speaks the protocol by hand: lets tests send exactly what a
 * hostile or buggy client would, and decode what the server really sends.
 */
export class RawClient {
  readonly socket: Socket;
  readonly snapshots: DecodedSnapshot[] = [];
  readonly errors: { code: string; message: string }[] = [];
  /** Every JSON event received, by name, in arrival order (snapshots excluded). */
  readonly received = new Map<string, unknown[]>();
  private readonly baselines = new Map<number, readonly WireEntity[]>();
  private seq = 0;

  constructor(url: string, transport: TransportName, auth: Record<string, unknown> = {}) {
    this.socket = io(`${url}${GAME_NAMESPACE}`, {
      transports: [transport],
      upgrade: false,
      reconnection: false,
      forceNew: true,
      auth: { protocol: PROTOCOL_VERSION, ...auth },
    });
    this.socket.on('s', (data: ArrayBuffer | Uint8Array) => {
      const frame = decodeSnapshot(asBytes(data), (id) => this.baselines.get(id));
      this.baselines.set(frame.id, frame.entities);
      this.snapshots.push(frame);
    });
    this.socket.on('server:error', (err: { code: string; message: string }) => this.errors.push(err));
    this.socket.onAny((event: string, payload: unknown) => {
      if (event === 's') return;
      const list = this.received.get(event) ?? [];
      list.push(payload);
      this.received.set(event, list);
    });
  }

  /** Payloads of one event received so far. */
  events<T = unknown>(event: string): T[] {
    return (this.received.get(event) ?? []) as T[];
  }

  /** The newest payload of one event, if any arrived. */
  last<T = unknown>(event: string): T | undefined {
    return this.events<T>(event).at(-1);
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  async join(sector: string): Promise<JoinResult> {
    await this.connected();
    return this.socket.emitWithAck('join', { sector });
  }

  /** Sends one input step, acknowledging the newest snapshot received. */
  input(buttons: number): number {
    this.seq++;
    this.socket.emit('i', [this.seq, buttons, this.snapshots.at(-1)?.id ?? 0]);
    return this.seq;
  }

  latest(): DecodedSnapshot | undefined {
    return this.snapshots.at(-1);
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Polls `check` until it returns a value (not undefined/false) or the guard time runs out. */
export async function eventually<T>(
  check: () => T | undefined | false,
  what: string,
  guardMs = 5000,
): Promise<T> {
  const deadline = Date.now() + guardMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Like eventually, for checks that must ask something asynchronous (the store). */
export async function eventuallyAsync<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  guardMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + guardMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
