import {
  decodeSnapshot,
  type EntityState,
  quantizeAngle,
  quantizePosition,
  type WireEntity,
} from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MemberLink, RoomMember } from './member.js';
import { Room } from './room.js';
import type { Simulation } from './simulation.js';

/**
 * Entities circling at different speeds and radii, so they move every tick and cross the
 * viewer's edge of view; listed in descending handle order (the room must sort them).
 */
class CirclingWorld implements Simulation {
  readonly viewRadius = 300;
  private step_ = 0;
  private readonly viewer = { handle: 1000, x: 0, y: 0 };

  spawn(): number {
    return this.viewer.handle;
  }
  despawn(): readonly number[] | null {
    return [this.viewer.x, this.viewer.y];
  }
  applyInput(): void {}
  step(): void {
    this.step_++;
  }
  ownState(): readonly number[] {
    return [this.viewer.x, this.viewer.y];
  }
  focus(): { x: number; y: number } {
    return this.viewer;
  }
  *entities(): Iterable<EntityState> {
    yield { handle: this.viewer.handle, kind: 1, variant: 0, x: 0, y: 0, angle: 0 };
    for (let h = 60; h >= 1; h--) {
      const t = this.step_ * (0.002 * h) + h;
      const r = 100 + h * 6;
      // Some entities stand still (an unchanged record is not sent), some change variant.
      const moving = h % 7 !== 0;
      yield {
        handle: h,
        kind: 2,
        variant: moving ? Math.floor(this.step_ / 20 + h) % 3 : 0,
        x: moving ? Math.cos(t) * r : r,
        y: moving ? Math.sin(t) * r : 0,
        angle: t,
      };
    }
  }

  /** What the viewer should see now, as the wire carries it. */
  expectedView(): WireEntity[] {
    const radius = quantizePosition(this.viewRadius);
    return [...this.entities()]
      .filter((e) => e.handle !== this.viewer.handle)
      .map((e) => ({
        handle: e.handle,
        kind: e.kind,
        variant: e.variant,
        // + 0: the wire has no negative zero.
        qx: quantizePosition(e.x) + 0,
        qy: quantizePosition(e.y) + 0,
        qa: quantizeAngle(e.angle),
      }))
      .filter((e) => e.qx * e.qx + e.qy * e.qy <= radius * radius)
      .sort((a, b) => a.handle - b.handle);
  }
}

/** A client: decodes every snapshot against what it decoded before, and checks it. */
class DecodingLink implements MemberLink {
  readonly decoded = new Map<number, readonly WireEntity[]>();
  newest = 0;
  keyframes = 0;
  constructor(private readonly world: CirclingWorld) {}
  sendSnapshot(frame: Uint8Array): void {
    const snapshot = decodeSnapshot(frame, (id) => this.decoded.get(id));
    if (snapshot.baselineId === 0) this.keyframes++;
    this.decoded.set(snapshot.id, snapshot.entities);
    this.newest = snapshot.id;
    expect(snapshot.entities).toEqual(this.world.expectedView());
  }
  sendError(): void {}
}

describe('a room’s deltas', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('decode to exactly what the member sees, whatever it acknowledges and however late', () => {
    const world = new CirclingWorld();
    const room = new Room({ id: 'r', tickRate: 30, snapshotRate: 20, capacity: 2, simulation: world });
    const link = new DecodingLink(world);
    const { member } = room.join('p', 'P', link, null);
    const ack = (m: RoomMember, id: number) => m.enqueueInput(0, 0, id);
    room.start();
    // Acknowledge promptly, then a few snapshots late, then not at all for longer than the
    // history (deltas fall back to the last keyframe, then a new keyframe), then promptly again.
    const phases: { snapshots: number; lag: number | null }[] = [
      { snapshots: 40, lag: 0 },
      { snapshots: 40, lag: 5 },
      { snapshots: 80, lag: null },
      { snapshots: 40, lag: 1 },
    ];
    for (const phase of phases) {
      const until = link.newest + phase.snapshots;
      while (link.newest < until) {
        vi.advanceTimersByTime(5);
        if (phase.lag !== null && link.newest - phase.lag > 0) ack(member, link.newest - phase.lag);
      }
    }
    room.stop();
    expect(link.newest).toBeGreaterThanOrEqual(200);
    // The first snapshot, then the silence: one when the last keyframe left the history.
    expect(link.keyframes).toBeGreaterThanOrEqual(2);
    expect(link.keyframes).toBeLessThanOrEqual(4);
  });
});
