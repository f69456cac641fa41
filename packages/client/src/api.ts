import type { EntityState, ErrorPayload, InboxMessage, Role, RosterEntry } from '@perihelion/protocol';
import type { ChatClient } from './chat/chat-client.js';
import type { ClientLink } from './client-link.js';
import type { SessionAuth } from './session-auth.js';

/**
 * Public contract of the browser/Node SDK. Game-agnostic: the game plugs in its own step function
 * for prediction and interprets entity kinds itself.
 *
 * Time: every `nowMs` argument is on the performance.now() clock (requestAnimationFrame timestamps
 * and Phaser's frame time are), because snapshot arrivals are timed on that clock too.
 *
 * Own-entity state (`own` in join replies and snapshots, PredictStep, ownRenderState) is an array
 * of numbers the SDK treats as opaque, except for one convention: indices 0 and 1 are x and y in
 * world units, and index 4, when present, is an angle in radians. Rendering blends every index
 * linearly between fixed steps (the angle the short way round) and fades corrections on every
 * index; only 0, 1 and 4 should be drawn.
 */

export type TransportChoice = 'websocket' | 'polling' | 'auto';
export type TransportName = 'websocket' | 'polling';

export type ConnectionStatus =
  /** First connection attempt in progress. */
  | 'connecting'
  /** Joined to the sector and its first full snapshot has arrived: the world is there to draw. */
  | 'connected'
  /** Lost the connection (or the server restarted); retrying by itself. */
  | 'reconnecting'
  /**
   * Connected, but another connection of the same player (another tab) took over the avatar.
   * Notifications and messages still arrive; takeHelm() flies from here again.
   */
  | 'standby'
  /** The server refused us for good (protocol mismatch, sector full, bad name…); see lastError. */
  | 'failed'
  /** close() was called. */
  | 'closed';

/**
 * One fixed step of the player's own entity: the game's pure rule, e.g. stepShip on arrays. It must
 * compute exactly what the server computes for the same input (same rule, same rounding): then
 * reconciliation finds nothing to correct when no packet is lost. Must not mutate `own`.
 */
export type PredictStep = (own: readonly number[], buttons: number) => number[];

export interface GameClientOptions {
  /** Server origin, e.g. "http://127.0.0.1:3000"; empty string = the page's own origin. */
  url: string;
  sector: string;
  /** Display name; it also renames a returning player's profile. */
  name?: string;
  /**
   * The player's profile token from an earlier visit (see the 'identity' event): the server
   * resumes that profile. Without one the server creates a guest profile.
   */
  token?: string;
  /** The server's ADMIN_TOKEN: the session gets the admin role. */
  adminToken?: string;
  /**
   * A session to share (e.g. with other clients of the same player); by default the client makes
   * its own from url, token, name and adminToken (and closes it on close()).
   */
  session?: SessionAuth;
  /**
   * Remembers the highest notification sequence shown per player across page loads, so a
   * notification shown just before a reload is not shown again. Default: in memory only.
   */
  inboxCursor?: InboxCursorStore;
  /** 'auto' = WebSocket first, HTTP long-polling as fallback. Default 'auto'. */
  transport?: TransportChoice;
  /** Needed for prediction; without it the own entity simply follows server state. */
  predict?: PredictStep;
  /** How far in the past other entities are rendered. Default 100 ms. */
  interpolationDelayMs?: number;
  /**
   * When snapshots stop arriving (loss), how long other entities keep moving along their last
   * motion before they hold still. Default 100 ms; 0 = hold at once.
   */
  maxExtrapolationMs?: number;
  /** Extra Socket.IO manager options (tests use this for e.g. reconnection delays). */
  socketOptions?: Record<string, unknown>;
}

export interface InboxCursorStore {
  load(playerId: string): number;
  save(playerId: string, seq: number): void;
}

/** An entity as it should be drawn now (positions in world units, angle in radians). */
export type RenderEntity = EntityState;

export interface GameClientEvents {
  status: (status: ConnectionStatus) => void;
  /**
   * Who the server's session says we are, on every connection: keep `token` (the profile token)
   * to come back as the same player.
   */
  identity: (info: { playerId: string; name: string; role: Role; token: string }) => void;
  /** A durable notification, each sequence number once, in order; acknowledged after listeners run. */
  notification: (message: InboxMessage) => void;
  /** Any other reliable event from the server (game-specific; validate it before use). */
  message: (event: string, payload: unknown) => void;
  /** Joined (or re-joined after a reconnect) a sector. */
  joined: (info: { playerId: string; sector: string; handle: number }) => void;
  /** Every decoded snapshot (after buffering); mostly for tests and bots. */
  snapshot: (info: { id: number; tick: number; ackSeq: number; bytes: number }) => void;
  /** Every input step sent (bots time input → acknowledgement with this and snapshot.ackSeq). */
  input: (info: { seq: number; buttons: number }) => void;
  playerJoined: (entry: RosterEntry) => void;
  playerLeft: (id: string) => void;
  /** Errors sent by the server (server:error), refused handshakes and refused joins. */
  error: (err: ErrorPayload) => void;
}

export interface GameClientApi {
  /** Channels (chat, direct messages, announcements) as typed subscriptions on the same connection. */
  readonly chat: ChatClient;
  /** The one connection to the server, which other namespaces (e.g. chat) share. */
  readonly link: ClientLink;
  /** The player's session (access tokens for the server's HTTP APIs too). */
  readonly auth: SessionAuth;
  readonly status: ConnectionStatus;
  readonly transport: TransportName | null;
  /** The cluster node serving this connection (from its session id); null while not connected. */
  readonly node: string | null;
  readonly playerId: string | null;
  readonly sector: string | null;
  /** Own entity handle in snapshots, or null before joining. */
  readonly handle: number | null;
  /** Server tick of the newest snapshot received. */
  readonly serverTick: number;
  /** Smoothed round trip time of the time-sync ping, or null before the first answer. */
  readonly pingMs: number | null;
  /** The most recent error (kept after recovery); when status is 'failed', the reason. */
  readonly lastError: ErrorPayload | null;
  /** Players in the sector by id (own included). */
  readonly roster: ReadonlyMap<string, RosterEntry>;
  readonly tickRate: number;

  /** The player's profile token (null until the first session of a first visit). */
  readonly token: string | null;
  /** Estimated server wall clock (ms since the epoch), for durable timestamps such as build times. */
  serverNow(): number;

  /**
   * Sends a game-specific request and resolves with the server's answer (validate it). Rejects
   * when not connected or when no answer comes within `timeoutMs`.
   */
  request(event: string, payload: unknown, timeoutMs?: number): Promise<unknown>;
  /** In 'standby' (another tab flies the ship): take the avatar back to this connection. */
  takeHelm(): void;

  /** Starts connecting (again, after 'failed'). Throws after close(). */
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
  /**
   * The rules `predict` applies have changed (e.g. the server's content was tuned): inputs not yet
   * acknowledged are predicted again with them, as the server will simulate them.
   */
  rulesChanged(): void;

  /**
   * Own entity as it should be drawn now: predicted, smoothed between steps and corrections
   * (see the own-state convention above). Null before the first join.
   */
  ownRenderState(nowMs: number): readonly number[] | null;

  /**
   * Every other entity in view, interpolated `interpolationDelayMs` in the past (own handle
   * excluded). An entity appears once render time reaches the first snapshot that has it and
   * vanishes as soon as render time passes the last one that has it.
   */
  sampleEntities(nowMs: number): RenderEntity[];

  on<E extends keyof GameClientEvents>(event: E, listener: GameClientEvents[E]): () => void;
}
