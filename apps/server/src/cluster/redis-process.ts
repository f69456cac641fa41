import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const GUARDED_EXEC = fileURLToPath(new URL('../../../../scripts/guarded-exec.mjs', import.meta.url));

/** Why a private Redis cannot be started here (null when it can). */
export function redisServerSkipReason(): string | null {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? null : 'redis-server is not installed (Debian: apt-get install redis-server)';
}

/**
 * A Redis server of a test's own on a loopback port, keeping nothing on disk, so the test can crash
 * it (SIGKILL) and start it again empty, as a Redis without persistence comes back after a
 * restart. Like HAProxy in the tests, it runs through the guard and cannot outlive this process.
 */
export class RedisProcess {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(port: number): Promise<RedisProcess> {
    const redis = new RedisProcess(port);
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Ends it at once, as a crash would: whatever it held is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    await exited;
  }

  /** A new, empty Redis on the same port. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  stop(): Promise<void> {
    return this.kill();
  }

  private async launch(guardMs = 30_000): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    // In a process group of its own, so kill() ends the guard and Redis together.
    const child = spawn(process.execPath, [GUARDED_EXEC, 'redis-server', ...args], {
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
    this.child = child;
    const deadline = Date.now() + guardMs;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.kill();
        throw new Error(`redis-server did not start listening:\n${output.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
