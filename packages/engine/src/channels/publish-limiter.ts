import { TokenBucket } from '../token-bucket.js';

export interface PublishRate {
  perSecond: number;
  burst: number;
}

export interface PublishLimiterOptions {
  /** Milliseconds on a monotonic clock (default performance.now()). */
  now?: () => number;
  /** How often buckets that are full again are forgotten (default a minute). */
  sweepEveryMs?: number;
}

const DEFAULT_SWEEP_MS = 60_000;

interface Entry {
  readonly bucket: TokenBucket;
  lastUsed: number;
}

/**
 * Publishes per player, all their connections on this node together. A player's bucket outlives
 * their connections: it is kept until it would be full again (burst / rate after its last use),
 * so disconnecting and reconnecting never refills the burst, and forgetting it then changes
 * nothing. A sweep on an unref'd timer forgets those; close() stops it.
 */
export class PublishLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly fullAfterMs: number;
  private timer: ReturnType<typeof setInterval> | null;

  constructor(
    private readonly rate: PublishRate,
    opts: PublishLimiterOptions = {},
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.fullAfterMs = (rate.burst / rate.perSecond) * 1000;
    this.timer = setInterval(() => this.sweep(), opts.sweepEveryMs ?? DEFAULT_SWEEP_MS);
    this.timer.unref?.();
  }

  /** Players with a bucket kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Takes one publish from the player's bucket; false when it is empty. */
  take(playerId: string): boolean {
    const now = this.now();
    let entry = this.entries.get(playerId);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.rate.burst, this.rate.perSecond, this.now), lastUsed: now };
      this.entries.set(playerId, entry);
    }
    entry.lastUsed = now;
    return entry.bucket.take();
  }

  /** Forgets the buckets that are full again. */
  sweep(): void {
    const now = this.now();
    for (const [playerId, entry] of this.entries) {
      if (now - entry.lastUsed >= this.fullAfterMs) this.entries.delete(playerId);
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.entries.clear();
  }
}
