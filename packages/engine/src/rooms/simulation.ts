import type { EntityState } from '@perihelion/protocol';

/**
 * What the engine needs from a game's world. The engine owns connections, timing, inputs,
 * interest and encoding; the game owns the rules. Implementations must be deterministic and free
 * of I/O so the same code can run for prediction on the client. Entity handles are stable within
 * the room's life and never reused there.
 */

export interface Simulation {
  /**
   * Entities farther than this from a player's focus are not sent to that player. Read at every
   * snapshot, so it may change while the room runs.
   */
  readonly viewRadius: number;
  /**
   * Adds the player's avatar, restored from an earlier state and handle when resuming (the handle
   * was issued by this simulation to this player, so reusing it cannot collide); returns its handle.
   * A new avatar appears near `near` when given (e.g. the player's base), else where the game says.
   */
  spawn(
    playerId: string,
    restore: { state: readonly number[] | null; handle: number } | null,
    near?: { x: number; y: number } | null,
  ): number;
  /** Removes the player's avatar; returns its last state for a later resume. */
  despawn(playerId: string): readonly number[] | null;
  /** Applies one input step to the player's avatar. */
  applyInput(playerId: string, buttons: number): void;
  /** Advances everything not driven by player input by one fixed step. */
  step(): void;
  /** Full-precision state of the player's avatar, sent to that player for reconciliation. */
  ownState(playerId: string): readonly number[] | null;
  /** Where the player's view is centred (for interest management). */
  focus(playerId: string): { x: number; y: number } | null;
  entities(): Iterable<EntityState>;
}

export type SimulationFactory = (roomId: string, tickRate: number) => Simulation;
