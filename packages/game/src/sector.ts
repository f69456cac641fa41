import type { EntityState } from '@perihelion/protocol';
import { AsteroidBelt } from './asteroid-belt.js';
import { Button, has } from './buttons.js';
import type { Content } from './content.js';
import { DragonFlight, type Point } from './dragons.js';
import { EntityKind, ShipVariant } from './entities.js';
import { MinedOreLedger } from './mining.js';
import { hashString, mulberry32 } from './random.js';
import type { SectorCheckpoint } from './sector-checkpoint.js';
import { type ShipState, shipFromArray, shipToArray, stepShip } from './ship.js';
import { spawnAroundCentre, spawnNearPoint } from './spawn.js';

interface ShipEntity {
  handle: number;
  state: ShipState;
  /** Whether the last input step applied to this ship mined something (drawn as a beam). */
  mining: boolean;
}

/**
 * The authoritative world of one sector: ships driven by their players' inputs, a field of
 * drifting, minable asteroids and, during a raid, space dragons. Deterministic, no I/O; the
 * engine's room calls it on its fixed tick.
 *
 * Ships advance only when their player's input arrives (one step per input), so the server's
 * ship state is a pure function of the inputs it applied and client prediction matches it exactly.
 * Mining rides on the same input step but never changes the ship's motion, so it cannot break
 * that match.
 */
export class SectorSimulation {
  readonly dt: number;
  private readonly ships = new Map<string, ShipEntity>();
  private readonly belt: AsteroidBelt;
  private readonly dragons: DragonFlight;
  private readonly mined = new MinedOreLedger();
  /** Handles are never reused within a simulation: clients key their interpolation on them. */
  private nextHandle = 1;
  private readonly rand: () => number;

  constructor(
    readonly sectorId: string,
    tickRate: number,
    private content: Content,
  ) {
    this.dt = 1 / tickRate;
    const seed = hashString(sectorId);
    this.rand = mulberry32(seed ^ 0x9e3779b9);
    const newHandle = () => this.nextHandle++;
    this.belt = new AsteroidBelt(seed, this.dt, content, newHandle);
    this.dragons = new DragonFlight(seed, this.dt, content, newHandle);
  }

  get viewRadius(): number {
    return this.content.sector.viewRadius;
  }

  /**
   * Live tuning: every rule reads the new content from the next step on. Ships keep their state
   * (a lower top speed slows them through the rules, it does not teleport them), and the asteroid
   * field adapts in place (see AsteroidBelt.setContent).
   */
  setContent(content: Content): void {
    this.content = content;
    this.belt.setContent(content);
    this.dragons.setContent(content);
  }

  /**
   * Adds a ship for the player (as it was, when resuming); returns its handle. A new ship appears
   * near `near` (its owner's station) when given, else around the sector's centre.
   */
  spawn(
    playerId: string,
    restore: { state: readonly number[] | null; handle: number } | null,
    near?: { x: number; y: number } | null,
  ): number {
    const existing = this.ships.get(playerId);
    if (existing) return existing.handle;
    const restored = restore?.state ? shipFromArray(restore.state) : null;
    const state =
      restored ??
      (near && Number.isFinite(near.x) && Number.isFinite(near.y)
        ? spawnNearPoint(near, this.rand, this.content)
        : spawnAroundCentre(this.rand, this.content));
    // A resumed ship keeps the handle this sector gave it; new ones get one never used before.
    const handle = restore && restore.handle < this.nextHandle ? restore.handle : this.nextHandle++;
    this.ships.set(playerId, { handle, state, mining: false });
    return handle;
  }

  /** Removes the player's ship; returns its last state so a reconnect can restore it. */
  despawn(playerId: string): number[] | null {
    const ship = this.ships.get(playerId);
    if (!ship) return null;
    this.ships.delete(playerId);
    return shipToArray(ship.state);
  }

  /** Steps the player's ship; with Mine held, its beam then mines from where the ship now is. */
  applyInput(playerId: string, buttons: number): void {
    const ship = this.ships.get(playerId);
    if (!ship) return;
    ship.state = stepShip(ship.state, buttons, this.dt, this.content);
    const ore = has(buttons, Button.Mine) ? this.belt.mine(ship.state) : 0;
    ship.mining = ore > 0;
    this.mined.credit(playerId, ore);
  }

  step(): void {
    this.belt.step();
    this.dragons.step();
  }

  /**
   * Whole units of ore mined per player since the last drain; they are removed here, fractions
   * stay. The server banks them in the store.
   */
  drainMinedOre(): Map<string, number> {
    return this.mined.drain();
  }

  /** Ore left in each asteroid now in the field, by entity handle. */
  oreByAsteroid(): Map<number, number> {
    return this.belt.oreByHandle();
  }

  /** Points the raid's dragons circle (the server passes its structures' positions). */
  setLandmarks(points: readonly Point[]): void {
    this.dragons.setLandmarks(points);
  }

  /** Dragons fly in for `durationSeconds` (counted in steps), then leave by themselves. */
  startRaid(durationSeconds: number): void {
    this.dragons.start(durationSeconds);
  }

  endRaid(): void {
    this.dragons.end();
  }

  get raidActive(): boolean {
    return this.dragons.active;
  }

  checkpoint(): SectorCheckpoint {
    return { version: 1, nextHandle: this.nextHandle, asteroids: this.belt.checkpoint() };
  }

  /** Call on a fresh simulation, before players join. What does not fit this content is ignored. */
  restore(checkpoint: SectorCheckpoint): void {
    this.belt.restore(checkpoint.asteroids);
    this.nextHandle = Math.max(this.nextHandle, checkpoint.nextHandle ?? 0);
  }

  ownState(playerId: string): number[] | null {
    const ship = this.ships.get(playerId);
    return ship ? shipToArray(ship.state) : null;
  }

  focus(playerId: string): { x: number; y: number } | null {
    const ship = this.ships.get(playerId);
    return ship ? { x: ship.state.x, y: ship.state.y } : null;
  }

  *entities(): Iterable<EntityState> {
    yield* this.belt.entities();
    for (const ship of this.ships.values()) {
      const s = ship.state;
      const variant = ship.mining ? ShipVariant.Mining : ShipVariant.Idle;
      yield { handle: ship.handle, kind: EntityKind.Ship, variant, x: s.x, y: s.y, angle: s.angle };
    }
    yield* this.dragons.entities();
  }
}
