import { EntityColumns, type EntityState, quantizeAngle, quantizePosition } from '@perihelion/protocol';

/** One captured world: the quantized entities of one tick, and which capture it is. */
export interface WorldFrame {
  readonly table: EntityColumns;
  /** Increases with every capture; a frame reused for a later capture gets a new number. */
  readonly capture: number;
}

/** Most worlds a room keeps (at 30 Hz, 20 snapshots/s it needs 66). */
const MAX_FRAMES = 256;

class Frame implements WorldFrame {
  readonly table = new EntityColumns();
  capture = 0;
}

/**
 * The room's recent worlds, captured on each tick that sends snapshots, in a ring of reusable
 * tables. Members' snapshot histories point into it, so it is sized to outlive them: a history of
 * `historySize` snapshots at `snapshotRate` spans about historySize × tickRate / snapshotRate
 * ticks, and a frame is captured at most once per tick.
 */
export class WorldFrames {
  private readonly frames: Frame[];
  private captures = 0;

  constructor(historySize: number, tickRate: number, snapshotRate: number) {
    if (!(snapshotRate > 0) || !(tickRate > 0)) {
      throw new RangeError(`tick and snapshot rates must be positive (got ${tickRate}, ${snapshotRate})`);
    }
    const ticksPerSnapshot = Math.max(1, Math.ceil(tickRate / snapshotRate));
    // Capped: at very low snapshot rates, a baseline older than the ring is simply not found
    // (checked by capture number) and the member gets a keyframe; memory stays bounded.
    const size = Math.min(MAX_FRAMES, historySize * ticksPerSnapshot + 2);
    this.frames = Array.from({ length: size }, () => new Frame());
  }

  get size(): number {
    return this.frames.length;
  }

  /** Quantizes and stores the world as it is now, sorted by handle; returns the frame. */
  capture(entities: Iterable<EntityState>): WorldFrame {
    const frame = this.frames[this.captures % this.frames.length]!;
    frame.capture = ++this.captures;
    const table = frame.table;
    table.reset(0);
    for (const e of entities) {
      table.push(
        e.handle,
        e.kind,
        e.variant,
        quantizePosition(e.x),
        quantizePosition(e.y),
        quantizeAngle(e.angle),
      );
    }
    table.sortByHandle();
    return frame;
  }
}
