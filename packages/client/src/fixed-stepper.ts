/**
 * Turns a stream of frame times into whole fixed steps (the input rate), with the fraction of the
 * current step left over for drawing between steps.
 *
 * Catch-up is capped: after a stall (a hidden tab, a debugger pause) the backlog is dropped rather
 * than flushed as a burst of inputs that the server would only throttle or discard anyway.
 */
export class FixedStepper {
  private last: number | null = null;
  private accumulated = 0;

  constructor(
    private stepMs: number,
    private readonly maxStepsPerCall = 5,
  ) {}

  get intervalMs(): number {
    return this.stepMs;
  }

  /** Starts over (after a join, or while there is nothing to send). */
  reset(stepMs = this.stepMs): void {
    this.stepMs = stepMs;
    this.last = null;
    this.accumulated = 0;
  }

  /** How many steps are due at `nowMs`. */
  advance(nowMs: number): number {
    if (this.last === null) {
      this.last = nowMs;
      return 0;
    }
    this.accumulated += Math.max(0, nowMs - this.last);
    this.last = nowMs;
    // The epsilon keeps float error (60 × 16.67 ms = 999.99…) from losing a step now and then.
    const due = Math.floor((this.accumulated + 1e-6) / this.stepMs);
    this.accumulated = Math.max(0, this.accumulated - due * this.stepMs);
    return Math.min(due, this.maxStepsPerCall);
  }

  /** How far into the current step `nowMs` is, 0..1. */
  alpha(nowMs: number): number {
    if (this.last === null) return 1;
    const t = (this.accumulated + Math.max(0, nowMs - this.last)) / this.stepMs;
    return Math.min(1, Math.max(0, t));
  }
}
