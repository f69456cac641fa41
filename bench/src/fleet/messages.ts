import type { BotKind } from './fleet-bot.js';

/** One bot process's configuration, passed to the worker in BENCH_FLEET_CONFIG (JSON). */
export interface FleetConfig {
  url: string;
  sector: string;
  kind: BotKind;
  /** Bots of this process. */
  bots: number;
  /** The first bot's number (names are `bot-<n>`, unique across the fleet's processes). */
  firstIndex: number;
  /** New connections per second while ramping up, so joins do not arrive as one burst. */
  connectPerSecond: number;
}

export const FLEET_CONFIG_ENV = 'BENCH_FLEET_CONFIG';

export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** What the bots saw during the measurement window. */
export interface FleetWindowStats {
  seconds: number;
  /** Bots joined at the end of the window (and the fewest at any status report in it). */
  joined: number;
  minJoined: number;
  /** Drops to "reconnecting" during the window. */
  disconnects: number;
  /** server:error events and refused joins during the window. */
  serverErrors: number;
  inputsPerBotPerSecond: number;
  /** Input sent → first snapshot acknowledging it, in milliseconds, for inputs sent in the window. */
  ackLatencyMs: Percentiles;
  /**
   * Inputs sent but not yet acknowledged, sampled at each snapshot: a standing backlog here (more
   * than the 2–3 a round trip explains) means inputs queue up on the server, not on the network.
   */
  inputBacklogMean: number;
  inputBacklogMax: number;
  /** Inputs sent in the window that no snapshot acknowledged within the grace period after it. */
  unacknowledged: number;
  snapshotsPerBotPerSecond: number;
  /** Snapshot payloads as handed to the SDK (encoded frames, before Socket.IO framing). */
  snapshotBytesPerBotPerSecond: number;
  /** Everything the bots' TCP sockets received / sent (WebSocket frames, Socket.IO framing, pongs). */
  wireBytesDownPerBotPerSecond: number;
  wireBytesUpPerBotPerSecond: number;
  /** The bot process itself: if it is saturated, latencies say more about it than the server. */
  cpuPercent: number;
  loopLagP99Ms: number;
}

export type ParentToFleet = { type: 'measure-begin' } | { type: 'measure-end' } | { type: 'stop' };

export interface FleetStatus {
  type: 'status';
  connecting: number;
  joined: number;
  reconnecting: number;
  failed: number;
  lastError: string | null;
}

/** A status with no bot yet. */
export function emptyFleetStatus(): FleetStatus {
  return { type: 'status', connecting: 0, joined: 0, reconnecting: 0, failed: 0, lastError: null };
}

export type FleetToParent =
  | FleetStatus
  | { type: 'measure-begun' }
  /** `latency`: the window's input → ack histogram (HdrHistogram, compressed base64), for merging. */
  | { type: 'result'; stats: FleetWindowStats; latency: string }
  | { type: 'fatal'; message: string };

export function isParentToFleet(msg: unknown): msg is ParentToFleet {
  const type = (msg as { type?: unknown } | null)?.type;
  return type === 'measure-begin' || type === 'measure-end' || type === 'stop';
}

export function isFleetToParent(msg: unknown): msg is FleetToParent {
  const type = (msg as { type?: unknown } | null)?.type;
  return type === 'status' || type === 'measure-begun' || type === 'result' || type === 'fatal';
}
