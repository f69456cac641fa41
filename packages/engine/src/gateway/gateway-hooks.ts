import type { z } from 'zod';

/** One live connection of a player, as the game's services see it. */
export interface PlayerConnection {
  readonly id: string;
  readonly playerId: string;
  /** The sector this connection's avatar is in, if it has one. */
  readonly sector: string | null;
  /** Reliable send (bounded queue; a connection that cannot keep up is dropped, never buffered forever). */
  send(event: string, payload: unknown): void;
}

/**
 * A game-defined request: validated by `schema` before `handle` sees it (invalid input is answered
 * with a typed error and counts against the sender), answered with whatever `handle` returns.
 */
export interface CommandSpec<T> {
  schema: z.ZodType<T>;
  handle(conn: PlayerConnection, data: T): Promise<unknown> | unknown;
  /** The answer when `handle` throws (the error is logged, never sent). */
  failure(message: string): unknown;
}

/** Infers each command's payload from its schema. */
export function command<T>(spec: CommandSpec<T>): CommandSpec<T> {
  return spec;
}

/**
 * How a game extends the gateway: its own requests and hooks around the connection's life. Who a
 * connection is comes from its session (the Authenticator), not from a hook. Every hook is optional.
 */
export interface GatewayHooks {
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own payload type, checked by its schema
  commands?: Record<string, CommandSpec<any>>;
  /** A connection was admitted (before any join): e.g. deliver the player's inbox. */
  connected?(conn: PlayerConnection): void;
  disconnected?(conn: PlayerConnection): void;
  /** The connection's avatar entered a sector: e.g. send the sector's durable state. */
  joined?(conn: PlayerConnection, sector: string): void;
  /** The client has shown the player's notifications up to `upTo` (its inbox acknowledgement). */
  acknowledged?(conn: PlayerConnection, upTo: number): void;
  /**
   * The sector of a player's avatar changed (GameGateway.sectorOf): it joined one, moved, left, or
   * its saved ship's resume grace ran out (null). Not called for a reconnect that resumes in place.
   */
  sectorChanged?(playerId: string, sector: string | null): void;
  /** Where a player's avatar appears when it has no saved state (null: the game's default). */
  spawnNear?(playerId: string, sector: string): { x: number; y: number } | null;
}
