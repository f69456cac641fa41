import type { EntityColumns, EntitySelection } from '@perihelion/protocol';
import type { WorldFrame } from './world-frames.js';

/** One snapshot a member was sent: which rows of which captured world it showed. */
export interface SentSnapshot {
  readonly id: number;
  readonly entities: EntitySelection;
}

/** Snapshots a member's history holds: an acknowledgement older than this gets a keyframe. */
export const SNAPSHOT_HISTORY_SIZE = 32;

const EMPTY_ROWS = new Int32Array(0);

class Slot implements SentSnapshot, EntitySelection {
  id = 0;
  frame: WorldFrame | null = null;
  /** The frame's capture number when this slot was written: a recycled frame no longer matches. */
  capture = 0;
  rows: Int32Array;
  count = 0;

  constructor(rows: Int32Array) {
    this.rows = rows;
  }

  get table(): EntityColumns {
    return this.frame!.table;
  }

  get entities(): EntitySelection {
    return this;
  }

  get valid(): boolean {
    return this.frame !== null && this.frame.capture === this.capture;
  }
}

/**
 * What one member was sent recently, so the next snapshot can be a delta against whatever the
 * member last acknowledged. Bounded: an acknowledgement older than the window gets a keyframe.
 *
 * Nothing is allocated per snapshot once the buffers have grown: each slot owns a row buffer
 * that is reused, and the rows point into the room's ring of captured worlds (a slot whose world
 * was recycled reads as absent).
 */
export class SnapshotHistory {
  private readonly slots: Slot[];

  constructor(readonly size = SNAPSHOT_HISTORY_SIZE) {
    this.slots = Array.from({ length: size }, () => new Slot(EMPTY_ROWS));
  }

  /** Records snapshot `id`: the first `count` of `rows` (copied), of the world captured in `frame`. */
  remember(id: number, frame: WorldFrame, rows: Int32Array, count: number): void {
    const slot = this.slots[id % this.size]!;
    // A little headroom, so a view that grows by a few entities does not reallocate every time.
    if (slot.rows.length < count) slot.rows = new Int32Array(count + (count >> 2) + 8);
    slot.rows.set(rows.subarray(0, count));
    slot.id = id;
    slot.frame = frame;
    slot.capture = frame.capture;
    slot.count = count;
  }

  get(id: number): SentSnapshot | null {
    if (id <= 0) return null;
    const slot = this.slots[id % this.size]!;
    return slot.id === id && slot.valid ? slot : null;
  }

  clear(): void {
    for (const slot of this.slots) {
      slot.id = 0;
      slot.frame = null;
    }
  }
}
