const BARS = '▁▂▃▄▅▆▇█';

/**
 * Completions per second from a running total sampled every so often: the connections/s curve of
 * a ramp. Whole seconds since `startAt` are buckets; a sample's total counts towards the second it
 * was taken in.
 */
export class RateCurve {
  private readonly done: number[] = [];
  private atBoundary = 0;
  private last = 0;
  private readonly recent: Array<{ at: number; total: number }> = [];

  constructor(private readonly startAt = performance.now()) {}

  add(total: number, now = performance.now()): void {
    const second = Math.floor((now - this.startAt) / 1000);
    while (this.done.length < second) {
      this.done.push(this.last - this.atBoundary);
      this.atBoundary = this.last;
    }
    this.last = total;
    this.recent.push({ at: now, total });
    while (this.recent.length > 2 && now - this.recent[1]!.at >= 1000) this.recent.shift();
  }

  /** Completions per second over about the last second. */
  get rateNow(): number {
    const first = this.recent[0];
    const last = this.recent.at(-1);
    if (!first || !last || last.at - first.at <= 0) return 0;
    return ((last.total - first.total) * 1000) / (last.at - first.at);
  }

  /** Completions in each whole second so far, plus the second in progress. */
  perSecond(): number[] {
    return [...this.done, this.last - this.atBoundary];
  }

  get peak(): number {
    return Math.max(0, ...this.done);
  }
}

/** `values` as a bar per value, scaled to the largest (the last `width` only). */
export function sparkline(values: readonly number[], width = values.length): string {
  const shown = values.slice(-width);
  const top = Math.max(1, ...shown);
  return shown.map((v) => BARS[Math.min(BARS.length - 1, Math.floor((v / top) * BARS.length))]).join('');
}

/** At most `width` values: neighbouring ones averaged together (for a curve longer than a line). */
export function downsample(values: readonly number[], width: number): { values: number[]; per: number } {
  const per = Math.max(1, Math.ceil(values.length / width));
  const out: number[] = [];
  for (let i = 0; i < values.length; i += per) {
    const group = values.slice(i, i + per);
    out.push(group.reduce((a, b) => a + b, 0) / group.length);
  }
  return { values: out, per };
}
