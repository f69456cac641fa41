import type { Timers } from './timers.js';

export interface SubscribeQueueOptions {
  /** Most requests sent and not answered yet. */
  maxInFlight: number;
  /** Most requests sent per second; also the burst. */
  perSecond: number;
}

/**
 * Flow control for one connection's subscribes, in request order: at most `maxInFlight` sent and
 * not answered yet, and at most `perSecond` sent a second (a token bucket with that burst). A
 * player may have hundreds of channels (one per direct conversation), and the server's inbound
 * guard disconnects a client that sends far more than ~60 messages a second; this keeps the
 * subscribes after a connect inside that with room for publishes and read marks.
 */
export class SubscribeQueue<T> {
  /** Requested, not sent yet (a Set keeps the request order). */
  private readonly waiting = new Set<T>();
  private readonly inFlight = new Set<T>();
  private tokens: number;
  private refilledAt = Date.now();
  /** The server said RATE_LIMITED: nothing goes before this time. */
  private heldUntil = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private pumping = false;
  private pumpAgain = false;

  constructor(
    private readonly options: SubscribeQueueOptions,
    private readonly timers: Timers,
    /** Sends the request for `item` (its slot is taken until answered() or forget()). */
    private readonly send: (item: T) => void,
  ) {
    this.tokens = this.burst;
  }

  /** Requests sent and not answered yet. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Queues a request for `item` (once) and sends whatever may go now. */
  request(item: T): void {
    // Asked again while one is out: that answer no longer counts, the new request replaces it.
    this.inFlight.delete(item);
    this.waiting.add(item);
    this.pump();
  }

  /** The request for `item` was answered: its slot is free. */
  answered(item: T): void {
    if (this.inFlight.delete(item)) this.pump();
  }

  /** `item` is gone: it neither waits nor holds a slot any more. */
  forget(item: T): void {
    this.waiting.delete(item);
    if (this.inFlight.delete(item)) this.pump();
  }

  /** Nothing goes for `ms` (the server answered RATE_LIMITED). */
  holdFor(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, Date.now() + ms);
    this.pump();
  }

  /** A new connection (or none): nothing is in flight or waiting, and the rate starts afresh. */
  reset(): void {
    this.waiting.clear();
    this.inFlight.clear();
    this.tokens = this.burst;
    this.refilledAt = Date.now();
    this.heldUntil = 0;
    if (this.timer !== null) this.timers.cancel(this.timer);
    this.timer = null;
  }

  private get burst(): number {
    return Math.max(1, this.options.perSecond);
  }

  private pump(): void {
    // send() may answer synchronously (and so call back in here): one loop at a time.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.sendDue();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private sendDue(): void {
    while (this.waiting.size > 0 && this.inFlight.size < Math.max(1, this.options.maxInFlight)) {
      const now = Date.now();
      if (now < this.heldUntil) {
        this.wakeAt(this.heldUntil, now);
        return;
      }
      this.refill(now);
      if (this.tokens < 1) {
        this.wakeAt(now + ((1 - this.tokens) * 1000) / this.burst, now);
        return;
      }
      const item = this.waiting.values().next().value as T;
      this.waiting.delete(item);
      this.inFlight.add(item);
      this.tokens -= 1;
      this.send(item);
    }
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.options.perSecond) / 1000);
    this.refilledAt = now;
  }

  private wakeAt(at: number, now: number): void {
    if (this.timer !== null) {
      if (this.timerAt <= at) return;
      this.timers.cancel(this.timer);
    }
    this.timerAt = at;
    this.timer = this.timers.later(Math.max(1, Math.ceil(at - now)), () => {
      this.timer = null;
      this.pump();
    });
  }
}
