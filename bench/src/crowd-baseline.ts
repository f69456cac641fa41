import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { BotFleet } from './bot-fleet.js';
import { hasExited, spawnTs, stopChild } from './children.js';
import { type CpuUse, cpuBetween, cpuMark } from './cpu-window.js';
import type { FleetWindowStats } from './fleet/messages.js';
import { waitForHttpOk } from './http-json.js';
import { OutputTail } from './output-tail.js';
import type { Progress } from './progress.js';
import { waitForQuietMachine } from './quiet-machine.js';
import { CONNECT_PER_SECOND, joinTimeoutMs, type ScenarioOptions } from './scenario.js';
import { freePort } from './server-process.js';
import { int, markdownTable, num, type Column as TableColumn, textTable } from './table.js';
import { HEARTBEAT_ENV, START_TIMEOUT_MS } from './targets/target.js';

const BARE_CROWD_SERVER = fileURLToPath(new URL('./bare/bare-crowd-server.ts', import.meta.url));
/** Perihelion's fixed-step tick rate (its TICK_RATE default), which the baseline ticks at too. */
const TICK_RATE = 30;

/** The same bots against the bare Socket.IO crowd server (bare/bare-crowd-server.ts). */
export interface BaselineResult {
  bots: number;
  snapshotBytes: number;
  cpu: CpuUse;
  fleet: FleetWindowStats;
  /** Anything that makes the numbers less than clean (bots that never joined…). */
  notes: string[];
}

/**
 * One bot count against the baseline: the same fleet (kind, processes, ramp, warm-up, window) as
 * the Perihelion row it follows, snapshots of the size Perihelion sent in that row.
 */
export async function runBaseline(
  opts: ScenarioOptions,
  snapshotBytes: number,
  progress: Progress,
  signal: AbortSignal,
): Promise<BaselineResult> {
  const show = (phase: Parameters<Progress['update']>[0]['phase'], seconds: number | null = null) =>
    progress.update({
      run: opts.run,
      runs: opts.runs,
      bots: opts.bots,
      ...(phase ? { phase, phaseSeconds: seconds } : {}),
      joined: fleet?.status.joined ?? 0,
      reconnecting: fleet?.status.reconnecting ?? 0,
    });
  let fleet: BotFleet | null = null;
  const output = new OutputTail(40);
  const port = await freePort();
  if (opts.quietSeconds > 0) {
    show('waiting for a quiet machine', opts.quietSeconds);
    await waitForQuietMachine(opts.quietSeconds, signal, () => {});
  }
  show('starting server');
  const child = spawnTs(BARE_CROWD_SERVER, {
    // The same profile the Perihelion row writes, beside it: the floor's own split of the time.
    nodeArgs: opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}/bare`] : [],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      ...HEARTBEAT_ENV,
      TICK_RATE: String(TICK_RATE),
      SNAPSHOT_RATE: String(opts.snapshotRate),
      SNAPSHOT_BYTES: String(Math.round(snapshotBytes)),
    },
  });
  output.attach(child.stdout);
  output.attach(child.stderr);
  const ticker = setInterval(() => show(undefined), 250);
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForHttpOk(
      `${url}/healthz`,
      START_TIMEOUT_MS,
      () => hasExited(child),
      () => output.text(),
    );
    show('connecting bots');
    fleet = BotFleet.start({
      url,
      sector: opts.sector,
      kind: opts.botKind,
      bots: opts.bots,
      processes: opts.botProcesses,
      connectPerSecond: CONNECT_PER_SECOND,
      profileDir: null,
    });
    const partial = await fleet.waitForJoinedOrPartial(joinTimeoutMs(opts.bots), signal);
    show('warming up', opts.warmupSeconds);
    await sleep(opts.warmupSeconds * 1000, undefined, { signal });
    show('measuring', opts.seconds);
    await fleet.beginMeasure(signal);
    const a = cpuMark(child.pid ?? -1, []);
    await sleep(opts.seconds * 1000, undefined, { signal });
    const b = cpuMark(child.pid ?? -1, []);
    const stats = await fleet.endMeasure(signal);
    if (hasExited(child)) throw new Error(`the baseline exited during the run:\n${output.text()}`);
    return {
      bots: opts.bots,
      snapshotBytes,
      cpu: cpuBetween(a, b),
      fleet: stats,
      notes: partial ? [partial] : [],
    };
  } finally {
    clearInterval(ticker);
    show('stopping');
    await fleet?.stop();
    await stopChild(child, 5000);
  }
}

type Column = TableColumn<BaselineResult>;

const COLUMNS: Column[] = [
  {
    header: 'bots',
    cell: (r) => (r.fleet.joined === r.bots ? String(r.bots) : `${r.fleet.joined}/${r.bots}`),
  },
  { header: 'snapshot B', cell: (r) => int(r.snapshotBytes) },
  { header: 'snapshots/s/client', cell: (r) => num(r.fleet.snapshotsPerBotPerSecond) },
  { header: 'inputs/s/client', cell: (r) => num(r.fleet.inputsPerBotPerSecond) },
  { header: 'ack p50 ms', cell: (r) => num(r.fleet.ackLatencyMs.p50) },
  { header: 'ack p99 ms', cell: (r) => num(r.fleet.ackLatencyMs.p99) },
  { header: 'down B/s/client', cell: (r) => int(r.fleet.wireBytesDownPerBotPerSecond) },
  { header: 'server CPU %', cell: (r) => num(r.cpu.serverPercent, 0) },
  { header: 'bots CPU %', cell: (r) => num(r.fleet.cpuPercent, 0) },
  { header: 'other CPU %', cell: (r) => num(Math.max(0, r.cpu.otherPercent - r.fleet.cpuPercent), 0) },
];

function notes(rows: readonly BaselineResult[]): string[] {
  return rows.flatMap((r) => r.notes.map((n) => `note: ${r.bots} bots: ${n}`));
}

export function baselineText(rows: readonly BaselineResult[]): string {
  return [
    `Bare Socket.IO crowd baseline (same bots, same snapshot size, no game):\n${textTable(COLUMNS, rows)}`,
    ...notes(rows),
  ].join('\n');
}

export function baselineMarkdown(rows: readonly BaselineResult[]): string {
  return [
    '## Bare Socket.IO crowd baseline',
    '',
    'The same bots against `bench/src/bare/bare-crowd-server.ts`: the same session, namespaces, join',
    'answer, pings and 30 Hz ticks, and snapshots of the size Perihelion sent in its row (a real header',
    "acknowledging the player's last input, padded), with no simulation, interest management, deltas,",
    'validation or storage: the floor of Socket.IO plus the kernel for this traffic on this machine.',
    '',
    markdownTable(COLUMNS, rows),
    '',
    ...notes(rows).flatMap((n) => [n, '']),
  ].join('\n');
}
