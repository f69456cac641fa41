import type { ErrorPayload, RosterEntry } from '@perihelion/protocol';

/**
 * Public contract of the browser/Node SDK. Game-agnostic: the game plugs in its own step function
 * for prediction and interprets entity kinds itself.
 */

export type TransportChoice = 'websocket' | 'polling' | 'auto';
export type TransportName = 'websocket' | 'polling';

export type ConnectionStatus =
  /** First connection attempt in progress. */
  | 'connecting'
  /** Connected and joined to the sector. */
  | 'connected'
  /** Lost the connection (or the server restarted); retrying by itself. */
  | 'reconnecting'
  /** The server refused us for good (protocol mismatch, sector full, bad name…); see lastError. */
  | 'failed'
  /** close() was called. */
  | 'closed';

/** One fixed step of the player's own entity: the game's pure rule, e.g. stepShip on arrays. */
export type PredictStep = (own: readonly number[], buttons: number) => number[];

export interface GameClientOptions {
  /** Server origin, e.g. "http://127.0.0.1:3000"; empty string = the page's own origin. */
  url: string;
  sector: string;
  name?: string;
  /** 'auto' = WebSocket first, HTTP long-polling as fallback. Default 'auto'. */
  transport?: TransportChoice;
  /** Needed for prediction; without it the own entity simply follows server state. */
  predict?: PredictStep;
  /** How far in the past other entities are rendered. Default 100 ms. */
  interpolationDelayMs?: number;
  /** Extra Socket.IO manager options (tests use this for e.g. reconnection delays). */
  socketOptions?: Record<string, unknown>;
}

/** An entity as it should be drawn now (positions in world units, angle in radians). */
export interface RenderEntity {
  handle: number;
  kind: number;
  variant: number;
  x: number;
  y: number;
  angle: number;
}

export interface GameClientEvents {
  status: (status: ConnectionStatus) => void;
  /** Joined (or re-joined after a reconnect) a sector. */
  joined: (info: { playerId: string; sector: string; handle: number }) => void;
  /** Every decoded snapshot (after buffering); mostly for tests and bots. */
  snapshot: (info: { id: number; tick: number; ackSeq: number; bytes: number }) => void;
  playerJoined: (entry: RosterEntry) => void;
  playerLeft: (id: string) => void;
  /** Errors sent by the server (server:error) and refused joins. */
  error: (err: ErrorPayload) => void;
}

export interface GameClientApi {
  readonly status: ConnectionStatus;
  readonly transport: TransportName | null;
  readonly playerId: string | null;
  readonly sector: string | null;
  /** Own entity handle in snapshots, or null before joining. */
  readonly handle: number | null;
  /** Server tick of the newest snapshot received. */
  readonly serverTick: number;
  /** Smoothed round trip time of the time-sync ping, or null before the first answer. */
  readonly pingMs: number | null;
  readonly lastError: ErrorPayload | null;
  /** Players in the sector by id (own included). */
  readonly roster: ReadonlyMap<string, RosterEntry>;
  readonly tickRate: number;

  connect(): void;
  /** Leaves the sector and closes the connection; no reconnect follows. */
  close(): void;
  /** Asks the server to end this session at once even while the page is unloading (beacon). */
  closeOnUnload(): void;

  /**
   * Call every frame with the buttons currently held. Runs as many fixed input steps as are due
   * since the last call (at the server's tick rate), sends one input message per step and
   * advances the prediction.
   */
  update(nowMs: number, buttons: number): void;

  /** Own entity as it should be drawn now: predicted, smoothed between steps and corrections. */
  ownRenderState(nowMs: number): readonly number[] | null;

  /** Every other entity in view, interpolated `interpolationDelayMs` in the past. */
  sampleEntities(nowMs: number): RenderEntity[];

  on<E extends keyof GameClientEvents>(event: E, listener: GameClientEvents[E]): () => void;
}
