import { type ChildProcess, fork, type SpawnOptions, spawn } from 'node:child_process';

/**
 * Every child process the bench starts, so that none outlives it: normal runs stop them one by
 * one, Ctrl-C stops them all, and a last synchronous SIGKILL runs on exit whatever happened.
 * The children also load scripts/orphan-guard.mjs, which ends them if this process dies without a word.
 */
const live = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** `node --import tsx --import orphan-guard <script>`: TypeScript children that die with us. */
export function tsNodeArgs(script: string, extraNodeArgs: readonly string[] = []): string[] {
  return [
    ...extraNodeArgs,
    '--import',
    import.meta.resolve('tsx'),
    '--import',
    import.meta.resolve('../../scripts/orphan-guard.mjs'),
    script,
  ];
}

/**
 * Spawns a TypeScript entry point with an IPC channel (used to notice our death, and by children
 * that talk to us). With `fileLimit`, a shell first raises the open-files limit (Node cannot) and
 * then execs node in its place, so the child's pid is node's; see fd-limit.ts for what is allowed.
 */
export function spawnTs(
  script: string,
  options: SpawnOptions & { nodeArgs?: readonly string[]; fileLimit?: number },
): ChildProcess {
  const { nodeArgs, fileLimit, ...spawnOptions } = options;
  const args = tsNodeArgs(script, nodeArgs);
  const stdio: SpawnOptions['stdio'] = ['ignore', 'pipe', 'pipe', 'ipc'];
  const child =
    fileLimit === undefined
      ? spawn(process.execPath, args, { ...spawnOptions, stdio })
      : spawn(
          '/bin/sh',
          ['-c', `ulimit -n ${Math.floor(fileLimit)} && exec "$0" "$@"`, process.execPath, ...args],
          { ...spawnOptions, stdio },
        );
  track(child);
  return child;
}

/** Forks a TypeScript entry point that talks to us over IPC. */
export function forkTs(
  script: string,
  env: NodeJS.ProcessEnv,
  extraNodeArgs: readonly string[] = [],
): ChildProcess {
  const child = fork(script, [], {
    execArgv: tsNodeArgs(script, extraNodeArgs).slice(0, -1),
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  track(child);
  return child;
}

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (hasExited(child)) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

export async function stopAllChildren(graceMs = 5000): Promise<void> {
  await Promise.all([...live].map((c) => stopChild(c, graceMs)));
}

/** What a child process reports to the bench: `fatal` messages end any wait on it. */
type ChildReport = { type: string; message?: string };

/**
 * The next message from `child` that `match` accepts, heard through `waiters` (the owner calls
 * each waiter with every message, and with null when the child exits). Rejects on timeout, abort,
 * a `fatal` report or the child's exit; `who` names the child and `describe()` adds its state.
 */
export function nextChildMessage<M extends ChildReport, T extends M = M>(
  child: ChildProcess,
  waiters: Set<(msg: M | null) => void>,
  match: ((msg: M) => msg is T) | ((msg: M) => boolean),
  opts: { timeoutMs: number; signal: AbortSignal; what: string; who: string; describe: () => string },
): Promise<T> {
  const { timeoutMs, signal, what, who, describe } = opts;
  return new Promise((resolve, reject) => {
    const finish = (err: Error | null, msg?: T) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      waiters.delete(waiter);
      if (err) reject(err);
      else resolve(msg!);
    };
    const waiter = (msg: M | null) => {
      if (msg === null) finish(new Error(`${who} exited while waiting for ${what}${describe()}`));
      else if (msg.type === 'fatal') finish(new Error(`${who} failed: ${msg.message}`));
      else if (match(msg)) finish(null, msg as T);
    };
    const onAbort = () => finish(new Error('aborted'));
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe()}`)),
      timeoutMs,
    );
    if (signal.aborted) return onAbort();
    if (hasExited(child)) return waiter(null);
    signal.addEventListener('abort', onAbort, { once: true });
    waiters.add(waiter);
  });
}
