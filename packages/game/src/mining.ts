import type { Content } from './content.js';

/** What mining needs to know about an asteroid. `ore` left out (a client) counts as minable. */
export interface MiningCandidate {
  x: number;
  y: number;
  radius: number;
  ore?: number;
}

/** Ore a full asteroid of this radius holds. */
export function asteroidOre(radius: number, content: Content): number {
  return Math.round(radius * content.asteroids.orePerRadius);
}

/**
 * The asteroid a ship at `ship` mines: the one whose surface is nearest, if that surface is within
 * `mining.range` of the ship's centre and it has ore left. The server uses it to apply the rule and
 * the client to draw the beam, so both pick the same rock.
 */
export function findMiningTarget<T extends MiningCandidate>(
  ship: { x: number; y: number },
  asteroids: Iterable<T>,
  content: Content,
): T | null {
  let best: T | null = null;
  let bestGap = content.mining.range;
  for (const a of asteroids) {
    if (a.ore !== undefined && a.ore <= 0) continue;
    const gap = Math.hypot(a.x - ship.x, a.y - ship.y) - a.radius;
    if (gap <= bestGap && (best === null || gap < bestGap)) {
      best = a;
      bestGap = gap;
    }
  }
  return best;
}

/**
 * Ore mined per player, kept with its fractions: a beam yields `rate × dt` per step, which is
 * rarely a whole number, and the store only deals in whole units.
 */
export class MinedOreLedger {
  private readonly mined = new Map<string, number>();

  credit(playerId: string, ore: number): void {
    if (ore > 0) this.mined.set(playerId, (this.mined.get(playerId) ?? 0) + ore);
  }

  /** Removes and returns the whole units mined per player; fractions stay for later. */
  drain(): Map<string, number> {
    const whole = new Map<string, number>();
    for (const [playerId, ore] of this.mined) {
      // The epsilon absorbs float error: thirty steps of 1/30 must add up to one unit, not 0.999….
      const units = Math.floor(ore + 1e-9);
      if (units <= 0) continue;
      whole.set(playerId, units);
      const rest = ore - units;
      if (rest > 1e-9) this.mined.set(playerId, rest);
      else this.mined.delete(playerId);
    }
    return whole;
  }
}
