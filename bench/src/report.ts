import type { MachineInfo } from './machine.js';
import { type BenchOptions, defaultOptions } from './options.js';
import {
  heapAfterLeavePercent,
  heapDataAfterLeavePercent,
  otherCpuPercent,
  type ScenarioResult,
} from './scenario.js';
import { describeStore, storeCommandLine } from './store-options.js';
import { int, markdownTable, mb, num, type Column as TableColumn, textTable } from './table.js';
import { IDLE_SETTLE_MS } from './targets/memory-request.js';

type Column = TableColumn<ScenarioResult>;

const MAIN_COLUMNS: Column[] = [
  {
    header: 'bots',
    cell: (r) => (r.fleet.joined === r.bots ? String(r.bots) : `${r.fleet.joined}/${r.bots}`),
  },
  { header: 'ticks/s', cell: (r) => num(r.server.ticksPerSecond) },
  { header: 'tick p50 ms', cell: (r) => num(r.server.tickP50Ms, 2) },
  { header: 'tick p99 ms', cell: (r) => num(r.server.tickP99Ms, 2) },
  { header: 'loop lag p99 ms', cell: (r) => num(r.server.loopLagP99Ms) },
  { header: 'ack p50 ms', cell: (r) => num(r.fleet.ackLatencyMs.p50) },
  { header: 'ack p99 ms', cell: (r) => num(r.fleet.ackLatencyMs.p99) },
  { header: 'down B/s/client', cell: (r) => int(r.fleet.wireBytesDownPerBotPerSecond) },
  { header: 'snapshot B/s/client', cell: (r) => int(r.fleet.snapshotBytesPerBotPerSecond) },
  { header: 'B/moving entity', cell: (r) => num(r.server.bytesPerEntityRecord, 2) },
  { header: 'server CPU %', cell: (r) => num(r.server.cpuPercent, 0) },
];

const DETAIL_COLUMNS: Column[] = [
  { header: 'bots', cell: (r) => String(r.bots) },
  { header: 'tick mean ms', cell: (r) => num(r.server.tickMeanMs, 2) },
  { header: 'tick pctl source', cell: (r) => r.server.tickSource },
  { header: 'loop delay p99 raw ms', cell: (r) => num(r.server.loopDelayP99RawMs) },
  { header: 'loop lag max ms', cell: (r) => num(r.server.loopLagMaxMs) },
  { header: 'entities/snapshot', cell: (r) => num(r.server.recordsPerSnapshot) },
  { header: 'wire B/entity', cell: (r) => num(wireBytesPerEntity(r), 2) },
  { header: 'snapshots/s/client', cell: (r) => num(r.fleet.snapshotsPerBotPerSecond) },
  { header: 'inputs/s/client', cell: (r) => num(r.fleet.inputsPerBotPerSecond) },
  {
    header: 'ack p90 / max ms',
    cell: (r) => `${num(r.fleet.ackLatencyMs.p90)} / ${num(r.fleet.ackLatencyMs.max)}`,
  },
  {
    header: 'input backlog mean / max',
    cell: (r) => `${num(r.fleet.inputBacklogMean)} / ${num(r.fleet.inputBacklogMax, 0)}`,
  },
  { header: 'up B/s/client', cell: (r) => int(r.fleet.wireBytesUpPerBotPerSecond) },
  { header: 'bot processes', cell: (r) => `${r.botProcesses} × ${r.botKind}` },
  { header: 'bots CPU %', cell: (r) => num(r.fleet.cpuPercent, 0) },
  { header: 'bots loop lag p99 ms', cell: (r) => num(r.fleet.loopLagP99Ms) },
  { header: 'other CPU %', cell: (r) => num(otherCpuPercent(r.server, r.fleet), 0) },
];

/** A signed percentage, e.g. "+3.2 %"; "–" when unknown. */
export function signedPercent(value: number): string {
  return Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(1)} %` : '–';
}

/** The server's memory after a full GC: idle, loaded (end of the window), after every bot left. */
const MEMORY_COLUMNS: Column[] = [
  { header: 'bots', cell: (r) => String(r.bots) },
  { header: 'RSS idle MB', cell: (r) => mb(r.memory.idle.rssBytes) },
  { header: 'RSS loaded MB', cell: (r) => mb(r.memory.loaded.rssBytes) },
  { header: 'RSS after leave MB', cell: (r) => mb(r.memory.afterLeave?.rssBytes ?? null) },
  { header: 'heap idle MB', cell: (r) => mb(r.memory.idle.heapUsedBytes, 1) },
  { header: 'heap loaded MB', cell: (r) => mb(r.memory.loaded.heapUsedBytes, 1) },
  { header: 'heap after leave MB', cell: (r) => mb(r.memory.afterLeave?.heapUsedBytes ?? null, 1) },
  { header: 'heap after leave vs idle', cell: (r) => signedPercent(heapAfterLeavePercent(r.memory)) },
  {
    header: 'code idle / after MB',
    cell: (r) =>
      `${mb(r.memory.idle.codeBytes ?? null, 1)} / ${mb(r.memory.afterLeave?.codeBytes ?? null, 1)}`,
  },
  { header: 'heap data after vs idle', cell: (r) => signedPercent(heapDataAfterLeavePercent(r.memory)) },
];

/** Everything a client received per snapshot, spread over the entities in it (framing included). */
function wireBytesPerEntity(r: ScenarioResult): number {
  return (
    r.fleet.wireBytesDownPerBotPerSecond / r.fleet.snapshotsPerBotPerSecond / r.server.recordsPerSnapshot
  );
}

function notes(results: readonly ScenarioResult[]): string[] {
  return results.flatMap((r) => r.notes.map((n) => `${r.bots} bots: ${n}`));
}

export function commandLine(opts: BenchOptions): string {
  const d = defaultOptions();
  const parts = ['pnpm bench --', `--bots ${opts.bots.join(',')}`, `--seconds ${opts.seconds}`];
  parts.push(`--warmup ${opts.warmupSeconds}`);
  parts.push(...storeCommandLine(opts));
  if (opts.snapshotRate !== d.snapshotRate) parts.push(`--snapshot-rate ${opts.snapshotRate}`);
  if (opts.afterLeaveSeconds !== d.afterLeaveSeconds) parts.push(`--after-leave ${opts.afterLeaveSeconds}`);
  if (opts.profile) parts.push('--profile');
  if (opts.quietSeconds > 0) parts.push(`--quiet ${opts.quietSeconds}`);
  return parts.join(' ');
}

/** How the servers ran: snapshot rate, store, when memory was read after the bots left. */
export function setupLine(opts: BenchOptions): string {
  const afterLeave =
    opts.afterLeaveSeconds > 0
      ? `memory "after leave" read ${opts.afterLeaveSeconds} s after every bot disconnected`
      : 'no "after leave" memory reading (--after-leave 0)';
  return `Server: SNAPSHOT_RATE=${opts.snapshotRate} (snapshots/s per client), store ${describeStore(opts)}; ${afterLeave}`;
}

/** The targets against each row (no asserts: the bench measures). */
function targetLines(results: readonly ScenarioResult[]): string[] {
  return results.map(
    (r) =>
      `${r.bots} bots: RSS loaded ${mb(r.memory.loaded.rssBytes)} MB (target at 500 players: at most ` +
      `Colyseus's on the same box, ~110 MB); heap after leave vs idle ` +
      `${signedPercent(heapAfterLeavePercent(r.memory))} (target: within ±10 %), ` +
      `${signedPercent(heapDataAfterLeavePercent(r.memory))} without compiled code`,
  );
}

/** The final tables for the terminal. */
export function renderText(results: readonly ScenarioResult[], opts: BenchOptions): string {
  const out = [
    setupLine(opts),
    '',
    textTable(MAIN_COLUMNS, results),
    '',
    textTable(DETAIL_COLUMNS, results),
    '',
    textTable(MEMORY_COLUMNS, results),
  ];
  const n = notes(results);
  if (n.length > 0) out.push('', ...n.map((s) => `note: ${s}`));
  return out.join('\n');
}

export const LEGEND = `- **ticks/s**: room ticks completed per second (target: the tick rate, 30).
- **tick p50/p99**: time one room tick takes (inputs, simulation, encoding and sending every snapshot),
  from \`perihelion_tick_duration_seconds\`; "tick pctl source" says whether the percentiles cover exactly
  the window (histogram) or prom-client's own sliding window of the last 20–30 s (summary).
  The mean is exact for the window either way.
- **loop lag p99**: server event-loop delay p99 (\`nodejs_eventloop_lag_p99_seconds\`, reset by the scrape
  that opens the window) minus the monitor's sampling interval, which Node includes in every sample
  ("raw" is the value as served). Target: under one tick (33 ms).
- **ack p50/p99**: from the moment the SDK sent input seq N to the first snapshot with ackSeq >= N, over all
  inputs sent in the window (HdrHistogram). Includes waiting for the next tick and for that client's
  next snapshot (SNAPSHOT_RATE per second, see the header), so part of p50 is the floor by design,
  not network time.
- **input backlog**: a bot's inputs sent but not yet acknowledged, sampled at each snapshot it receives.
  Below 1 on an unloaded server; each extra unit is about one more tick (33 ms) an input waits between
  the bot and the room, in practice in the server's per-player input queue.
- **down B/s/client**: bytes the bots' TCP sockets received, per bot (WebSocket + Socket.IO framing, pongs,
  roster events); **snapshot B/s/client** is the snapshot payloads alone, as handed to the SDK.
- **B/moving entity**: bytes of entity records / entity records written in the window
  (\`perihelion_snapshot_entity_record_bytes_total\` / \`…_records_total\`; records are entities that are new
  or changed). Target: under 8. **wire B/entity** spreads everything a client received (headers, framing,
  pongs) over the entities per snapshot: the all-in cost.
- **server CPU %**: the server process's user+system CPU over the window, from /proc (100 % = one core).
- **entities/snapshot**: entity records per snapshot, i.e. how many moving things a client is sent.
- **snapshots/s/client**: snapshots a bot actually received per second in the window; compare with the
  SNAPSHOT_RATE in the header.
- **bot processes**: how many processes flew the bots, and which client: \`wire\` bots send what the SDK
  sends but read only each snapshot's header; \`sdk\` bots are full GameClients (decode, predict).
- **bots CPU % / bots loop lag**: all bot processes together (100 % = one core) / the worst process's
  event-loop lag; if the bots saturate the machine, latencies measure them, not the server.
- **other CPU %**: task CPU (user+system from /proc/stat; interrupt time, where loopback traffic lands, left
  out) used by anything but the server, the bots and the bench itself during the window. Anything well
  above zero means the machine was not quiet and the run should be repeated.
- **memory** (last table): the server's RSS and V8 heap used, each read right after two full GCs (the
  bench's preload \`memory-probe.mjs\`, asked over IPC): **idle** ${IDLE_SETTLE_MS / 1000} s after start-up, before any bot;
  **loaded** at the end of the window, every bot still in; **after leave** the set time after every bot
  disconnected (the server keeps a dropped player's session for its 60 s resume grace).
  **heap after leave vs idle** = (after leave − idle) / idle: whether what the players used is given back.`;

export function renderMarkdown(
  results: readonly ScenarioResult[],
  opts: BenchOptions,
  machine: MachineInfo,
  when: Date,
): string {
  const n = notes(results);
  return [
    `# pnpm bench — ${when.toISOString()}`,
    '',
    `Command: \`${commandLine(opts)}\` (warm-up ${opts.warmupSeconds} s, window ${opts.seconds} s, sector "${opts.sector}", one fresh server per row)`,
    '',
    `${setupLine(opts)}.`,
    '',
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB RAM, Node ${machine.node}, ${machine.os}`,
    '',
    markdownTable(MAIN_COLUMNS, results),
    '',
    markdownTable(DETAIL_COLUMNS, results),
    '',
    markdownTable(MEMORY_COLUMNS, results),
    '',
    ...targetLines(results).map((t) => `- ${t}`),
    '',
    ...(n.length > 0 ? ['Notes:', '', ...n.map((s) => `- ${s}`), ''] : []),
    LEGEND,
    '',
  ].join('\n');
}
