import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { hasExited, spawnTs, stopChild } from './children.js';
import { OutputTail } from './output-tail.js';
import { ServerLogTally } from './server-log.js';

const SERVER_DIR = fileURLToPath(new URL('../../apps/server/', import.meta.url));
const SERVER_MAIN = fileURLToPath(new URL('../../apps/server/src/main.ts', import.meta.url));

export interface ServerProcessOptions {
  capacity: number;
  /** Directory for a V8 CPU profile of the server, or null for none. */
  profileDir: string | null;
  startTimeoutMs?: number;
  /** Settings on top of the bench's defaults (e.g. API_KEY, DATABASE_URL instead of DATA_DIR). */
  env?: Readonly<Record<string, string>>;
  /** Open-files limit to start the server with (see fd-limit.ts); default: inherited. */
  fileLimit?: number;
  /** More node arguments (e.g. a preload). */
  nodeArgs?: readonly string[];
}

/** One fresh game server child process (apps/server/src/main.ts under tsx). */
export class ServerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly output: OutputTail,
    /** The server's warnings and errors so far, by message. */
    readonly log: ServerLogTally,
  ) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): boolean {
    return hasExited(this.child);
  }

  /** What the server printed last (for error messages). */
  recentOutput(): string {
    return this.output.text();
  }

  /**
   * Starts a server on a free loopback port and resolves once it answers /healthz.
   *
   * The port is chosen here rather than with PORT=0 because at LOG_LEVEL=warn the server's
   * "listening" line (logged at info) is not printed, so nothing would tell us the port.
   */
  static async start(opts: ServerProcessOptions): Promise<ServerProcess> {
    const port = await freePort();
    const nodeArgs = [
      ...(opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : []),
      ...(opts.nodeArgs ?? []),
    ];
    const child = spawnTs(SERVER_MAIN, {
      cwd: SERVER_DIR,
      nodeArgs,
      ...(opts.fileLimit !== undefined ? { fileLimit: opts.fileLimit } : {}),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        LOG_PRETTY: 'false',
        SECTOR_CAPACITY: String(Math.max(opts.capacity, 1)),
        WEB_DIST: '/nonexistent/perihelion-bench',
        // A throwaway store: bench bots must not pile guest profiles into the developer's data
        // (an exported DATABASE_URL would otherwise win over DATA_DIR).
        DATA_DIR: ':memory:',
        DATABASE_URL: '',
        // Every bot comes from 127.0.0.1: the per-address session limits would refuse the crowd.
        SESSION_RATE_LIMIT: 'off',
        GUEST_RATE_LIMIT: 'off',
        ...opts.env,
      },
    });
    const log = new ServerLogTally();
    const output = new OutputTail(40, (line) => log.line(line));
    output.attach(child.stdout);
    output.attach(child.stderr);
    const url = `http://127.0.0.1:${port}`;
    const server = new ServerProcess(child, url, output, log);
    try {
      await waitForHealth(server, opts.startTimeoutMs ?? 30_000);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** Graceful stop (the server handles SIGTERM); SIGKILL if it takes too long. */
  stop(): Promise<void> {
    return stopChild(this.child, 8000);
  }
}

async function waitForHealth(server: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (server.exited) {
      throw new Error(`server exited during start-up:\n${server.recentOutput()}`);
    }
    try {
      const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer /healthz within ${timeoutMs} ms:\n${server.recentOutput()}`);
}

/** A port nothing listens on now (on 127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
