import type { EntityState } from '@perihelion/protocol';
import {
  type Asteroid,
  asteroidRadius,
  asteroidVariant,
  createAsteroidField,
  stepAsteroid,
} from './asteroids.js';
import type { Content } from './content.js';
import { EntityKind } from './entities.js';
import { asteroidOre, findMiningTarget, type MiningCandidate } from './mining.js';
import { mulberry32 } from './random.js';

/** One place in the field: the asteroid there now, or a countdown until a new one appears. */
class AsteroidSlot implements MiningCandidate {
  /** Steps until the slot's asteroid respawns; 0 while it is present. */
  respawnSteps = 0;

  constructor(
    public handle: number,
    readonly body: Asteroid,
    public ore: number,
  ) {}

  get present(): boolean {
    return this.respawnSteps === 0;
  }
  get x(): number {
    return this.body.x;
  }
  get y(): number {
    return this.body.y;
  }
  get radius(): number {
    return this.body.radius;
  }
}

/** What survives a restart of one slot (positions come from the seed again). */
export interface AsteroidSlotCheckpoint {
  ore: number;
  respawnSeconds: number;
}

/** Ore below this is float error, not ore: the asteroid counts as empty. */
const EMPTY = 1e-9;

/**
 * The sector's minable asteroid field. Every asteroid holds ore; an emptied one disappears and,
 * after `mining.respawnSeconds`, comes back full somewhere else under a new handle, so clients
 * see a new rock rather than one that jumped.
 */
export class AsteroidBelt {
  private readonly slots: AsteroidSlot[];
  private readonly rand: () => number;

  constructor(
    private readonly seed: number,
    private readonly dt: number,
    private content: Content,
    private readonly newHandle: () => number,
  ) {
    this.rand = mulberry32(seed ^ 0x85ebca6b);
    this.slots = createAsteroidField(seed, content).map(
      (body) => new AsteroidSlot(newHandle(), body, asteroidOre(body.radius, content)),
    );
  }

  /**
   * Live tuning. Rocks keep their place and size class: a new radius range resizes them in place
   * (ore capped at what they now hold). A larger count adds the rocks the seed gives a field of
   * that size; a smaller one removes the last rocks, which clients see disappear.
   */
  setContent(content: Content): void {
    const before = this.content.asteroids;
    const after = content.asteroids;
    const resized = before.minRadius !== after.minRadius || before.maxRadius !== after.maxRadius;
    const previous = this.content;
    this.content = content;
    for (const slot of this.slots) {
      if (resized) slot.body.radius = asteroidRadius(asteroidVariant(slot.body.radius, previous), content);
      slot.ore = Math.min(slot.ore, asteroidOre(slot.body.radius, content));
    }
    if (after.count < this.slots.length) this.slots.length = after.count;
    else if (after.count > this.slots.length) {
      for (const body of createAsteroidField(this.seed, content).slice(this.slots.length)) {
        this.slots.push(new AsteroidSlot(this.newHandle(), body, asteroidOre(body.radius, content)));
      }
    }
  }

  /**
   * Runs a beam from `ship` for one step: takes up to `rate × dt` ore from the target.
   * Returns the ore taken, 0 when nothing is in range.
   */
  mine(ship: { x: number; y: number }): number {
    // A slot waiting to respawn holds no ore, so findMiningTarget skips it.
    const slot = findMiningTarget(ship, this.slots, this.content);
    if (!slot) return 0;
    const wanted = this.content.mining.rate * this.dt;
    if (slot.ore - wanted > EMPTY) {
      slot.ore -= wanted;
      return wanted;
    }
    const taken = slot.ore;
    slot.ore = 0;
    slot.respawnSteps = this.respawnSteps(this.content.mining.respawnSeconds);
    return taken;
  }

  step(): void {
    for (const slot of this.slots) {
      if (slot.present) stepAsteroid(slot.body, this.dt, this.content);
      else if (--slot.respawnSteps === 0) this.respawn(slot);
    }
  }

  *entities(): Iterable<EntityState> {
    for (const s of this.slots) {
      if (!s.present) continue;
      const b = s.body;
      yield {
        handle: s.handle,
        kind: EntityKind.Asteroid,
        variant: asteroidVariant(b.radius, this.content),
        x: b.x,
        y: b.y,
        angle: b.angle,
      };
    }
  }

  /** Ore left in each present asteroid, by handle (for tests and tools). */
  oreByHandle(): Map<number, number> {
    return new Map(this.slots.filter((s) => s.present).map((s) => [s.handle, s.ore]));
  }

  checkpoint(): AsteroidSlotCheckpoint[] {
    return this.slots.map((s) => ({ ore: s.ore, respawnSeconds: s.respawnSteps * this.dt }));
  }

  /**
   * Puts back what a checkpoint says about each slot. Slots beyond either list are left alone,
   * and ore is capped at what the asteroid can hold, so a checkpoint written under other content
   * still restores what fits. Meant for a fresh belt: a slot already waiting to respawn keeps
   * waiting rather than bringing its old rock (and handle) back.
   */
  restore(saved: readonly AsteroidSlotCheckpoint[]): void {
    const n = Math.min(saved.length, this.slots.length);
    for (let i = 0; i < n; i++) {
      const slot = this.slots[i]!;
      const { ore, respawnSeconds } = saved[i]!;
      if (respawnSeconds > 0) {
        slot.ore = 0;
        slot.respawnSteps = this.respawnSteps(respawnSeconds);
      } else if (ore > EMPTY && slot.present) {
        slot.ore = Math.min(ore, asteroidOre(slot.body.radius, this.content));
      }
      // Empty without a countdown does not happen in a checkpoint we wrote: keep the slot as is.
    }
  }

  private respawnSteps(seconds: number): number {
    return Math.max(1, Math.round(seconds / this.dt));
  }

  private respawn(slot: AsteroidSlot): void {
    const { width, height } = this.content.sector;
    const { maxDrift, maxSpin } = this.content.asteroids;
    const b = slot.body;
    const heading = this.rand() * Math.PI * 2;
    const drift = this.rand() * maxDrift;
    b.x = (this.rand() - 0.5) * (width - 2 * b.radius);
    b.y = (this.rand() - 0.5) * (height - 2 * b.radius);
    b.vx = Math.cos(heading) * drift;
    b.vy = Math.sin(heading) * drift;
    b.angle = this.rand() * Math.PI * 2 - Math.PI;
    b.spin = (this.rand() * 2 - 1) * maxSpin;
    slot.handle = this.newHandle();
    slot.ore = asteroidOre(b.radius, this.content);
  }
}
