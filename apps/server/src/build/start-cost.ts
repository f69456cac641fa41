import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { COMPILED_ENTRY, COMPILED_NODE_ARGS } from './compiled-entry.js';

/*
 * `npx tsx apps/server/src/build/start-cost.ts [rounds]` (after `pnpm build`, on Linux): what a
 * server start costs run from the sources under tsx and run compiled with plain node, measured in
 * one run, interleaved (each round starts every way once, in a rotating order, so a busy moment of
 * the machine does not land on one way only). Each start opens a copy of one prepared PGlite
 * directory (already created and migrated: a restart, the usual case) on a free port with the
 * default content and the built page.
 *
 * - start: from spawning the process to its "listening" log line (the port is open, the store
 *   migrated, the timers armed), in wall-clock time and in CPU time (user + system, of the
 *   process and its children: the part a busy machine does not inflate);
 * - idle RSS: the resident memory of the process and its children (tsx's CLI is a parent process
 *   that runs the server in a child) after 5 s idle.
 */

const serverDir = fileURLToPath(new URL('../../', import.meta.url));
const IDLE_MS = 5000;

interface Way {
  name: string;
  command: string;
  args: string[];
}

const WAYS: readonly Way[] = [
  {
    name: 'tsx src/main.ts (the old pnpm start)',
    command: join(serverDir, 'node_modules/.bin/tsx'),
    args: ['src/main.ts'],
  },
  {
    name: 'node --import tsx src/main.ts (tests, bench)',
    command: process.execPath,
    args: ['--import', 'tsx', 'src/main.ts'],
  },
  {
    name: `node ${[...COMPILED_NODE_ARGS, COMPILED_ENTRY].join(' ')} (pnpm start)`,
    command: process.execPath,
    args: [...COMPILED_NODE_ARGS, COMPILED_ENTRY],
  },
  { name: `node ${COMPILED_ENTRY} (no source maps)`, command: process.execPath, args: [COMPILED_ENTRY] },
];

interface Sample {
  startMs: number;
  cpuMs: number;
  rssMb: number;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  if (!existsSync(join(serverDir, COMPILED_ENTRY))) throw new Error('run pnpm build first');
  const work = mkdtempSync(join(tmpdir(), 'perihelion-start-cost-'));
  try {
    // The template: created and migrated once, by the compiled server.
    const template = join(work, 'template');
    await measure(WAYS[2]!, template);
    const samples = new Map<string, Sample[]>(WAYS.map((w) => [w.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < WAYS.length; i++) {
        const way = WAYS[(round + i) % WAYS.length]!;
        const copy = join(work, `run-${round}-${i}`);
        cpSync(template, copy, { recursive: true });
        const sample = await measure(way, copy);
        samples.get(way.name)!.push(sample);
        rmSync(copy, { recursive: true, force: true });
        console.error(
          `round ${round + 1}/${rounds} ${way.name}: ${sample.startMs} ms (CPU ${sample.cpuMs} ms), ${sample.rssMb} MB`,
        );
      }
    }
    console.log(`\n${rounds} starts each, interleaved; median (min–max)\n`);
    console.log('| how | start to "listening" | CPU time to "listening" | idle RSS after 5 s |');
    console.log('| --- | --- | --- | --- |');
    for (const [name, list] of samples) {
      const start = spread(list.map((s) => s.startMs));
      const cpu = spread(list.map((s) => s.cpuMs));
      const rss = spread(list.map((s) => s.rssMb));
      console.log(`| \`${name}\` | ${start} ms | ${cpu} ms | ${rss} MB |`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function measure(way: Way, dir: string): Promise<Sample> {
  const started = performance.now();
  const child = spawn(way.command, way.args, {
    cwd: serverDir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      LOG_PRETTY: 'false',
      DATA_DIR: join(dir, 'pglite'),
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const output: string[] = [];
    const listening = new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output.push(line);
        if (line.includes('"msg":"listening"')) resolve(performance.now() - started);
      });
      createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
      void exited.then(() => reject(new Error(`${way.name} exited:\n${output.slice(-20).join('\n')}`)));
    });
    const startMs = Math.round(await listening);
    const cpuMs = treeCpuMs(child);
    await sleep(IDLE_MS);
    return { startMs, cpuMs, rssMb: Math.round(treeRssKb(child) / 1024) };
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The process and all its descendants (Linux /proc). */
function tree(child: ChildProcess): number[] {
  const found: number[] = [];
  const pending = [child.pid!];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    found.push(pid);
    try {
      const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (children) pending.push(...children.split(/\s+/).map(Number));
    } catch {
      // Gone in the meantime.
    }
  }
  return found;
}

/** A /proc file of a process, or '' when it is gone. */
function proc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

function treeRssKb(child: ChildProcess): number {
  return tree(child).reduce(
    (kb, pid) => kb + Number(/VmRSS:\s+(\d+)/.exec(proc(pid, 'status'))?.[1] ?? 0),
    0,
  );
}

/** User + system CPU time so far, with the children each has waited for (Linux clock ticks: 10 ms). */
function treeCpuMs(child: ChildProcess): number {
  let ticks = 0;
  for (const pid of tree(child)) {
    // Fields after the command name (which may hold spaces): utime is the 12th, then stime, cutime, cstime.
    const fields = proc(pid, 'stat').split(') ')[1]?.split(' ') ?? [];
    for (const i of [11, 12, 13, 14]) ticks += Number(fields[i] ?? 0);
  }
  return ticks * 10;
}

function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${median} (${sorted[0]}–${sorted.at(-1)})`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
