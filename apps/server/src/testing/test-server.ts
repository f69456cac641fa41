import {
  asBytes,
  type DecodedSnapshot,
  decodeSnapshot,
  encodeInput,
  GAME_NAMESPACE,
  type JoinResult,
  PROTOCOL_VERSION,
  perihelionParser,
  type RosterChange,
  SESSION_PATH,
  type SessionRenewResult,
  type SessionResponse,
  sessionResponseSchema,
  type WireEntity,
} from '@perihelion/protocol';
import pino, { type Logger } from 'pino';
import { io, type Socket } from 'socket.io-client';
import { configSchema } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { UNLIMITED_SESSIONS } from './server-process.js';

/**
 * A real server on a free loopback port, quiet unless TEST_LOG_LEVEL is set. Its store is an
 * in-memory PGlite unless the test passes DATA_DIR or DATABASE_URL.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  /** Where its log goes instead (e.g. to read the lines a test expects). */
  logger?: Logger,
): Promise<RunningServer> {
  const config = configSchema.parse({
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    DATA_DIR: ':memory:',
    // The tests' raw protocol clients send nothing unless told to (the SDK pings every 2 s), so
    // dropping silent members would end them mid-test; member-silence.test.ts sets its own.
    MEMBER_SILENCE_MS: '600000',
    ...UNLIMITED_SESSIONS,
    ...env,
  });
  return startServer(config, logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
}

export type TransportName = 'websocket' | 'polling';

/** What a session request may present (see sessionRequestSchema). */
export interface SessionClaim {
  /** The profile token of an earlier session: the same player. */
  token?: string | undefined;
  name?: string | undefined;
  adminToken?: string | undefined;
}

/** A non-2xx answer of POST /api/session, with the JSON error the server sent. */
export class SessionRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`POST ${SESSION_PATH} answered ${status}: ${JSON.stringify(body)}`);
  }
}

/** POST /api/session, as a client does before it connects. */
export async function fetchSession(url: string, claim: SessionClaim = {}): Promise<SessionResponse> {
  const body = {
    ...(claim.token !== undefined ? { profileToken: claim.token } : {}),
    ...(claim.name !== undefined ? { name: claim.name } : {}),
    ...(claim.adminToken !== undefined ? { adminToken: claim.adminToken } : {}),
  };
  const res = await fetch(`${url}${SESSION_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json();
  if (!res.ok) throw new SessionRequestError(res.status, json);
  return sessionResponseSchema.parse(json);
}

/**
 * How a RawClient connects. `name`, `token` (a profile token) and `adminToken` go to the session
 * request made first; `session: false` skips it (no access token). Every other key is put into
 * the handshake as it is, over what the client would send (e.g. `protocol`, `accessToken`).
 */
export type RawClientAuth = SessionClaim & { session?: boolean } & Record<string, unknown>;

/**
 * A bare Socket.IO client that speaks the protocol by hand: lets tests send exactly what a
 * hostile or buggy client would, and decode what the server really sends. Like a real client it
 * first gets a session over HTTP, then presents its access token in the handshake.
 */
export class RawClient {
  readonly socket: Socket;
  /** The session this client connected with (null with `session: false`; rejects if refused). */
  readonly session: Promise<SessionResponse | null>;
  private sessionValue: SessionResponse | null = null;
  readonly snapshots: DecodedSnapshot[] = [];
  readonly errors: { code: string; message: string }[] = [];
  /** Every JSON event received, by name, in arrival order (snapshots excluded). */
  readonly received = new Map<string, unknown[]>();
  private readonly baselines = new Map<number, readonly WireEntity[]>();
  private seq = 0;

  /** `namespace`: the game's by default; e.g. CHAT_NAMESPACE for a bare chat connection. */
  constructor(url: string, transport: TransportName, auth: RawClientAuth = {}, namespace = GAME_NAMESPACE) {
    const { name, token, adminToken, session, ...handshake } = auth;
    this.session = session === false ? Promise.resolve(null) : fetchSession(url, { name, token, adminToken });
    // Handled here so a test that never looks at a refused session gets no unhandled rejection.
    this.session.then(
      (s) => {
        this.sessionValue = s;
      },
      () => {},
    );
    this.socket = io(`${url}${namespace}`, {
      transports: [transport],
      parser: perihelionParser,
      upgrade: false,
      reconnection: false,
      forceNew: true,
      // Evaluated on connect, after the session arrived; a refused session connects without a token.
      auth: (cb) => {
        const send = (s: SessionResponse | null) =>
          cb({ protocol: PROTOCOL_VERSION, ...(s ? { accessToken: s.accessToken } : {}), ...handshake });
        this.session.then(send, () => send(null));
      },
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

  /** The profile token of this client's session (known once it has connected). */
  get profileToken(): string {
    if (!this.sessionValue) throw new Error('this client has no session (yet)');
    return this.sessionValue.profileToken;
  }

  /** The access token this client connected with. */
  get accessToken(): string {
    if (!this.sessionValue) throw new Error('this client has no session (yet)');
    return this.sessionValue.accessToken;
  }

  /** Hands the connection a refreshed access token (`session:renew`). */
  renew(accessToken: string): Promise<SessionRenewResult> {
    return this.socket.timeout(10_000).emitWithAck('session:renew', { accessToken });
  }

  /** Sends one event that expects an answer, and resolves with the answer. */
  request(event: string, payload: unknown): Promise<unknown> {
    return this.socket.timeout(10_000).emitWithAck(event, payload);
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

  /** Players the sector's roster batches said left, in order. */
  leftPlayers(): string[] {
    return this.events<RosterChange>('roster').flatMap((change) => change.left);
  }

  /** Sends one input step, acknowledging the newest snapshot received. */
  input(buttons: number): number {
    this.seq++;
    this.socket.emit('i', encodeInput([this.seq, buttons, this.snapshots.at(-1)?.id ?? 0]));
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
