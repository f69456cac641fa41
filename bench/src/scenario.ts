import { setTimeout as sleep } from 'node:timers/promises';
import type { FleetWindowStats } from './fleet/messages.js';
import { FleetProcess } from './fleet-process.js';
import type { Phase, Progress } from './progress.js';
import { waitForQuietMachine } from './quiet-machine.js';
import { describeTally } from './server-log.js';
import { ServerProcess } from './server-process.js';
import { type ServerWindowStats, sampleServer, serverWindow } from './server-window.js';

export interface ScenarioOptions {
  bots: number;
  run: number;
  runs: number;
  sector: string;
  warmupSeconds: number;
  seconds: number;
  eldResolutionMs: number;
  profileDir: string | null;
  quietSeconds: number;
}

export interface ScenarioResult {
  bots: number;
  server: ServerWindowStats;
  fleet: FleetWindowStats;
  /** Anything that makes the numbers less than clean (bots that never joined, drops…). */
  notes: string[];
}

/** CPU used by other processes (of one core) above which a run is flagged as disturbed. */
const OTHER_CPU_WARN_PERCENT = 10;

/** Joins arrive at this rate: fast enough to be quick, slow enough not to be a burst. */
const CONNECT_PER_SECOND = 100;
/** Server start-up, then the time all bots get to join. */
const JOIN_TIMEOUT_MS = 60_000;
/** At least this many must have joined to measure at all (some may still be connecting). */
const MIN_JOINED_FRACTION = 0.95;

/**
 * One bot count against one fresh server: start the server, connect the fleet, let it settle,
 * measure a window (server metrics and /proc at both ends, the fleet's own view in between),
 * then stop both. Children are stopped however this ends (success, failure, Ctrl-C).
 */
export async function runScenario(
  opts: ScenarioOptions,
  progress: Progress,
  signal: AbortSignal,
): Promise<ScenarioResult> {
  const show = (phase: Phase | undefined, phaseSeconds: number | null = null) =>
    progress.update({
      run: opts.run,
      runs: opts.runs,
      bots: opts.bots,
      ...(phase ? { phase, phaseSeconds } : {}),
      joined: fleet?.status.joined ?? 0,
      reconnecting: fleet?.status.reconnecting ?? 0,
    });
  let fleet: FleetProcess | null = null;
  let server: ServerProcess | null = null;
  const ticker = setInterval(() => show(undefined), 250);
  try {
    if (opts.quietSeconds > 0) {
      show('waiting for a quiet machine', opts.quietSeconds);
      await waitForQuietMachine(opts.quietSeconds, signal, (busy) =>
        progress.update({ run: opts.run, runs: opts.runs, bots: opts.bots, othersBusyPercent: busy }),
      );
    }
    show('starting server');
    server = await ServerProcess.start({ capacity: Math.max(1000, opts.bots), profileDir: opts.profileDir });
    signal.throwIfAborted();
    // Start-up warnings (e.g. "web client not built") are expected; count from here.
    const startMark = server.log.mark();

    show('connecting bots');
    fleet = FleetProcess.start({
      url: server.url,
      sector: opts.sector,
      bots: opts.bots,
      connectPerSecond: CONNECT_PER_SECOND,
    });
    const notes: string[] = [];
    try {
      await fleet.waitForJoined(opts.bots, JOIN_TIMEOUT_MS, signal);
    } catch (err) {
      signal.throwIfAborted();
      const joined = fleet.status.joined;
      if (joined < opts.bots * MIN_JOINED_FRACTION) {
        const warnings = describeTally(server.log.since(startMark));
        throw new Error(`${(err as Error).message}${warnings ? `\nserver warnings: ${warnings}` : ''}`);
      }
      notes.push(`only ${joined} of ${opts.bots} bots had joined when measuring began`);
    }
    const beforeJoin = describeTally(server.log.since(startMark));
    if (beforeJoin) notes.push(`server warnings while the bots joined: ${beforeJoin}`);

    show('warming up', opts.warmupSeconds);
    await sleep(opts.warmupSeconds * 1000, undefined, { signal });

    show('measuring', opts.seconds);
    // prom-client resets its event-loop histogram on each scrape: this one opens the window.
    const begin = await sampleServer(server.url, server.pid);
    const logMark = server.log.mark();
    await fleet.beginMeasure(signal);
    await sleep(opts.seconds * 1000, undefined, { signal });
    const fleetResult = fleet.endMeasure(signal);
    const end = await sampleServer(server.url, server.pid);
    const fleetStats = await fleetResult;
    const serverStats = serverWindow(begin, end, server.pid, opts.eldResolutionMs);

    const inWindow = describeTally(server.log.since(logMark));
    if (inWindow) notes.push(`server warnings during the window: ${inWindow}`);
    if (server.exited) throw new Error(`the server exited during the run:\n${server.recentOutput()}`);
    if (fleetStats.disconnects > 0) notes.push(`${fleetStats.disconnects} bot disconnects during the window`);
    if (fleetStats.unacknowledged > 0) {
      notes.push(`${fleetStats.unacknowledged} inputs sent in the window were never acknowledged`);
    }
    const other = otherCpuPercent(serverStats, fleetStats);
    if (other > OTHER_CPU_WARN_PERCENT) {
      notes.push(
        `other processes used ${other.toFixed(0)} % of a core during the window: not a quiet machine`,
      );
    }
    if (serverStats.keyframes > 0) notes.push(`${serverStats.keyframes} keyframes sent during the window`);
    return { bots: opts.bots, server: serverStats, fleet: fleetStats, notes };
  } finally {
    clearInterval(ticker);
    show('stopping');
    await fleet?.stop();
    await server?.stop();
  }
}

/** Task CPU used by anything but the server, the bots and the bench itself (100 % = one core). */
export function otherCpuPercent(server: ServerWindowStats, fleet: FleetWindowStats): number {
  return Math.max(
    0,
    server.machineCpuPercent - server.cpuPercent - fleet.cpuPercent - server.benchCpuPercent,
  );
}
