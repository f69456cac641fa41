import { dequantizeAngle, dequantizePosition, type WireEntity } from '@perihelion/protocol';
import type { RenderEntity } from './api.js';
import { lerp, lerpAngle } from './math.js';

interface Frame {
  tick: number;
  /** As decoded (quantized, sorted by handle); converted only when drawn, so bots pay nothing. */
  entities: readonly WireEntity[];
}

export interface InterpolationBufferOptions {
  /**
   * How far past the newest frame entities may continue along their last motion, in ticks, to
   * bridge a lost snapshot. 0 = hold the newest frame.
   */
  maxExtrapolationTicks?: number;
  /** Upper bound on buffered frames, for callers that never sample (headless bots). */
  maxFrames?: number;
}

/**
 * Snapshot frames kept so other entities can be drawn a little in the past, between two known
 * states, instead of jumping at the snapshot rate.
 *
 * Between two frames A and B only entities present in both are drawn, blended by how far the
 * render tick is between them: an entity that first appears in B shows up once B is reached, and
 * one missing from B (gone or out of view) vanishes rather than freezing in place.
 */
export class InterpolationBuffer {
  private frames: Frame[] = [];
  private readonly maxExtrapolationTicks: number;
  private readonly maxFrames: number;

  constructor(options: InterpolationBufferOptions = {}) {
    this.maxExtrapolationTicks = options.maxExtrapolationTicks ?? 0;
    this.maxFrames = options.maxFrames ?? 64;
  }

  get size(): number {
    return this.frames.length;
  }

  get newestTick(): number | null {
    return this.frames.at(-1)?.tick ?? null;
  }

  /** Adds a frame; entities must be sorted by handle. Older or repeated ticks are ignored. */
  push(tick: number, entities: readonly WireEntity[]): void {
    const newest = this.frames.at(-1);
    if (newest && tick <= newest.tick) return;
    this.frames.push({ tick, entities });
    if (this.frames.length > this.maxFrames) this.frames.splice(0, this.frames.length - this.maxFrames);
  }

  clear(): void {
    this.frames = [];
  }

  /**
   * Entities as they were at `renderTick` (fractional), except `excludeHandle`. Frames older than
   * the pair bracketing `renderTick` are dropped: render time only moves forward.
   */
  sample(renderTick: number, excludeHandle: number | null = null): RenderEntity[] {
    const frames = this.frames;
    while (frames.length > 2 && frames[1]!.tick <= renderTick) frames.shift();
    const first = frames[0];
    if (!first) return [];
    // Only one frame, or render time before the oldest (just joined): show it rather than nothing.
    if (frames.length === 1 || renderTick <= first.tick) return blend(first, first, 0, excludeHandle, true);
    const second = frames[1]!;
    if (renderTick < second.tick) {
      return blend(
        first,
        second,
        (renderTick - first.tick) / (second.tick - first.tick),
        excludeHandle,
        false,
      );
    }
    // Past the newest frame: continue along the last motion for a short while, then hold.
    const ahead = Math.min(renderTick - second.tick, this.maxExtrapolationTicks);
    const t = 1 + ahead / (second.tick - first.tick);
    return blend(first, second, t, excludeHandle, true);
  }
}

/**
 * Walks the two sorted lists once. Entities in both are blended by `t`; with `keepNew` those only
 * in `b` are drawn where `b` has them (holding the newest frame), otherwise they wait for `b`.
 */
function blend(
  a: Frame,
  b: Frame,
  t: number,
  excludeHandle: number | null,
  keepNew: boolean,
): RenderEntity[] {
  const out: RenderEntity[] = [];
  const from = a.entities;
  let i = 0;
  for (const to of b.entities) {
    if (to.handle === excludeHandle) continue;
    while (i < from.length && from[i]!.handle < to.handle) i++;
    const f = from[i];
    // A handle reused for a different kind is a different thing: never slide one into the other.
    const paired = f !== undefined && f.handle === to.handle && f.kind === to.kind;
    if (!paired && !keepNew) continue;
    const x = dequantizePosition(to.qx);
    const y = dequantizePosition(to.qy);
    const angle = dequantizeAngle(to.qa);
    out.push(
      paired && t !== 1
        ? {
            handle: to.handle,
            kind: to.kind,
            variant: to.variant,
            x: lerp(dequantizePosition(f.qx), x, t),
            y: lerp(dequantizePosition(f.qy), y, t),
            angle: lerpAngle(dequantizeAngle(f.qa), angle, t),
          }
        : { handle: to.handle, kind: to.kind, variant: to.variant, x, y, angle },
    );
  }
  return out;
}
