import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { ChannelMessages } from '@perihelion/protocol';
import { type FanoutStamp, type WindowReport, wallNow } from './messages.js';

function stampOf(data: unknown): FanoutStamp | null {
  const d = data as Partial<FanoutStamp> | undefined;
  return typeof d?.benchSeq === 'number' && typeof d.sentAt === 'number'
    ? { benchSeq: d.benchSeq, sentAt: d.sentAt }
    : null;
}

/**
 * One worker's measurement window: for every stamped fan-out message a tab receives, the time from
 * the publish request (its `sentAt`) to now, kept exactly (one number per delivery); and the
 * worker's event-loop delay.
 */
export class Deliveries {
  private latencies = new Float64Array(1 << 16);
  private size = 0;
  private perMessage = new Map<number, number>();
  private lastAt = new Map<number, number>();
  private payloadBytes = 0;
  private loop: IntervalHistogram | null = null;

  get count(): number {
    return this.size;
  }

  /** A tab received a `channel:messages` batch. */
  received(batch: ChannelMessages): void {
    const now = wallNow();
    for (const msg of batch.messages) {
      const stamp = stampOf(msg.data);
      if (!stamp) continue;
      if (this.payloadBytes === 0) this.payloadBytes = Buffer.byteLength(JSON.stringify(batch));
      this.push(now - stamp.sentAt);
      this.perMessage.set(stamp.benchSeq, (this.perMessage.get(stamp.benchSeq) ?? 0) + 1);
      this.lastAt.set(stamp.benchSeq, now);
    }
  }

  begin(): void {
    this.size = 0;
    this.perMessage.clear();
    this.lastAt.clear();
    this.loop?.disable();
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
  }

  end(): WindowReport {
    const loop = this.loop;
    loop?.disable();
    // The monitor's samples include its own resolution (10 ms) on an idle loop.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - 10);
    return {
      type: 'window',
      latenciesMs: Array.from(this.latencies.subarray(0, this.size)),
      perMessage: Object.fromEntries(this.perMessage),
      lastAtPerMessage: Object.fromEntries(this.lastAt),
      payloadBytes: this.payloadBytes,
      loopDelayP99Ms: loop && loop.count > 0 ? ms(loop.percentile(99)) : 0,
      loopDelayMaxMs: loop && loop.count > 0 ? ms(loop.max) : 0,
    };
  }

  private push(value: number): void {
    if (this.size === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.size++] = value;
  }
}
