import { setTimeout as sleep } from 'node:timers/promises';
import { BotFleet } from './bot-fleet.js';
import type { BotKind } from './fleet/fleet-bot.js';
import type { FleetWindowStats } from './fleet/messages.js';
import { PerihelionServer } from './perihelion-server.js';
import type { Phase, Progress } from './progress.js';
import { scrape } from './prometheus.js';
import { waitForQuietMachine } from './quiet-machine.js';
import { describeTally } from './server-log.js';
import { type ServerWindowStats, sampleServer, serverWindow } from './server-window.js';
import type { StoreOptions } from './store-options.js';
import { IDLE_SETTLE_MS } from './targets/memory-request.js';
import { type ServerMemory, START_TIMEOUT_MS } from './targets/target.js';

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
  store: StoreOptions;
  /** The server's SNAPSHOT_RATE. */
  snapshotRate: number;
  /** How long after the bots left the server's memory is read again (0: not at all). */
  afterLeaveSeconds: number;
  botKind: BotKind;
  botProcesses: number;
}

/** The server's memory (RSS and V8 heap used, each right after a full GC) at three moments. */
export interface CrowdMemory {
  /** The fresh server, settled, before any bot. */
  idle: ServerMemory;
  /** At the end of the measurement window, every bot still in. */
  loaded: ServerMemory;
  /** `afterLeaveSeconds` after every bot disconnected; null with `--after-leave 0`. */
  afterLeave: ServerMemory | null;
}

export interface ScenarioResult {
  bots: number;
  botKind: BotKind;
  botProcesses: number;
  server: ServerWindowStats;
  fleet: FleetWindowStats;
  memory: CrowdMemory;
  /** Anything that makes the numbers less than clean (bots that never joined, drops…). */
  notes: string[];
}

/** CPU used by other processes (of one core) above which a run is flagged as disturbed. */
const OTHER_CPU_WARN_PERCENT = 10;

/** Joins arrive at this rate: fast enough to be quick, slow enough not to be a burst. */
export const CONNECT_PER_SECOND = 100;
/**
 * The time all bots get to join: a minute, plus 60 ms a bot, since a server busy with the bots
 * already in admits the rest more slowly than they arrive (and they retry, as the SDK does).
 */
export function joinTimeoutMs(bots: number): number {
  return 60_000 + 60 * bots;
}

/**
 * One bot count against one fresh server: start the server and read its idle memory, connect the
 * fleet, let it settle, measure a window (server metrics and /proc at both ends, the fleet's own
 * view in between, the server's memory at its end), then stop the fleet and, after a wait, read
 * the server's memory once more; then stop the server (and drop its scratch database). Children
 * are stopped however this ends (success, failure, Ctrl-C).
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
  let fleet: BotFleet | null = null;
  let perihelion: PerihelionServer | null = null;
  const ticker = setInterval(() => show(undefined), 250);
  try {
    if (opts.quietSeconds > 0) {
      show('waiting for a quiet machine', opts.quietSeconds);
      await waitForQuietMachine(opts.quietSeconds, signal, (busy) =>
        progress.update({ run: opts.run, runs: opts.runs, bots: opts.bots, othersBusyPercent: busy }),
      );
    }
    show('starting server');
    perihelion = await PerihelionServer.start(opts.store, {
      capacity: Math.max(1000, opts.bots),
      profileDir: opts.profileDir,
      startTimeoutMs: START_TIMEOUT_MS,
      env: { SNAPSHOT_RATE: String(opts.snapshotRate) },
    });
    const server = perihelion.process;
    signal.throwIfAborted();
    // Start-up warnings (e.g. "web client not built") are expected; count from here.
    const startMark = server.log.mark();

    show('idle server', IDLE_SETTLE_MS / 1000);
    await sleep(IDLE_SETTLE_MS, undefined, { signal });
    const idleMemory = await perihelion.memory();

    show('connecting bots');
    fleet = BotFleet.start({
      url: server.url,
      sector: opts.sector,
      kind: opts.botKind,
      bots: opts.bots,
      processes: opts.botProcesses,
      connectPerSecond: CONNECT_PER_SECOND,
      profileDir: opts.profileDir ? `${opts.profileDir}/bots` : null,
    });
    const notes: string[] = [];
    try {
      const partial = await fleet.waitForJoinedOrPartial(joinTimeoutMs(opts.bots), signal);
      if (partial) notes.push(partial);
    } catch (err) {
      const warnings = signal.aborted ? '' : describeTally(server.log.since(startMark));
      throw new Error(`${(err as Error).message}${warnings ? `\nserver warnings: ${warnings}` : ''}`);
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
    const serverStats = serverWindow(begin, end, opts.eldResolutionMs);
    // After the fleet's report: the full GC stalls the server, which must not delay late acks.
    const loadedMemory = await perihelion.memory();

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

    let afterLeave: ServerMemory | null = null;
    if (opts.afterLeaveSeconds > 0) {
      // Every bot closes its client (a clean `leave`); the fleet process exits, closing any socket left.
      await fleet.stop();
      fleet = null;
      const leftMark = server.log.mark();
      show('bots left', opts.afterLeaveSeconds);
      await sleep(opts.afterLeaveSeconds * 1000, undefined, { signal });
      if (server.exited) throw new Error(`the server exited after the bots left:\n${server.recentOutput()}`);
      const metrics = await scrape(server.url);
      const connections = metrics.value('perihelion_connections');
      const players = metrics.value('perihelion_players');
      if (connections > 0 || players > 0) {
        notes.push(
          `${opts.afterLeaveSeconds} s after the bots left, the server still had ${connections} game ` +
            `connections and ${players} players in sectors`,
        );
      }
      afterLeave = await perihelion.memory();
      const leftWarnings = describeTally(server.log.since(leftMark));
      if (leftWarnings) notes.push(`server warnings after the bots left: ${leftWarnings}`);
    }
    return {
      bots: opts.bots,
      botKind: opts.botKind,
      botProcesses: opts.botProcesses,
      server: serverStats,
      fleet: fleetStats,
      memory: { idle: idleMemory, loaded: loadedMemory, afterLeave },
      notes,
    };
  } finally {
    clearInterval(ticker);
    show('stopping');
    await fleet?.stop();
    await perihelion?.stop();
  }
}

/** (after leave − idle) / idle of the server's V8 heap, in %; NaN when either is missing. */
export function heapAfterLeavePercent(memory: CrowdMemory): number {
  const idle = memory.idle.heapUsedBytes;
  const after = memory.afterLeave?.heapUsedBytes ?? null;
  return idle !== null && after !== null && idle > 0 ? ((after - idle) / idle) * 100 : Number.NaN;
}

/** The same, without compiled code (V8's code space) in either reading: the data left behind. */
export function heapDataAfterLeavePercent(memory: CrowdMemory): number {
  const data = (m: ServerMemory | null | undefined) =>
    m?.heapUsedBytes != null && m.codeBytes != null ? m.heapUsedBytes - m.codeBytes : null;
  const idle = data(memory.idle);
  const after = data(memory.afterLeave);
  return idle !== null && after !== null && idle > 0 ? ((after - idle) / idle) * 100 : Number.NaN;
}

/** Task CPU used by anything but the server, the bots and the bench itself (100 % = one core). */
export function otherCpuPercent(server: ServerWindowStats, fleet: FleetWindowStats): number {
  return Math.max(
    0,
    server.machineCpuPercent - server.cpuPercent - fleet.cpuPercent - server.benchCpuPercent,
  );
}
