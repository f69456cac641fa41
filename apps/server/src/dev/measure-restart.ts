import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../testing/free-port.js';
import { ProbePilot, sleep } from './probe-pilot.js';

/**
 * Measures what a player sees when the server restarts under `pnpm dev`: touches the server's
 * entry (as an editor's save does), then times how long until a connected SDK client has rejoined
 * its sector, how long it was without a server, and checks its ship came back where it stopped.
 * It runs the old dev command (`tsx watch`) and the dev runner in turns on the same machine.
 *
 *   tsx src/dev/measure-restart.ts [--rounds 3] [--restarts 2] [--settle-ms 8000] [--only dev-runner]
 */

type Mode = 'tsx-watch' | 'dev-runner';

const serverDir = fileURLToPath(new URL('../../', import.meta.url));
const touched = join(serverDir, 'src/main.ts');
const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    restarts: { type: 'string', default: '2' },
    /** Time between restarts, as between a developer's saves (the runner loads its standby then). */
    'settle-ms': { type: 'string', default: '8000' },
    /** One of the two commands only (tsx-watch or dev-runner). */
    only: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const restarts = Number(values.restarts);
const settleMs = Number(values['settle-ms']);
const modes = (['tsx-watch', 'dev-runner'] as const).filter((mode) => !values.only || values.only === mode);
if (modes.length === 0) {
  console.error(`--only takes tsx-watch or dev-runner, not ${values.only}`);
  process.exit(2);
}

const commands: Record<Mode, string[]> = {
  'tsx-watch': [
    tsxCli,
    'watch',
    '--clear-screen=false',
    '--exclude',
    '../../packages/game/src/content*.json',
    'src/main.ts',
  ],
  'dev-runner': ['--import', 'tsx', 'src/dev/dev-runner.ts'],
};

interface Sample {
  mode: Mode;
  /** Touch until the client is back in its sector. */
  touchToRejoinMs: number;
  /** The client's status not 'connected'. */
  offlineMs: number;
  /** Distance between where the ship stopped and where it came back. */
  movedBy: number;
  /** No other restart in the log since the previous sample (someone else saving a watched file). */
  clean: boolean;
  note: string;
}

/** A touch that brought no restart within this long is repeated (seen with `tsx watch`). */
const MISSED_AFTER_MS = 30_000;

const dataDir = join(mkdtempSync(join(tmpdir(), 'perihelion-measure-')), 'pglite');
const groups = new Set<ChildProcess>();
// Ctrl-C: the runners are in process groups of their own, so stop them here.
process.once('SIGINT', () => {
  for (const child of groups) if (child.pid) process.kill(-child.pid, 'SIGINT');
  setTimeout(() => process.exit(130), 15_000).unref();
});
const samples: Sample[] = [];
for (let round = 1; round <= rounds; round++) {
  for (const mode of modes) {
    samples.push(...(await measure(mode, round)));
  }
}
summarize(samples);

async function measure(mode: Mode, round: number): Promise<Sample[]> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dataDir, `../${mode}-${round}.log`);
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, commands[mode], {
    cwd: serverDir,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_PRETTY: '1',
      CONTENT: process.env.CONTENT ?? 'fast',
      PORT: String(port),
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', out, out],
    // Its own process group, stopped like a terminal's Ctrl-C: the whole group gets SIGINT.
    detached: true,
  });
  groups.add(child);
  closeSync(out);
  const log = () => readFileSync(logFile, 'utf8');
  const results: Sample[] = [];
  let pilot: ProbePilot | null = null;
  try {
    await until(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, 120_000);
    pilot = new ProbePilot(url, 'measure');
    await until(() => pilot?.connected === true, 60_000);
    const stopped = await pilot.flyAndStop();
    let mark = log().length;
    for (let i = 0; i < restarts; i++) {
      await sleep(settleMs);
      const p = pilot;
      const seen = p.statuses.length;
      const dropped = () => p.statuses.slice(seen).some((s) => s.status !== 'connected');
      let touchedAt = 0;
      let touches = 0;
      while (!dropped()) {
        touchedAt = performance.now();
        touches++;
        utimesSync(touched, new Date(), new Date());
        await until(dropped, MISSED_AFTER_MS).catch(() => {});
      }
      await until(() => p.connected, 120_000);
      const after = p.statuses.slice(seen);
      const down = after.find((s) => s.status !== 'connected')?.at ?? touchedAt;
      const up = after.findLast((s) => s.status === 'connected')?.at ?? Number.NaN;
      const ship = p.ship();
      const movedBy = ship
        ? Math.hypot((ship[0] ?? 0) - stopped[0], (ship[1] ?? 0) - stopped[1])
        : Number.NaN;
      const restartsSeen = restartsIn(log().slice(mark), mode);
      mark = log().length;
      const notes = [
        ...(restartsSeen > 1 ? [`${restartsSeen} restarts in the log: other files changed too`] : []),
        ...(touches > 1 ? [`${touches} touches: the first brought no restart`] : []),
      ];
      const sample: Sample = {
        mode,
        touchToRejoinMs: up - touchedAt,
        offlineMs: up - down,
        movedBy,
        clean: restartsSeen === 1,
        note: notes.length ? ` (${notes.join('; ')})` : '',
      };
      results.push(sample);
      console.log(
        `${mode.padEnd(10)} round ${round} restart ${i + 1}: touch→rejoin ${ms(sample.touchToRejoinMs)}, ` +
          `offline ${ms(sample.offlineMs)}, ship moved by ${movedBy.toFixed(2)}${sample.note}`,
      );
    }
  } finally {
    pilot?.close();
    await stopGroup(child);
    groups.delete(child);
  }
  return results;
}

/** How many restarts the log shows. */
function restartsIn(log: string, mode: Mode): number {
  const marker = mode === 'tsx-watch' ? /Restarting\.\.\.|Rerunning\.\.\./g : /\[dev\] .* changed:/g;
  return log.match(marker)?.length ?? 0;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGINT');
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function until(check: () => boolean | Promise<boolean>, guardMs: number): Promise<void> {
  const deadline = performance.now() + guardMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('timed out');
    await sleep(20);
  }
}

function summarize(all: Sample[]): void {
  for (const mode of modes) {
    const mine = all.filter((s) => s.mode === mode);
    const clean = mine.filter((s) => s.clean);
    const rejoin = clean.map((s) => s.touchToRejoinMs).sort((a, b) => a - b);
    const offline = clean.map((s) => s.offlineMs).sort((a, b) => a - b);
    const moved = Math.max(...mine.map((s) => s.movedBy));
    console.log(
      `${mode}: ${clean.length} clean restarts of ${mine.length}: ` +
        `touch→rejoin median ${ms(median(rejoin))} (${range(rejoin)}), offline median ${ms(median(offline))} ` +
        `(${range(offline)}); every ship came back within ${moved.toFixed(2)} units of where it stopped`,
    );
  }
}

function range(sorted: number[]): string {
  return `${ms(sorted[0] ?? Number.NaN)}–${ms(sorted.at(-1) ?? Number.NaN)}`;
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function ms(value: number): string {
  return `${(value / 1000).toFixed(2)} s`;
}
