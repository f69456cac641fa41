export interface ServerClockOptions {
  /** Milliseconds per server tick. */
  tickMs: number;
  /** How long a sample stays in the sliding minimum. */
  windowMs?: number;
  /** Largest rate at which the used offset may move (ms of offset per ms of time). */
  slewRate?: number;
  /** An error larger than this is not slewed away but snapped (e.g. the server restarted). */
  snapMs?: number;
  /**
   * How long samples must stay far behind before the clock snaps back to them. A single late
   * packet is not a new timeline; a server that restarted or skipped ticks produces nothing else.
   */
  confirmMs?: number;
}

interface Sample {
  at: number;
  offset: number;
}

/**
 * Estimates the server's current tick on the local clock (performance.now() milliseconds).
 *
 * Each snapshot gives a sample `offset = arrival - tick * tickMs`. Network delay only ever makes a
 * sample late, never early, so the minimum over a short window is the best estimate of the true
 * offset; jittery late packets are ignored. The offset actually used moves towards that target at
 * a bounded rate below 1, so the estimated tick keeps increasing (only slower or faster for a
 * moment) and rendering never steps backwards. Only an error too big to slew (a restarted server,
 * a long stall) is snapped: at once when the server is ahead of our estimate, after `confirmMs` of
 * consistently late samples when it is behind.
 */
export class ServerClock {
  private readonly tickMs: number;
  private readonly windowMs: number;
  private readonly slewRate: number;
  private readonly snapMs: number;
  private readonly confirmMs: number;
  /** Arrival of the first of an unbroken run of samples far behind the used offset. */
  private farSince: number | null = null;
  private readonly samples: Sample[] = [];
  private used: number | null = null;
  private target = 0;
  private lastAdvance = 0;

  constructor(options: ServerClockOptions) {
    this.tickMs = options.tickMs;
    this.windowMs = options.windowMs ?? 2000;
    this.slewRate = options.slewRate ?? 0.05;
    this.snapMs = options.snapMs ?? 250;
    this.confirmMs = options.confirmMs ?? 500;
  }

  get ready(): boolean {
    return this.used !== null;
  }

  /** Records that the snapshot for `tick` arrived at `arrivalMs`. */
  sample(arrivalMs: number, tick: number): void {
    const offset = arrivalMs - tick * this.tickMs;
    // Keep the window as a monotonic deque: a new lower sample makes every higher one before it
    // useless, so the minimum is always the first element.
    while (this.samples.length > 0 && this.samples[this.samples.length - 1]!.offset >= offset) {
      this.samples.pop();
    }
    this.samples.push({ at: arrivalMs, offset });
    while (this.samples.length > 1 && this.samples[0]!.at < arrivalMs - this.windowMs) this.samples.shift();
    this.target = this.samples[0]!.offset;

    if (this.used === null) {
      this.used = this.target;
      this.lastAdvance = arrivalMs;
      return;
    }
    this.advance(arrivalMs);
    if (offset - this.used > this.snapMs) this.farSince ??= arrivalMs;
    else this.farSince = null;
    const confirmedBehind = this.farSince !== null && arrivalMs - this.farSince >= this.confirmMs;
    if (confirmedBehind || Math.abs(this.target - this.used) > this.snapMs) {
      // Too far off to slew in reasonable time: start over from this sample alone.
      this.samples.length = 0;
      this.samples.push({ at: arrivalMs, offset });
      this.target = offset;
      this.used = offset;
      this.farSince = null;
    }
  }

  /** The server tick (fractional) believed to be current at `nowMs`; 0 before any sample. */
  estimatedTick(nowMs: number): number {
    if (this.used === null) return 0;
    this.advance(nowMs);
    return (nowMs - this.used) / this.tickMs;
  }

  /** Forgets everything, e.g. after a reconnect (the server may have restarted at tick 0). */
  reset(): void {
    this.samples.length = 0;
    this.used = null;
    this.target = 0;
    this.farSince = null;
  }

  private advance(nowMs: number): void {
    if (this.used === null) return;
    const elapsed = nowMs - this.lastAdvance;
    if (elapsed <= 0) return;
    this.lastAdvance = nowMs;
    const maxStep = elapsed * this.slewRate;
    const error = this.target - this.used;
    this.used += Math.max(-maxStep, Math.min(maxStep, error));
  }
}
