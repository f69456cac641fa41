import { type ConnOptions, connCommandLine } from './conn-options.js';
import type { ConnectResult } from './conn-run.js';
import type { FanoutResult } from './fanout-scenario.js';
import type { IdleResult } from './idle-scenario.js';
import type { MachineInfo } from './machine.js';
import { downsample, sparkline } from './rate-curve.js';
import { type Column, int, markdownTable, mb, num, textTable } from './table.js';

const KB = 1024;

function held(connect: ConnectResult, now: number): string {
  return now === connect.clients ? int(now) : `${int(now)}/${int(connect.clients)}`;
}

const IDLE_COLUMNS: Column<IdleResult>[] = [
  { header: 'server', cell: (r) => r.target },
  { header: 'connections', cell: (r) => held(r.connect, r.held) },
  { header: 'failed', cell: (r) => int(r.connect.failed) },
  { header: 'dropped', cell: (r) => int(r.dropped) },
  { header: 'connect s', cell: (r) => num(r.connect.seconds) },
  { header: 'conn/s mean', cell: (r) => int(r.connect.reached / r.connect.seconds) },
  { header: 'conn/s peak', cell: (r) => int(r.connect.peakPerSecond) },
  { header: 'RSS before MB', cell: (r) => mb(r.before.rssBytes) },
  { header: 'RSS after MB', cell: (r) => mb(r.after.rssBytes) },
  { header: 'KB/conn (RSS)', cell: (r) => num(r.rssPerConnection / KB, 2) },
  { header: 'heap before MB', cell: (r) => mb(r.before.heapUsedBytes) },
  { header: 'heap after MB', cell: (r) => mb(r.after.heapUsedBytes) },
  { header: 'KB/conn (heap)', cell: (r) => num(r.heapPerConnection / KB, 2) },
  { header: 'KB/conn (heap w/o code)', cell: (r) => num(r.heapDataPerConnection / KB, 2) },
  { header: 'server CPU % idle', cell: (r) => num(r.window.serverPercent, 1) },
  { header: 'bots CPU %', cell: (r) => num(r.window.botsPercent, 1) },
  {
    header: 'bots loop p99 / max ms',
    cell: (r) => `${num(r.botsLoopDelayP99Ms, 1)} / ${num(r.botsLoopDelayMaxMs, 1)}`,
  },
  { header: 'other CPU %', cell: (r) => num(r.window.otherPercent, 0) },
];

const ms = (v: number) => num(v, 1);

const FANOUT_COLUMNS: Column<FanoutResult>[] = [
  { header: 'server', cell: (r) => r.target },
  { header: 'subscribers', cell: (r) => held(r.connect, r.subscribers) },
  { header: 'failed / dropped', cell: (r) => `${int(r.connect.failed)} / ${int(r.dropped)}` },
  { header: 'delivered', cell: (r) => `${int(r.delivered)}/${int(r.expected)}` },
  { header: 'p50 ms', cell: (r) => ms(r.latency.p50) },
  { header: 'p90 ms', cell: (r) => ms(r.latency.p90) },
  { header: 'p99 ms', cell: (r) => ms(r.latency.p99) },
  { header: 'max ms', cell: (r) => ms(r.latency.max) },
  {
    header: 'last delivery p50 / max ms',
    cell: (r) => `${ms(r.lastDelivery.p50)} / ${ms(r.lastDelivery.max)}`,
  },
  { header: 'publish req p50 ms', cell: (r) => ms(r.publishRequest.p50) },
  { header: 'payload B', cell: (r) => int(r.payloadBytes) },
  { header: 'server CPU s/msg', cell: (r) => num(r.cpuSecondsPerMessage, 3) },
  { header: 'raw CPU s/msg', cell: (r) => num(r.cpuSecondsPerMessageRaw, 3) },
  { header: 'idle CPU %', cell: (r) => num(r.idleServerPercent, 1) },
  { header: 'bots CPU %', cell: (r) => num(r.publishPhase.botsPercent, 0) },
  {
    header: 'bots loop p99 / max ms',
    cell: (r) => `${ms(r.botsLoopDelayP99Ms)} / ${ms(r.botsLoopDelayMaxMs)}`,
  },
  { header: 'other CPU %', cell: (r) => num(r.publishPhase.otherPercent, 0) },
];

const CURVE_WIDTH = 60;

function curveOf(connect: ConnectResult): string {
  const { values, per } = downsample(connect.curve, CURVE_WIDTH);
  return `${sparkline(values)} (${per === 1 ? 'a bar per second' : `a bar per ${per} s`})`;
}

const CONNECT_COLUMNS: Column<{ target: string; connect: ConnectResult }>[] = [
  { header: 'server', cell: (r) => r.target },
  { header: 'connections/s over the ramp', cell: (r) => curveOf(r.connect) },
];

type AnyResult = IdleResult | FanoutResult;

function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}

/** Perihelion against the baseline, and against the targets of DESIGN.md / issue 9 (no asserts). */
function comparison(opts: ConnOptions, results: readonly AnyResult[]): string[] {
  const p = results.find((r) => r.target === 'perihelion');
  const b = results.find((r) => r.target === 'bare');
  const out: string[] = [];
  if (opts.scenario === 'idle') {
    const pi = p as IdleResult | undefined;
    const bi = b as IdleResult | undefined;
    if (pi) {
      out.push(
        `perihelion: ${num(pi.rssPerConnection / KB, 2)} KB RSS per connection (target ≤ 8), ` +
          `${num(pi.window.serverPercent, 1)} % of a core idle (target ≤ 10), ` +
          `${num(pi.connect.seconds)} s to connect ${int(pi.connect.reached)} (target < 60 s for 50,000)`,
      );
    }
    if (pi && bi) {
      out.push(
        `perihelion / bare: memory per connection ${ratio(pi.rssPerConnection, bi.rssPerConnection)} (RSS), ` +
          `${ratio(pi.heapPerConnection, bi.heapPerConnection)} (heap); idle CPU ${ratio(pi.window.serverPercent, bi.window.serverPercent)}; ` +
          `connect time ${ratio(pi.connect.seconds, bi.connect.seconds)}`,
      );
    }
  } else if (p && b) {
    const pf = p as FanoutResult;
    const bf = b as FanoutResult;
    out.push(
      `perihelion / bare: delivery p99 ${ratio(pf.latency.p99, bf.latency.p99)} (target ≤ 1.25×), ` +
        `p50 ${ratio(pf.latency.p50, bf.latency.p50)}, server CPU per message ${ratio(pf.cpuSecondsPerMessage, bf.cpuSecondsPerMessage)}`,
    );
  }
  return out;
}

function notesOf(results: readonly AnyResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    for (const n of r.notes) out.push(`${r.target}: ${n}`);
    if (r.connect.problems.size > 0) {
      const reasons = [...r.connect.problems]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 5)
        .map(([reason, n]) => `"${reason}" ×${n}`)
        .join(', ');
      out.push(`${r.target}: failures and drops: ${reasons}`);
    }
  }
  return out;
}

function tables(opts: ConnOptions, results: readonly AnyResult[], render: typeof textTable): string[] {
  const main =
    opts.scenario === 'idle'
      ? render(IDLE_COLUMNS, results as IdleResult[])
      : render(FANOUT_COLUMNS, results as FanoutResult[]);
  return [main, '', render(CONNECT_COLUMNS, results)];
}

export function renderConnText(opts: ConnOptions, results: readonly AnyResult[]): string {
  const out = tables(opts, results, textTable);
  const c = comparison(opts, results);
  if (c.length > 0) out.push('', ...c);
  const n = notesOf(results);
  if (n.length > 0) out.push('', ...n.map((s) => `note: ${s}`));
  return out.join('\n');
}

export const IDLE_LEGEND = `- Each server is a fresh process; the same bot fleet (separate processes) connects to it: every
  connection is one idle browser tab — a session (\`POST /api/session\`, Perihelion only), the \`/chat\`
  namespace over WebSocket with that access token (the protocol's parser), subscribed to \`global\`.
  The baseline is a bare Socket.IO 4.8 server (bench/src/bare/bare-server.ts): one namespace, each
  socket joins one room on subscribe, same parser and heartbeat, no sessions, storage or presence.
- **connect s**: from telling the bots to connect to the last successful subscribe (attempts in flight
  at once: --concurrency). **conn/s peak**: the best whole second of that ramp.
- **RSS / heap before**: the server after start-up and 5 s idle, no connection yet; **after**: at the
  end of the idle window. Both are taken right after two full GCs, which the bench asks for through
  a preload in the server process (src/targets/memory-probe.mjs, \`--expose-gc\`), so start-up garbage
  counts in neither. **KB/conn** = (after − before) / connections held.
- **server CPU % idle**: the server's user+system CPU (/proc) over the idle window, in which only
  heartbeats run (ping every 5 s, both servers), 100 % = one core. **bots CPU %** is all bot processes.
  **bots loop p99 / max**: event-loop delay of the busiest bot process in the window.
- **dropped**: connections that were subscribed and then closed (bots do not reconnect); the notes
  give the reasons. "ping timeout" is the bot's own verdict (no ping seen for the heartbeat interval plus timeout): a server that
  stalls, or a bot process too starved to read its sockets (see its loop delay); "transport close"
  means the server closed the connection.
- **other CPU %**: everything else on the machine in that window; well above 0 means a busy machine.`;

export const FANOUT_LEGEND = `- Subscribers connect as in the idle scenario (Perihelion: session, \`/chat\`, subscribed to \`global\`;
  baseline: bare Socket.IO, one room). Then K messages, one interval apart: Perihelion's via the publish
  API (\`POST /api/v1/channels/global/messages\`, API key), the baseline's via \`POST /emit\`, which does
  \`io.of('/chat').to(room).emit('channel:messages', …)\` with a message of the same shape and text.
- **p50 … max**: over every delivery of every message, from just before the publish request (the
  bench's wall clock, performance.timeOrigin + now) to the subscriber's handler running (the bot
  process's wall clock; same machine, same clock). It includes the bots' own receive work: see
  **bots loop p99 / max** (event-loop delay of the busiest bot process).
- **last delivery**: per message, the time until its last subscriber had it.
- **server CPU s/msg**: server CPU over the publish phase (first request to last delivery) minus the
  heartbeat-only rate measured just before, divided by K; **raw** leaves heartbeats in.
- **payload B**: JSON size of one received \`channel:messages\` payload.`;

export function renderConnMarkdown(
  opts: ConnOptions,
  results: readonly AnyResult[],
  machine: MachineInfo,
  when: Date,
): string {
  const n = notesOf(results);
  const curves = results.map(
    (r) =>
      `- ${r.target}: ${r.connect.curve.map((v) => int(v)).join(' ')} (peak ${int(r.connect.peakPerSecond)}/s)`,
  );
  return [
    `# pnpm bench --scenario ${opts.scenario} — ${when.toISOString()}`,
    '',
    `Command: \`${connCommandLine(opts)}\``,
    '',
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB RAM, Node ${machine.node}, ${machine.os}`,
    '',
    `Store: ${results.map((r) => `${r.target}: ${r.storeLabel}`).join('; ')}`,
    '',
    ...tables(opts, results, markdownTable),
    '',
    'Connections per second, each second of the ramp:',
    '',
    ...curves,
    '',
    ...comparison(opts, results).map((c) => `- ${c}`),
    '',
    ...(n.length > 0 ? ['Notes:', '', ...n.map((s) => `- ${s}`), ''] : []),
    opts.scenario === 'idle' ? IDLE_LEGEND : FANOUT_LEGEND,
    '',
  ].join('\n');
}
