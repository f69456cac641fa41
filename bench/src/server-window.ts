import { machineTaskCpuSeconds, processCpuSeconds } from './proc-stat.js';
import { histogramQuantile, type MetricSet, scrape } from './prometheus.js';

const TICK = 'perihelion_tick_duration_seconds';

/** What the server looked like at one instant: its /metrics and its CPU time from /proc. */
export interface ServerSample {
  metrics: MetricSet;
  cpuSeconds: number | null;
  /** The whole machine's task CPU seconds at the same moment, and the bench's own. */
  machineCpuSeconds: number | null;
  benchCpuSeconds: number;
}

export async function sampleServer(url: string, pid: number): Promise<ServerSample> {
  const cpuSeconds = processCpuSeconds(pid);
  const machineCpuSeconds = machineTaskCpuSeconds();
  const own = process.cpuUsage();
  const benchCpuSeconds = (own.user + own.system) / 1e6;
  const metrics = await scrape(url);
  return { metrics, cpuSeconds, machineCpuSeconds, benchCpuSeconds };
}

/** Where the tick-time percentiles came from; see RESULTS.md for why it matters. */
export type TickQuantileSource =
  /** Cumulative histogram buckets: exactly the measurement window. */
  | 'histogram'
  /** prom-client Summary: its own sliding window (the last 20–30 s), not ours. */
  | 'summary'
  | 'none';

export interface ServerWindowStats {
  seconds: number;
  ticks: number;
  ticksPerSecond: number;
  tickMeanMs: number;
  tickP50Ms: number;
  tickP99Ms: number;
  tickSource: TickQuantileSource;
  /** nodejs_eventloop_lag_p99_seconds as served (includes the monitor's sampling interval). */
  loopDelayP99RawMs: number;
  /** The same minus the sampling interval: how late the loop actually was. */
  loopLagP99Ms: number;
  loopLagMaxMs: number;
  /** Entity records (new or changed entities) and their bytes, over the window. */
  entityRecords: number;
  bytesPerEntityRecord: number;
  snapshots: number;
  keyframes: number;
  /** Average new-or-changed entities per snapshot: a proxy for what each player sees move. */
  recordsPerSnapshot: number;
  /** Snapshot payload the server encoded per second, divided by players. */
  snapshotBytesPerPlayerPerSecond: number;
  players: number;
  cpuPercent: number;
  /** CPU all tasks on the machine used during the window (100 % = one core), server included. */
  machineCpuPercent: number;
  /** CPU of the bench's own (parent) process during the window. */
  benchCpuPercent: number;
}

/**
 * Turns two samples taken at the start and the end of the measurement window into per-window
 * numbers. Counters are differenced; the event-loop percentiles need no differencing because
 * prom-client resets its event-loop histogram on every scrape, so the end scrape covers exactly
 * the window opened by the start scrape (nothing else may scrape in between).
 */
export function serverWindow(
  begin: ServerSample,
  end: ServerSample,
  eldResolutionMs: number,
): ServerWindowStats {
  const a = begin.metrics;
  const b = end.metrics;
  const seconds = (b.at - a.at) / 1000;
  // A labelled counter appears only once incremented: a missing sample counts as zero.
  const read = (m: MetricSet, name: string, labels?: Record<string, string>) => {
    const v = labels ? m.value(name, labels) : m.sum(name);
    return Number.isNaN(v) ? 0 : v;
  };
  const delta = (name: string, labels?: Record<string, string>) =>
    read(b, name, labels) - read(a, name, labels);

  const ticks = delta(`${TICK}_count`);
  const tickSum = delta(`${TICK}_sum`);
  let tickSource: TickQuantileSource = 'none';
  let tickP50Ms = Number.NaN;
  let tickP99Ms = Number.NaN;
  if (b.has(`${TICK}_bucket`)) {
    tickSource = 'histogram';
    tickP50Ms = histogramQuantile(TICK, a, b, 0.5) * 1000;
    tickP99Ms = histogramQuantile(TICK, a, b, 0.99) * 1000;
  } else if (b.has(TICK)) {
    tickSource = 'summary';
    tickP50Ms = b.value(TICK, { quantile: '0.5' }) * 1000;
    tickP99Ms = b.value(TICK, { quantile: '0.99' }) * 1000;
  }

  const loopDelayP99RawMs = b.value('nodejs_eventloop_lag_p99_seconds') * 1000;
  const records = delta('perihelion_snapshot_entity_records_total');
  const recordBytes = delta('perihelion_snapshot_entity_record_bytes_total');
  const snapshots = delta('perihelion_snapshots_total');
  const players = b.value('perihelion_players');
  const percentOf = (x: number | null, y: number | null) =>
    x !== null && y !== null ? ((y - x) / seconds) * 100 : Number.NaN;
  return {
    seconds,
    ticks,
    ticksPerSecond: ticks / seconds,
    tickMeanMs: ticks > 0 ? (tickSum / ticks) * 1000 : Number.NaN,
    tickP50Ms,
    tickP99Ms,
    tickSource,
    loopDelayP99RawMs,
    loopLagP99Ms: Math.max(0, loopDelayP99RawMs - eldResolutionMs),
    loopLagMaxMs: Math.max(0, b.value('nodejs_eventloop_lag_max_seconds') * 1000 - eldResolutionMs),
    entityRecords: records,
    bytesPerEntityRecord: records > 0 ? recordBytes / records : Number.NaN,
    snapshots,
    keyframes: delta('perihelion_snapshots_total', { type: 'keyframe' }),
    recordsPerSnapshot: snapshots > 0 ? records / snapshots : Number.NaN,
    snapshotBytesPerPlayerPerSecond:
      players > 0 ? delta('perihelion_snapshot_bytes_total') / seconds / players : Number.NaN,
    players,
    cpuPercent: percentOf(begin.cpuSeconds, end.cpuSeconds),
    machineCpuPercent: percentOf(begin.machineCpuSeconds, end.machineCpuSeconds),
    benchCpuPercent: percentOf(begin.benchCpuSeconds, end.benchCpuSeconds),
  };
}
