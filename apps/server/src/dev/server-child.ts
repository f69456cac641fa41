import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ChildMessage, parseChildMessage, type RunnerMessage, WARM_START_ENV } from './dev-protocol.js';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerChildOptions {
  /** The server's entry module (absolute path). */
  entry: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const standbyEntry = fileURLToPath(new URL('./standby.ts', import.meta.url));
/** Ends the child at once if the runner dies without stopping it (SIGKILL, a crash). */
const orphanGuard = new URL('../../../../scripts/orphan-guard.mjs', import.meta.url).href;
/** The same tsx the runner runs under, wherever the runner was started from. */
const tsxLoader = import.meta.resolve('tsx');

/**
 * One server process of the dev runner, from standby to exit: it shares the runner's terminal
 * (stdout, stderr) and talks to it over IPC (dev-protocol.ts).
 */
export class ServerChild {
  /** Non-null once the process has ended. */
  exit: ChildExit | null = null;
  /** Where it listens, once it said it is live. */
  url: string | null = null;
  /** Told to open the store and listen (it may then hold sectors to save). */
  told = false;
  /** Asked to stop by the runner: its exit is no surprise. */
  stopRequested = false;
  readonly exited: Promise<ChildExit>;
  private readonly reachedTypes = new Set<ChildMessage['type']>();
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      const done = (exit: ChildExit) => {
        if (this.exit) return;
        this.exit = exit;
        this.notify();
        resolve(exit);
      };
      child.once('exit', (code, signal) => done({ code, signal }));
      // Could not be started at all: it then emits no 'exit'. (A failed kill also comes as 'error'.)
      child.on('error', () => {
        if (child.pid === undefined) done({ code: null, signal: null });
      });
    });
    child.on('message', (raw: unknown) => {
      const message = parseChildMessage(raw);
      if (!message) return;
      if (message.type === 'live') this.url = message.url;
      this.reachedTypes.add(message.type);
      this.notify();
    });
  }

  static spawn(options: ServerChildOptions): ServerChild {
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, '--import', orphanGuard, standbyEntry, options.entry],
      {
        cwd: options.cwd,
        env: { ...options.env, [WARM_START_ENV]: '1' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    return new ServerChild(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  has(type: ChildMessage['type']): boolean {
    return this.reachedTypes.has(type);
  }

  /** True once the child has sent `type`; false if it ended first. */
  async reached(type: ChildMessage['type']): Promise<boolean> {
    while (!this.reachedTypes.has(type)) {
      if (this.exit) return false;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.listeners.delete(wake);
          resolve();
        };
        this.listeners.add(wake);
      });
    }
    return true;
  }

  send(message: RunnerMessage): void {
    if (message.type === 'go') this.told = true;
    // A child that is gone (or going) cannot act on it; its exit tells the runner what happened.
    if (this.child.connected) this.child.send(message, undefined, undefined, () => {});
  }

  /**
   * SIGTERM, the server's graceful stop (it saves its sectors with their ships), then SIGKILL if
   * it has not ended within graceMs. `forced` says whether it had to be killed.
   */
  async stop(graceMs: number): Promise<{ exit: ChildExit; forced: boolean }> {
    this.stopRequested = true;
    if (this.exit) return { exit: this.exit, forced: false };
    let forced = false;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      forced = true;
      this.child.kill('SIGKILL');
    }, graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return { exit, forced };
  }

  /** For a process that holds nothing yet (not told to go): there is nothing to save. */
  async kill(): Promise<ChildExit> {
    this.stopRequested = true;
    if (!this.exit) this.child.kill('SIGKILL');
    return this.exited;
  }

  private notify(): void {
    for (const wake of [...this.listeners]) wake();
  }
}

export function describeExit(exit: ChildExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
