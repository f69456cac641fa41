import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetKind } from './conn-options.js';
import { type ConnectResult, type RunContext, withConnectedFleet } from './conn-run.js';
import { type CpuUse, cpuBetween, cpuMark } from './cpu-window.js';
import { type Spread, spreadOf } from './percentiles.js';
import type { TabFleet } from './tab-fleet.js';
import { wallNow } from './tabs/messages.js';
import type { ServerMemory } from './targets/target.js';

/** Heartbeat-only CPU is measured this long before publishing, to subtract it from the publish phase. */
const IDLE_REFERENCE_MS = 5000;
/** After the last publish, deliveries may still arrive for this long. */
const DRAIN_TIMEOUT_MS = 15_000;

export interface FanoutResult {
  target: TargetKind;
  storeLabel: string;
  connect: ConnectResult;
  /** Subscribers when publishing began; each message should reach every one of them. */
  subscribers: number;
  messages: number;
  expected: number;
  delivered: number;
  /** Connections dropped since connecting began, by the end of publishing. */
  dropped: number;
  /** Publish request sent → a subscriber's handler ran, over every delivery, ms. */
  latency: Spread;
  /** Per message: publish request → its last delivery, ms. */
  lastDelivery: Spread;
  /** The publish request itself (until the server answered), ms. */
  publishRequest: Spread;
  /** JSON size of one received message batch. */
  payloadBytes: number;
  /** Server CPU over the publish phase minus the heartbeat-only rate, per message. */
  cpuSecondsPerMessage: number;
  /** The same without subtracting heartbeats. */
  cpuSecondsPerMessageRaw: number;
  /** Server CPU % of one core before publishing (heartbeats only). */
  idleServerPercent: number;
  publishPhase: CpuUse;
  botsLoopDelayP99Ms: number;
  botsLoopDelayMaxMs: number;
  after: ServerMemory;
  notes: string[];
}

/** A message's text: `fanout <k>` padded to the requested length (the same for both servers). */
function textOf(seq: number, length: number): string {
  return `fanout ${seq} `.padEnd(length, 'x').slice(0, length);
}

/**
 * The fan-out scenario against one server: every tab subscribed to `global`, then K messages one
 * interval apart, each published the way a backend would (Perihelion: the publish API; baseline:
 * its /emit endpoint doing `to(room).emit`). Each message carries the wall-clock time just before
 * its request; every subscriber records when its handler ran.
 */
export function runFanout(kind: TargetKind, ctx: RunContext): Promise<FanoutResult> {
  const { opts, signal } = ctx;
  return withConnectedFleet(kind, ctx, async ({ target, fleet, progress, connect, notes }) => {
    progress.phase('idle reference', IDLE_REFERENCE_MS / 1000);
    const i0 = cpuMark(target.pid, fleet.pids);
    await sleep(IDLE_REFERENCE_MS, undefined, { signal });
    const idle = cpuBetween(i0, cpuMark(target.pid, fleet.pids));

    await fleet.beginWindow(signal);
    const subscribers = fleet.totals.connected;
    const expected = subscribers * opts.messages;
    let sent = 0;
    progress.phase(
      'publishing',
      (opts.messages * opts.intervalMs) / 1000,
      () => `message ${sent}/${opts.messages} | deliveries ${fleet.totals.deliveries}/${expected}`,
    );
    const p0 = cpuMark(target.pid, fleet.pids);
    const requestMs: number[] = [];
    const sentAt = new Map<number, number>();
    const start = performance.now();
    for (let seq = 1; seq <= opts.messages; seq++) {
      const at = wallNow();
      sentAt.set(seq, at);
      const t0 = performance.now();
      await target.publish({ text: textOf(seq, opts.textLength), data: { benchSeq: seq, sentAt: at } });
      requestMs.push(performance.now() - t0);
      sent = seq;
      const wait = start + seq * opts.intervalMs - performance.now();
      if (seq < opts.messages && wait > 0) await sleep(wait, undefined, { signal });
    }
    progress.phase('draining', null, () => `deliveries ${fleet.totals.deliveries}/${expected}`);
    const drained = await waitForDeliveries(fleet, expected, signal);
    const p1 = cpuMark(target.pid, fleet.pids);
    const reports = await fleet.endWindow(signal);
    const after = await target.memory();

    const latencies = reports.flatMap((r) => r.latenciesMs);
    const lastPerMessage = new Map<number, number>();
    for (const r of reports) {
      for (const [seq, lastAt] of Object.entries(r.lastAtPerMessage)) {
        const s = Number(seq);
        lastPerMessage.set(s, Math.max(lastPerMessage.get(s) ?? 0, lastAt));
      }
    }
    const lastDelivery = [...lastPerMessage].map(([seq, lastAt]) => lastAt - (sentAt.get(seq) ?? lastAt));
    const publishPhase = cpuBetween(p0, p1);
    const idleRate = idle.serverSeconds / idle.seconds;
    if (!drained)
      notes.push(
        `${expected - latencies.length} deliveries missing ${DRAIN_TIMEOUT_MS / 1000} s after the last publish`,
      );
    if (publishPhase.otherPercent > 10) {
      notes.push(
        `other processes used ${publishPhase.otherPercent.toFixed(0)} % of a core while publishing: not a quiet machine`,
      );
    }
    return {
      target: kind,
      storeLabel: target.storeLabel,
      connect,
      subscribers,
      messages: opts.messages,
      expected,
      delivered: latencies.length,
      dropped: fleet.totals.dropped,
      latency: spreadOf(latencies),
      lastDelivery: spreadOf(lastDelivery),
      publishRequest: spreadOf(requestMs),
      payloadBytes: Math.max(0, ...reports.map((r) => r.payloadBytes)),
      cpuSecondsPerMessage: (publishPhase.serverSeconds - idleRate * publishPhase.seconds) / opts.messages,
      cpuSecondsPerMessageRaw: publishPhase.serverSeconds / opts.messages,
      idleServerPercent: idle.serverPercent,
      publishPhase,
      botsLoopDelayP99Ms: Math.max(0, ...reports.map((r) => r.loopDelayP99Ms)),
      botsLoopDelayMaxMs: Math.max(0, ...reports.map((r) => r.loopDelayMaxMs)),
      after,
      notes,
    };
  });
}

/** Resolves true once `expected` deliveries arrived, false after the drain timeout. */
async function waitForDeliveries(fleet: TabFleet, expected: number, signal: AbortSignal): Promise<boolean> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (fleet.totals.deliveries >= expected) return true;
    await sleep(50, undefined, { signal });
  }
  return fleet.totals.deliveries >= expected;
}
