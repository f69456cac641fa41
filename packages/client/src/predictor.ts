import type { PredictStep } from './api.js';
import { diffState, lerpState, OWN_ANGLE_INDEX, wrapAngle } from './math.js';

export interface PredictorOptions {
  /** The game's fixed-step rule; without it the own entity follows server state (smoothed). */
  predict?: PredictStep;
  /** How long a visual correction takes to fade out. */
  correctionMs?: number;
  /** A position error larger than this (world units) is a teleport: snap instead of smoothing. */
  snapDistance?: number;
  /** Bound on unacknowledged inputs kept for replay (the oldest go first). */
  maxPending?: number;
}

interface PendingInput {
  seq: number;
  buttons: number;
}

/**
 * Client-side prediction and reconciliation of the player's own entity.
 *
 * The server advances the entity one step per input it applies, with the same deterministic rule,
 * so replaying the not-yet-acknowledged inputs on top of the server's state reproduces the
 * prediction exactly when nothing was lost: the correction is then exactly zero and nothing moves.
 * When they differ (a lost input, a server-side rule), the simulation state jumps to the truth at
 * once but the drawn state keeps a visual offset that fades out, so the ship never snaps.
 */
export class Predictor {
  private readonly predict: PredictStep | undefined;
  private readonly correctionMs: number;
  private readonly snapDistance: number;
  private readonly maxPending: number;
  private pending: PendingInput[] = [];
  /** State before the latest step: rendering blends from it to `current` between steps. */
  private previous: number[] | null = null;
  private current: number[] | null = null;
  /** The latest authoritative state and the inputs it includes: what a replay starts from. */
  private authority: number[] | null = null;
  /** Visual offset at `offsetStart`; it fades to zero over `correctionMs`. */
  private offset: number[] | null = null;
  private offsetStart = 0;
  /** Server states reconciled against, and how many of them disagreed with the prediction. */
  readonly stats = { reconciliations: 0, corrections: 0 };

  constructor(options: PredictorOptions = {}) {
    this.predict = options.predict;
    this.correctionMs = options.correctionMs ?? 150;
    this.snapDistance = options.snapDistance ?? 200;
    this.maxPending = options.maxPending ?? 256;
  }

  /** Current predicted simulation state (no visual smoothing), or null before a join. */
  get state(): readonly number[] | null {
    return this.current;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /**
   * Starts over from an authoritative state (a join): nothing pending. After a reconnect the ship
   * may be a little behind where it was predicted (inputs the server never got); that gap fades
   * like any correction, while a far jump (a fresh spawn) snaps.
   */
  reset(own: readonly number[], nowMs = 0): void {
    const old = this.current;
    const remaining = this.offsetAt(nowMs);
    this.current = [...own];
    this.previous = [...own];
    this.authority = [...own];
    this.pending = [];
    this.offset = null;
    if (!old || old.length !== own.length || !own.every(Number.isFinite)) return;
    const error = diffState(old, own).map((e, i) => e + (remaining?.[i] ?? 0));
    if (error.every((e) => e === 0) || Math.hypot(error[0] ?? 0, error[1] ?? 0) > this.snapDistance) return;
    this.offset = error;
    this.offsetStart = nowMs;
  }

  clear(): void {
    this.current = null;
    this.previous = null;
    this.authority = null;
    this.pending = [];
    this.offset = null;
  }

  /** Applies one input step locally (called for every input sent). */
  step(seq: number, buttons: number): void {
    if (!this.current) return;
    this.pending.push({ seq, buttons });
    if (this.pending.length > this.maxPending) this.pending.shift();
    if (!this.predict) return;
    this.previous = this.current;
    this.current = this.predict(this.current, buttons);
  }

  /**
   * The server says: after applying inputs up to `ackSeq`, the entity is at `own`. Replays what is
   * still unacknowledged on top and, if that lands somewhere else than predicted, starts a fading
   * visual correction from where the entity was drawn.
   */
  reconcile(own: readonly number[], ackSeq: number, nowMs: number): void {
    let drop = 0;
    while (drop < this.pending.length && this.pending[drop]!.seq <= ackSeq) drop++;
    if (drop > 0) this.pending.splice(0, drop);

    this.authority = [...own];
    const replayed = this.replayPending();
    const old = this.current;
    if (!old || !this.previous || old.length !== replayed.length || !replayed.every(Number.isFinite)) {
      this.current = replayed;
      this.previous = [...replayed];
      this.offset = null;
      return;
    }
    this.stats.reconciliations++;
    if (diffState(old, replayed).every((e) => e === 0)) return;
    this.stats.corrections++;
    this.moveTo(replayed, nowMs);
  }

  /**
   * The rules changed (live tuning of the game's content). The server simulates every input it
   * had not acknowledged when it switched with the new rules, so they are predicted again, from
   * the latest authoritative state, with the new ones: the next reconciliation then agrees instead
   * of correcting. The drawn ship does not jump; any difference fades like a correction (it is
   * not counted as one: nothing was mispredicted).
   */
  replayWithNewRules(nowMs: number): void {
    if (!this.predict || !this.authority || !this.current || !this.previous) return;
    const replayed = this.replayPending();
    if (replayed.length !== this.current.length || !replayed.every(Number.isFinite)) return;
    if (diffState(this.current, replayed).every((e) => e === 0)) return;
    this.moveTo(replayed, nowMs);
  }

  private replayPending(): number[] {
    let replayed: number[] = [...(this.authority ?? [])];
    if (this.predict) for (const input of this.pending) replayed = this.predict(replayed, input.buttons);
    return replayed;
  }

  /** Jumps the simulation state to `replayed`, keeping the drawn state still (a fading offset). */
  private moveTo(replayed: number[], nowMs: number): void {
    const previous = this.previous ?? replayed;
    const error = diffState(this.current ?? replayed, replayed);
    this.current = replayed;
    // Shift the blend's starting point by the same error, so the drawn position does not move at
    // the instant of the correction; the offset below carries the difference instead.
    const shifted = new Array<number>(previous.length);
    for (let i = 0; i < previous.length; i++) {
      shifted[i] = i === OWN_ANGLE_INDEX ? wrapAngle(previous[i]! - error[i]!) : previous[i]! - error[i]!;
    }
    this.previous = shifted;

    if (Math.hypot(error[0] ?? 0, error[1] ?? 0) > this.snapDistance) {
      this.offset = null;
      this.previous = [...replayed];
      return;
    }
    const remaining = this.offsetAt(nowMs);
    this.offset = error.map((e, i) => e + (remaining?.[i] ?? 0));
    this.offsetStart = nowMs;
  }

  /**
   * What to draw: the blend between the last two steps at `alpha` (0..1 of the way through the
   * current step) plus whatever visual correction has not faded yet.
   */
  renderState(alpha: number, nowMs: number): number[] | null {
    if (!this.current || !this.previous) return null;
    const out = lerpState(this.previous, this.current, alpha);
    const offset = this.offsetAt(nowMs);
    if (offset) {
      for (let i = 0; i < out.length; i++) {
        const v = out[i]! + (offset[i] ?? 0);
        out[i] = i === OWN_ANGLE_INDEX ? wrapAngle(v) : v;
      }
    }
    return out;
  }

  /** The visual correction still applied at `nowMs`, or null when there is none. */
  offsetAt(nowMs: number): number[] | null {
    const offset = this.offset;
    if (!offset) return null;
    const u = Math.max(0, (nowMs - this.offsetStart) / this.correctionMs);
    if (u >= 1) {
      this.offset = null;
      return null;
    }
    // Smoothstep fade: starts and ends with zero velocity, so the correction itself has no jerk.
    const k = 1 - u * u * (3 - 2 * u);
    return offset.map((o) => o * k);
  }
}
