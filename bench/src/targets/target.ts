import type { TargetKind } from '../conn-options.js';
import type { StoreOptions } from '../store-options.js';

/**
 * Heartbeat of both servers: the Perihelion server's defaults (PING_INTERVAL_MS, PING_TIMEOUT_MS),
 * set explicitly on both so the comparison holds if the defaults change.
 */
export const HEARTBEAT = { pingIntervalMs: 5000, pingTimeoutMs: 5000 } as const;

/** HEARTBEAT as the environment of a server the bench starts. */
export const HEARTBEAT_ENV = {
  PING_INTERVAL_MS: String(HEARTBEAT.pingIntervalMs),
  PING_TIMEOUT_MS: String(HEARTBEAT.pingTimeoutMs),
} as const;

/** A busy machine can take a while to start a server (tsx compiles it, PGlite loads): be patient. */
export const START_TIMEOUT_MS = 120_000;

/** The channel every bot subscribes to and every fan-out message goes to. */
export const CHANNEL = 'global';

export interface TargetStartOptions extends StoreOptions {
  /** Open-files limit of the server process. */
  fileLimit: number;
  /** Write a V8 CPU profile of the server here (null: none). */
  profileDir: string | null;
}

/** A server's memory after a full GC (see memory-probe.mjs). */
export interface ServerMemory {
  /** Resident set size. */
  rssBytes: number | null;
  /** V8 heap in use. */
  heapUsedBytes: number | null;
  /** Of which compiled code (V8's code space): grows as the JIT optimises hot paths, not with data. */
  codeBytes?: number | null;
}

/** A fan-out message as the bench publishes it: the same text and data go to either server. */
export interface PublishBody {
  text: string;
  data: Record<string, unknown>;
}

/** One server under test, in its own process: Perihelion, or the bare Socket.IO baseline. */
export interface Target {
  readonly kind: TargetKind;
  readonly url: string;
  readonly pid: number;
  readonly exited: boolean;
  /** Where its data lives (for the report), e.g. "PGlite in memory". */
  readonly storeLabel: string;
  memory(): Promise<ServerMemory>;
  /** Sends one message to the channel's subscribers the way a backend would; resolves when answered. */
  publish(body: PublishBody): Promise<void>;
  /** Warnings and errors it logged since start (empty when none). */
  warnings(): string;
  recentOutput(): string;
  /** Stops the process (and drops its scratch database, if any). */
  stop(): Promise<void>;
}

/** Starts a fresh server of the given kind and resolves once it answers HTTP. */
export async function startTarget(kind: TargetKind, opts: TargetStartOptions): Promise<Target> {
  if (kind === 'bare') {
    const { BareTarget } = await import('./bare-target.js');
    return BareTarget.start(opts);
  }
  const { PerihelionTarget } = await import('./perihelion-target.js');
  return PerihelionTarget.start(opts);
}
