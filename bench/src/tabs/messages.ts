import type { TargetKind } from '../conn-options.js';

/** One tab-fleet worker's configuration, passed in BENCH_TAB_CONFIG (JSON). */
export interface TabWorkerConfig {
  url: string;
  /** perihelion: each tab first gets a session (POST /api/session); bare: no sessions. */
  target: TargetKind;
  channel: string;
  /** Tabs this worker opens, and the fleet-wide index of its first (for source addresses). */
  count: number;
  firstIndex: number;
  /** Tabs of this worker connecting at once. */
  concurrency: number;
  /** Source addresses to spread the connections over (one source IP has ~28k ports per server). */
  localAddresses: string[];
  /** One attempt (session, handshake, subscribe) fails after this long. */
  attemptTimeoutMs: number;
}

export const TAB_CONFIG_ENV = 'BENCH_TAB_CONFIG';

export type ParentToTab =
  /** Open the tabs now (sent to every worker at once, after all are ready). */
  | { type: 'connect' }
  /** Open a measurement window: deliveries and event-loop delay count from here. */
  | { type: 'window-begin' }
  /** Close it and report. */
  | { type: 'window-end' }
  | { type: 'stop' };

export interface TabStatus {
  type: 'status';
  connecting: number;
  /** Subscribed and still open. */
  connected: number;
  failed: number;
  /** Were connected, then closed by the server or the network. */
  dropped: number;
  /** Fan-out messages received since the window began. */
  deliveries: number;
  /** Wall-clock ms (performance.timeOrigin + now) of the last successful subscribe, null before any. */
  lastConnectedAt: number | null;
  /** Why attempts failed or connections dropped, by reason. */
  problems: Record<string, number>;
}

/** What one worker saw in a measurement window. */
export interface WindowReport {
  type: 'window';
  /** Publish → receipt, in ms, one per delivery, in arrival order. */
  latenciesMs: number[];
  /** Deliveries per fan-out message (by its sequence number). */
  perMessage: Record<string, number>;
  /** Wall-clock ms of the last delivery of each message (by sequence number). */
  lastAtPerMessage: Record<string, number>;
  /** JSON size of one received `channel:messages` payload (0 if none arrived). */
  payloadBytes: number;
  /**
   * This worker's event-loop delay in the window: a saturated worker delays deliveries, and can
   * even time out heartbeats that are waiting unread in its sockets.
   */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export type TabToParent =
  | { type: 'ready' }
  | TabStatus
  | { type: 'window-begun' }
  | WindowReport
  | { type: 'fatal'; message: string };

export function isParentToTab(msg: unknown): msg is ParentToTab {
  const type = (msg as { type?: unknown } | null)?.type;
  return type === 'connect' || type === 'window-begin' || type === 'window-end' || type === 'stop';
}

export function isTabToParent(msg: unknown): msg is TabToParent {
  const type = (msg as { type?: unknown } | null)?.type;
  return (
    type === 'ready' || type === 'status' || type === 'window-begun' || type === 'window' || type === 'fatal'
  );
}

/** What a fan-out message carries in `data` so a receiver can time it. */
export interface FanoutStamp {
  benchSeq: number;
  /** Wall-clock ms (performance.timeOrigin + performance.now()) just before the publish request. */
  sentAt: number;
}

/** Wall-clock ms with sub-ms resolution, comparable between processes on one machine. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
