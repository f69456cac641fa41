import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetKind } from './conn-options.js';
import { type ConnectResult, type RunContext, withConnectedFleet } from './conn-run.js';
import { type CpuUse, cpuBetween, cpuMark } from './cpu-window.js';
import type { ServerMemory } from './targets/target.js';

export interface IdleResult {
  target: TargetKind;
  storeLabel: string;
  connect: ConnectResult;
  /** Subscribed connections at the end of the idle window. */
  held: number;
  before: ServerMemory;
  after: ServerMemory;
  /** (after − before) / held: what one idle connection costs the server. */
  rssPerConnection: number;
  heapPerConnection: number;
  /** The same without compiled code (V8's code space grows as the connect path is optimised). */
  heapDataPerConnection: number;
  /** The idle window: heartbeats only. */
  window: CpuUse;
  droppedInWindow: number;
  /** Connections dropped since connecting began, by the end of the window. */
  dropped: number;
  /** Event-loop delay of the busiest bot process in the window. */
  botsLoopDelayP99Ms: number;
  botsLoopDelayMaxMs: number;
  notes: string[];
}

/**
 * The idle scenario against one server: every tab connected and subscribed, a settle period, then
 * a window in which nothing happens but heartbeats (PING_INTERVAL_MS) — its CPU, and the server's
 * memory at its end against the idle process before any connection.
 */
export function runIdle(kind: TargetKind, ctx: RunContext): Promise<IdleResult> {
  return withConnectedFleet(kind, ctx, async ({ target, fleet, progress, connect, idleMemory, notes }) => {
    const droppedBefore = fleet.totals.dropped;
    progress.phase('idle window', ctx.opts.idleSeconds);
    await fleet.beginWindow(ctx.signal);
    const a = cpuMark(target.pid, fleet.pids);
    await sleep(ctx.opts.idleSeconds * 1000, undefined, { signal: ctx.signal });
    const b = cpuMark(target.pid, fleet.pids);
    const reports = await fleet.endWindow(ctx.signal);
    const after = await target.memory();
    const t = fleet.totals;
    const window = cpuBetween(a, b);
    const droppedInWindow = t.dropped - droppedBefore;
    if (droppedInWindow > 0) notes.push(`${droppedInWindow} connections dropped during the idle window`);
    const perConnection = (x: number | null, y: number | null) =>
      x !== null && y !== null && t.connected > 0 ? (y - x) / t.connected : Number.NaN;
    return {
      target: kind,
      storeLabel: target.storeLabel,
      connect,
      held: t.connected,
      before: idleMemory,
      after,
      rssPerConnection: perConnection(idleMemory.rssBytes, after.rssBytes),
      heapPerConnection: perConnection(idleMemory.heapUsedBytes, after.heapUsedBytes),
      heapDataPerConnection: perConnection(heapData(idleMemory), heapData(after)),
      window,
      droppedInWindow,
      dropped: t.dropped,
      botsLoopDelayP99Ms: Math.max(0, ...reports.map((r) => r.loopDelayP99Ms)),
      botsLoopDelayMaxMs: Math.max(0, ...reports.map((r) => r.loopDelayMaxMs)),
      notes,
    };
  });
}

/** The heap without V8's code space, when the server reported both. */
function heapData(m: ServerMemory): number | null {
  return m.heapUsedBytes !== null && m.codeBytes != null ? m.heapUsedBytes - m.codeBytes : null;
}
