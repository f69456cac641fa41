import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type HaproxyConfigOptions, haproxyConfig } from './haproxy-config.js';

const GUARDED_EXEC = fileURLToPath(new URL('../../../../scripts/guarded-exec.mjs', import.meta.url));

/**
 * HAProxy in front of some nodes (a test's, or `pnpm cluster`'s): its configuration in a temporary
 * directory, checked before it starts; the process is stopped with its whole group, and cannot
 * outlive the Node process that started it.
 */
export class HaproxyProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    private readonly output: string[],
  ) {}

  static async start(opts: HaproxyConfigOptions, guardMs = 60_000): Promise<HaproxyProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'perihelion-haproxy-'));
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, haproxyConfig(opts));
    const check = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    if (check.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`haproxy refused the configuration:\n${check.stdout}${check.stderr}`);
    }
    // Through the guard: HAProxy is not Node, and must not outlive this process.
    // In a process group of its own: a stop that has to force it kills HAProxy with its wrapper.
    const child = spawn(process.execPath, [GUARDED_EXEC, 'haproxy', '-f', file, '-db'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 50) output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const haproxy = new HaproxyProcess(child, dir, opts.bind.port, output);
    const deadline = Date.now() + guardMs;
    while (!(await accepts(opts.bind.host, opts.bind.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await haproxy.stop();
        throw new Error(`haproxy did not start listening:\n${output.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return haproxy;
  }

  /** The last lines HAProxy printed (its warnings), for a failing test's message. */
  recentOutput(): string {
    return this.output.join('');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
