import { monitorEventLoopDelay } from 'node:perf_hooks';
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { FleetWindowStats, Percentiles } from './messages.js';
import type { WireBytes } from './wire-bytes.js';

/** Input → acknowledgement latencies are recorded in microseconds (HdrHistogram wants integers). */
export const US_PER_MS = 1000;
/** The worker's own event-loop monitor interval; subtracted, as Node reports whole intervals. */
const LOOP_RESOLUTION_MS = 1;

interface Window {
  start: number;
  end: number | null;
  joined: number;
  minJoined: number;
  disconnects: number;
  serverErrors: number;
  inputs: number;
  /** Inputs sent in the window and not yet acknowledged. */
  inFlight: number;
  snapshots: number;
  snapshotBytes: number;
  backlogSum: number;
  backlogMax: number;
  wireStart: { read: number; written: number };
  wireEnd: { read: number; written: number } | null;
  cpuStart: NodeJS.CpuUsage;
  cpuEnd: NodeJS.CpuUsage | null;
}

/**
 * The fleet's measurement window: bots report what happens (inputs sent, snapshots and
 * acknowledgements received, drops), and only what falls inside [begin, end) is counted.
 * Acknowledgements of inputs sent inside the window still count when they arrive a little after
 * its end, so the slowest inputs are not cut off (censored) by the window boundary.
 */
export class FleetMeter {
  private readonly latency: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000 * US_PER_MS,
    numberOfSignificantValueDigits: 3,
  });
  private readonly loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private window: Window | null = null;

  constructor(private readonly wire: WireBytes) {
    this.loop.enable();
  }

  get measuring(): boolean {
    return this.window !== null && this.window.end === null;
  }

  /** Inputs sent in the window that still wait for their acknowledgement. */
  get inFlight(): number {
    return this.window?.inFlight ?? 0;
  }

  begin(now: number, joined: number): void {
    this.latency.reset();
    this.loop.reset();
    this.window = {
      start: now,
      end: null,
      joined,
      minJoined: joined,
      disconnects: 0,
      serverErrors: 0,
      inputs: 0,
      inFlight: 0,
      snapshots: 0,
      snapshotBytes: 0,
      backlogSum: 0,
      backlogMax: 0,
      wireStart: this.wire.totals(),
      wireEnd: null,
      cpuStart: process.cpuUsage(),
      cpuEnd: null,
    };
  }

  end(now: number, joined: number): void {
    const w = this.window;
    if (!w || w.end !== null) return;
    w.end = now;
    w.joined = joined;
    w.wireEnd = this.wire.totals();
    w.cpuEnd = process.cpuUsage(w.cpuStart);
  }

  /** Whether an input sent at `sentAt` belongs to the window. */
  inWindow(sentAt: number): boolean {
    const w = this.window;
    return w !== null && sentAt >= w.start && (w.end === null || sentAt < w.end);
  }

  joinedNow(joined: number): void {
    if (this.measuring) this.window!.minJoined = Math.min(this.window!.minJoined, joined);
  }

  inputSent(sentAt: number): void {
    if (!this.inWindow(sentAt)) return;
    this.window!.inputs++;
    this.window!.inFlight++;
  }

  acknowledged(sentAt: number, now: number): void {
    if (!this.inWindow(sentAt)) return;
    this.window!.inFlight--;
    this.latency.recordValue(Math.max(1, Math.round((now - sentAt) * US_PER_MS)));
  }

  /** Inputs that will never be acknowledged (their connection dropped). */
  lost(sentAt: number): void {
    if (this.inWindow(sentAt)) this.window!.inFlight--;
  }

  /** A snapshot arrived; `backlog` inputs of that bot were still unacknowledged after it. */
  snapshot(bytes: number, backlog: number): void {
    if (!this.measuring) return;
    const w = this.window!;
    w.snapshots++;
    w.snapshotBytes += bytes;
    w.backlogSum += backlog;
    if (backlog > w.backlogMax) w.backlogMax = backlog;
  }

  disconnected(): void {
    if (this.measuring) this.window!.disconnects++;
  }

  serverError(): void {
    if (this.measuring) this.window!.serverErrors++;
  }

  result(): FleetWindowStats {
    const w = this.window;
    if (!w || w.end === null || !w.wireEnd || !w.cpuEnd) throw new Error('no finished measurement window');
    const seconds = (w.end - w.start) / 1000;
    const perBotSecond = (n: number) => (w.joined > 0 ? n / w.joined / seconds : Number.NaN);
    const cpuMicros = w.cpuEnd.user + w.cpuEnd.system;
    return {
      seconds,
      joined: w.joined,
      minJoined: w.minJoined,
      disconnects: w.disconnects,
      serverErrors: w.serverErrors,
      inputsPerBotPerSecond: perBotSecond(w.inputs),
      ackLatencyMs: this.percentiles(),
      inputBacklogMean: w.snapshots > 0 ? w.backlogSum / w.snapshots : Number.NaN,
      inputBacklogMax: w.backlogMax,
      unacknowledged: w.inFlight,
      snapshotsPerBotPerSecond: perBotSecond(w.snapshots),
      snapshotBytesPerBotPerSecond: perBotSecond(w.snapshotBytes),
      wireBytesDownPerBotPerSecond: perBotSecond(w.wireEnd.read - w.wireStart.read),
      wireBytesUpPerBotPerSecond: perBotSecond(w.wireEnd.written - w.wireStart.written),
      cpuPercent: (cpuMicros / 1e6 / seconds) * 100,
      loopLagP99Ms: Math.max(0, this.loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    };
  }

  /** The window's latency histogram, for a parent merging several processes' windows. */
  encodedLatency(): string {
    return encodeIntoCompressedBase64(this.latency);
  }

  private percentiles(): Percentiles {
    return latencyPercentiles(this.latency);
  }
}

/** Percentiles in milliseconds of a histogram recorded in microseconds. */
export function latencyPercentiles(h: Histogram): Percentiles {
  const ms = (us: number) => us / US_PER_MS;
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}
