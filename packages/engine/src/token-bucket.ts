/** Shared by every bucket that is not given a clock (one function, not one per bucket). */
const performanceNow = (): number => performance.now();

/** Classic token bucket: `capacity` burst, refilled continuously at `ratePerSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly ratePerSecond: number,
    private readonly now: () => number = performanceNow,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  /** Takes `cost` tokens if available. */
  take(cost = 1): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
