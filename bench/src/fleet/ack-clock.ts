import type { FleetMeter } from './meter.js';

/**
 * One bot's inputs in flight: times each from the moment it was sent to the first snapshot whose
 * ackSeq covers it, and tells the meter. Parallel arrays with a moving head, compacted now and then.
 */
export class AckClock {
  private pendingSeq: number[] = [];
  private pendingAt: number[] = [];
  private head = 0;

  constructor(private readonly meter: FleetMeter) {}

  sent(seq: number, now: number): void {
    this.pendingSeq.push(seq);
    this.pendingAt.push(now);
    this.meter.inputSent(now);
  }

  snapshot(ackSeq: number, bytes: number, now: number): void {
    while (this.head < this.pendingSeq.length && this.pendingSeq[this.head]! <= ackSeq) {
      this.meter.acknowledged(this.pendingAt[this.head]!, now);
      this.head++;
    }
    this.meter.snapshot(bytes, this.pendingSeq.length - this.head);
    if (this.head > 256 && this.head * 2 > this.pendingSeq.length) this.compact();
  }

  /** The connection is gone (or was replaced): what is still pending will never be acknowledged. */
  dropPending(): void {
    for (let i = this.head; i < this.pendingAt.length; i++) this.meter.lost(this.pendingAt[i]!);
    this.pendingSeq = [];
    this.pendingAt = [];
    this.head = 0;
  }

  private compact(): void {
    this.pendingSeq = this.pendingSeq.slice(this.head);
    this.pendingAt = this.pendingAt.slice(this.head);
    this.head = 0;
  }
}
