import { decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { FleetWindowStats } from './messages.js';
import { latencyPercentiles } from './meter.js';

/** One bot process's window: its figures and its encoded latency histogram. */
export interface ProcessWindow {
  stats: FleetWindowStats;
  latency: string;
}

/**
 * The fleet's window from its processes' windows: counts and CPU add up, per-bot rates are
 * weighted by each process's bots, latency percentiles come from the merged histograms (not from
 * averaging percentiles), and the worst event-loop lag of any process is the fleet's.
 */
export function mergeWindows(windows: readonly ProcessWindow[]): FleetWindowStats {
  const first = windows[0];
  if (!first) throw new Error('no bot process reported a window');
  if (windows.length === 1) return first.stats;
  let merged: Histogram | null = null;
  for (const w of windows) {
    const h = decodeFromCompressedBase64(w.latency);
    if (merged) merged.add(h);
    else merged = h;
  }
  const all = windows.map((w) => w.stats);
  const sum = (f: (s: FleetWindowStats) => number) => all.reduce((t, s) => t + f(s), 0);
  const joined = sum((s) => s.joined);
  const perBot = (f: (s: FleetWindowStats) => number) =>
    joined > 0 ? sum((s) => (s.joined > 0 ? f(s) * s.joined : 0)) / joined : Number.NaN;
  const snapshotWeight = sum((s) => s.joined * s.snapshotsPerBotPerSecond);
  return {
    seconds: sum((s) => s.seconds) / all.length,
    joined,
    minJoined: sum((s) => s.minJoined),
    disconnects: sum((s) => s.disconnects),
    serverErrors: sum((s) => s.serverErrors),
    inputsPerBotPerSecond: perBot((s) => s.inputsPerBotPerSecond),
    ackLatencyMs: latencyPercentiles(merged!),
    inputBacklogMean:
      snapshotWeight > 0
        ? sum((s) => s.inputBacklogMean * s.joined * s.snapshotsPerBotPerSecond) / snapshotWeight
        : Number.NaN,
    inputBacklogMax: Math.max(...all.map((s) => s.inputBacklogMax)),
    unacknowledged: sum((s) => s.unacknowledged),
    snapshotsPerBotPerSecond: perBot((s) => s.snapshotsPerBotPerSecond),
    snapshotBytesPerBotPerSecond: perBot((s) => s.snapshotBytesPerBotPerSecond),
    wireBytesDownPerBotPerSecond: perBot((s) => s.wireBytesDownPerBotPerSecond),
    wireBytesUpPerBotPerSecond: perBot((s) => s.wireBytesUpPerBotPerSecond),
    cpuPercent: sum((s) => s.cpuPercent),
    loopLagP99Ms: Math.max(...all.map((s) => s.loopLagP99Ms)),
  };
}
