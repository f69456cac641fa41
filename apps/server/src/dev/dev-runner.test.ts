import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../testing/free-port.js';
import { QUICK_RECONNECT } from '../testing/game-clients.js';
import { UNLIMITED_SESSIONS } from '../testing/server-process.js';
import { ProbePilot } from './probe-pilot.js';

const serverDir = fileURLToPath(new URL('../../', import.meta.url));
const serverMain = pathToFileURL(join(serverDir, 'src/main.ts')).href;
/** Guards against a hang only: a fresh store's first start is slow on a busy machine. */
const GUARD_MS = 120_000;

/**
 * The dev runner as `pnpm dev` runs it, but watching a scratch directory of the test's own: its
 * entry imports a scratch module and then the real server, so saving the scratch module is an
 * edit of the server's code, and breaking it is a module that fails to import.
 */
class DevRunner {
  readonly lines: string[] = [];
  readonly exited: Promise<void>;
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly scratch: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.lines.push(line));
    }
  }

  static async start(dir: string): Promise<DevRunner> {
    const src = join(dir, 'src');
    mkdirSync(src, { recursive: true });
    const scratch = join(src, 'scratch.ts');
    writeFileSync(scratch, 'export const edit = 0;\n');
    const entry = join(src, 'entry.ts');
    writeFileSync(entry, `import './scratch.ts';\nimport '${serverMain}';\n`);
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/dev/dev-runner.ts', '--entry', entry, '--watch', src],
      {
        cwd: serverDir,
        env: {
          ...process.env,
          ...UNLIMITED_SESSIONS,
          NODE_ENV: 'development',
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: join(dir, 'pglite'),
          LOG_PRETTY: 'false',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new DevRunner(child, `http://127.0.0.1:${port}`, scratch);
  }

  /** Saves the scratch module: an edit the server's code imports. */
  edit(source: string): void {
    writeFileSync(this.scratch, source);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Server pids the runner reported live, in order. */
  serverPids(): number[] {
    return this.lines.flatMap((line) => {
      const pid = /^\[dev\] .*server pid (\d+) is live/.exec(line)?.[1];
      return pid ? [Number(pid)] : [];
    });
  }

  count(pattern: RegExp): number {
    return this.lines.filter((line) => pattern.test(line)).length;
  }

  async healthy(): Promise<boolean> {
    const res = await fetch(`${this.url}/healthz`).catch(() => null);
    return res?.ok === true;
  }

  /** SIGTERM (what Ctrl-C's SIGINT also does), then SIGKILL if the runner hangs. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  tail(): string {
    return this.lines.slice(-60).join('\n');
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  runner: DevRunner,
): Promise<void> {
  const deadline = Date.now() + GUARD_MS;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; runner output:\n${runner.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the dev runner', () => {
  const runners: DevRunner[] = [];
  const pilots: ProbePilot[] = [];
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'perihelion-dev-runner-'));
    dirs.push(dir);
    return dir;
  };

  afterEach(async () => {
    for (const pilot of pilots.splice(0)) pilot.close();
    for (const runner of runners.splice(0)) {
      await runner.stop();
      // Whatever happened above, no server of the test outlives it.
      for (const pid of runner.serverPids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'restarts on an edit with the ship where it was; an edit that fails to import leaves the server running',
    async () => {
      const runner = await DevRunner.start(tempDir());
      runners.push(runner);
      await until(() => runner.healthy(), 'the first server', runner);
      const pilot = new ProbePilot(runner.url, 'dev-runner', QUICK_RECONNECT);
      pilots.push(pilot);
      await until(() => pilot.connected, 'the pilot in its sector', runner);
      const playerId = pilot.client.playerId;
      const stopped = await pilot.flyAndStop();
      const [firstPid] = runner.serverPids();

      // An edit: a new server, the same player back in the same place.
      const drops = pilot.statuses.length;
      runner.edit('export const edit = 1;\n');
      await until(() => runner.serverPids().length === 2, 'the restart', runner);
      await until(
        () => pilot.statuses.slice(drops).some((s) => s.status !== 'connected') && pilot.connected,
        'the pilot back after the restart',
        runner,
      );
      expect(pilot.client.playerId).toBe(playerId);
      const ship = pilot.ship();
      expect(ship?.[0]).toBeCloseTo(stopped[0], 0);
      expect(ship?.[1]).toBeCloseTo(stopped[1], 0);
      expect(firstPid !== undefined && alive(firstPid)).toBe(false);
      expect(runner.running).toBe(true);

      // An edit that does not compile: the running server keeps serving the pilot.
      const [, secondPid] = runner.serverPids();
      const seen = pilot.statuses.length;
      runner.edit('export const edit = ;\n');
      await until(() => runner.count(/\[dev\] ✗ the new server did not start/) === 1, 'the refusal', runner);
      expect(await runner.healthy()).toBe(true);
      expect(pilot.statuses.slice(seen)).toEqual([]);
      expect(pilot.connected).toBe(true);
      expect(runner.serverPids()).toEqual([firstPid, secondPid]);

      // Fixed: the next save restarts it as usual.
      runner.edit('export const edit = 2;\n');
      await until(() => runner.serverPids().length === 3, 'the restart after the fix', runner);
      await until(
        () => pilot.connected && pilot.statuses.length > seen,
        'the pilot back after the fix',
        runner,
      );
      expect(pilot.client.playerId).toBe(playerId);
    },
    GUARD_MS * 4,
  );

  it(
    'never leaves a server behind: SIGTERM stops it gracefully, a killed runner takes it along',
    async () => {
      const dir = tempDir();
      const runner = await DevRunner.start(dir);
      runners.push(runner);
      await until(() => runner.healthy(), 'the first server', runner);
      const [pid] = runner.serverPids();
      await runner.stop();
      expect(runner.child.exitCode).toBe(0);
      expect(runner.lines.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
      expect(pid !== undefined && alive(pid)).toBe(false);

      // The same store again (the graceful stop released it), then the runner dies without a word.
      const again = await DevRunner.start(dir);
      runners.push(again);
      await until(() => again.healthy(), 'the server after a restart of the runner', again);
      const [orphan] = again.serverPids();
      again.child.kill('SIGKILL');
      await again.exited;
      await until(() => orphan !== undefined && !alive(orphan), 'the orphan to end', again);
    },
    GUARD_MS * 4,
  );
});
