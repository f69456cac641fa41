import type { WireEntity } from '@perihelion/protocol';

/**
 * What one member was sent recently, so the next snapshot can be a delta against whatever the
 * member last acknowledged. Bounded: an acknowledgement older than the window gets a keyframe.
 */
export class SnapshotHistory {
  private readonly frames: ({ id: number; entities: readonly WireEntity[] } | undefined)[];

  constructor(private readonly size = 32) {
    this.frames = new Array(size);
  }

  remember(id: number, entities: readonly WireEntity[]): void {
    this.frames[id % this.size] = { id, entities };
  }

  get(id: number): { id: number; entities: readonly WireEntity[] } | null {
    const f = this.frames[id % this.size];
    return f && f.id === id ? f : null;
  }

  clear(): void {
    this.frames.fill(undefined);
  }
}
