import {
  type DecodedSnapshot,
  decodeSnapshot,
  MissingBaselineError,
  type WireEntity,
} from '@perihelion/protocol';

/** Why a snapshot was not used (for metrics and tests). */
export type DropReason = 'missing-baseline' | 'malformed' | 'stale';

/**
 * Decodes snapshots against the frames this client received before.
 *
 * The server encodes each snapshot as a delta against a frame the client acknowledged (the
 * snapshot id sent back with every input), so the last few decoded frames are kept by id. A delta
 * against a frame we no longer (or never) had is simply dropped: tick data is superseded by the
 * next snapshot, and the server falls back to a keyframe once our acknowledgements stop matching.
 */
export class BaselineStore {
  private readonly frames = new Map<number, readonly WireEntity[]>();
  private newest = 0;
  private readonly drops: Record<DropReason, number> = { 'missing-baseline': 0, malformed: 0, stale: 0 };

  constructor(private readonly capacity = 64) {}

  /** Id of the newest frame decoded: acknowledged to the server with every input. */
  get newestId(): number {
    return this.newest;
  }

  get size(): number {
    return this.frames.size;
  }

  get dropped(): Readonly<Record<DropReason, number>> {
    return this.drops;
  }

  has(id: number): boolean {
    return this.frames.has(id);
  }

  /** Decodes and remembers a snapshot; null when it cannot or should not be used. */
  decode(bytes: Uint8Array): DecodedSnapshot | null {
    let frame: DecodedSnapshot;
    try {
      frame = decodeSnapshot(bytes, (id) => this.frames.get(id));
    } catch (err) {
      // Never let a bad frame take the client down: the next one supersedes it.
      this.drops[err instanceof MissingBaselineError ? 'missing-baseline' : 'malformed']++;
      return null;
    }
    // Ids only increase within one join; anything older than what we have is a leftover.
    if (frame.id <= this.newest) {
      this.drops.stale++;
      return null;
    }
    this.frames.set(frame.id, frame.entities);
    this.newest = frame.id;
    // A Map iterates in insertion order, and ids arrive increasing: the first key is the oldest.
    while (this.frames.size > this.capacity) {
      const oldest = this.frames.keys().next().value;
      if (oldest === undefined) break;
      this.frames.delete(oldest);
    }
    return frame;
  }

  /** Forgets every frame (a new join: the server numbers this member's snapshots from 1 again). */
  reset(): void {
    this.frames.clear();
    this.newest = 0;
  }
}
