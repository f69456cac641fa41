/**
 * Runs `step` at a fixed rate on a drift-free schedule. Late wake-ups run the missed steps
 * (bounded, so a long stall does not replay seconds of ticks in one burst).
 */
export class FixedStepLoop {
  private timer: NodeJS.Timeout | null = null;
  private nextAt = 0;
  readonly stepMs: number;

  constructor(
    rate: number,
    /** `skipped`: steps dropped just before this one because the loop fell too far behind. */
    private readonly step: (skipped: number) => void,
    private readonly maxCatchUp = 5,
  ) {
    this.stepMs = 1000 / rate;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    this.nextAt = performance.now() + this.stepMs;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const delay = Math.max(0, this.nextAt - performance.now());
    this.timer = setTimeout(this.wake, delay);
  }

  private readonly wake = (): void => {
    let due = 0;
    const now = performance.now();
    while (this.nextAt <= now && due < this.maxCatchUp) {
      due++;
      this.nextAt += this.stepMs;
    }
    // Too far behind to catch up: skip ahead rather than spiral, and say how much was skipped.
    let skipped = 0;
    if (this.nextAt <= now) {
      skipped = Math.floor((now - this.nextAt) / this.stepMs) + 1;
      this.nextAt = now + this.stepMs;
    }
    for (let i = 0; i < due && this.timer; i++) this.step(i === 0 ? skipped : 0);
    if (this.timer) this.schedule();
  };
}
