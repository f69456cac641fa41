import type { EntityState } from '@perihelion/protocol';
import { type Asteroid, asteroidVariant, createAsteroidField, stepAsteroid } from './asteroids.js';
import type { Content } from './content.js';
import { EntityKind } from './entities.js';
import { hashString, mulberry32 } from './random.js';
import { type ShipState, shipFromArray, shipToArray, stepShip } from './ship.js';

interface ShipEntity {
  handle: number;
  state: ShipState;
}

/**
 * The authoritative world of one sector: ships driven by their players' inputs and a field of
 * drifting asteroids. Deterministic, no I/O; the engine's room calls it on its fixed tick.
 *
 * Ships advance only when their player's input arrives (one step per input), so the server's
 * ship state is a pure function of the inputs it applied and client prediction matches it exactly.
 */
export class SectorSimulation {
  readonly dt: number;
  readonly viewRadius: number;
  private readonly ships = new Map<string, ShipEntity>();
  private readonly asteroids: { handle: number; body: Asteroid }[];
  private nextHandle = 1;
  private readonly rand: () => number;

  constructor(
    readonly sectorId: string,
    tickRate: number,
    private readonly content: Content,
  ) {
    this.dt = 1 / tickRate;
    this.viewRadius = content.sector.viewRadius;
    const seed = hashString(sectorId);
    this.rand = mulberry32(seed ^ 0x9e3779b9);
    this.asteroids = createAsteroidField(seed, content).map((body) => ({ handle: this.nextHandle++, body }));
  }

  /** Adds a ship for the player (as it was, when resuming); returns its handle. */
  spawn(playerId: string, restore: { state: readonly number[] | null; handle: number } | null): number {
    const existing = this.ships.get(playerId);
    if (existing) return existing.handle;
    const restored = restore?.state ? shipFromArray(restore.state) : null;
    const state = restored ?? this.spawnPoint();
    // A resumed ship keeps the handle this sector gave it; new ones get one never used before.
    const handle = restore && restore.handle < this.nextHandle ? restore.handle : this.nextHandle++;
    this.ships.set(playerId, { handle, state });
    return handle;
  }

  /** Removes the player's ship; returns its last state so a reconnect can restore it. */
  despawn(playerId: string): number[] | null {
    const ship = this.ships.get(playerId);
    if (!ship) return null;
    this.ships.delete(playerId);
    return shipToArray(ship.state);
  }

  applyInput(playerId: string, buttons: number): void {
    const ship = this.ships.get(playerId);
    if (ship) ship.state = stepShip(ship.state, buttons, this.dt, this.content);
  }

  step(): void {
    for (const a of this.asteroids) stepAsteroid(a.body, this.dt, this.content);
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
    for (const a of this.asteroids) {
      const b = a.body;
      yield {
        handle: a.handle,
        kind: EntityKind.Asteroid,
        variant: asteroidVariant(b.radius, this.content),
        x: b.x,
        y: b.y,
        angle: b.angle,
      };
    }
    for (const ship of this.ships.values()) {
      const s = ship.state;
      yield { handle: ship.handle, kind: EntityKind.Ship, variant: 0, x: s.x, y: s.y, angle: s.angle };
    }
  }

  private spawnPoint(): ShipState {
    const r = Math.sqrt(this.rand()) * this.content.sector.spawnRadius;
    const t = this.rand() * Math.PI * 2;
    const f = Math.fround;
    return { x: f(Math.cos(t) * r), y: f(Math.sin(t) * r), vx: 0, vy: 0, angle: f(-Math.PI / 2) };
  }
}
