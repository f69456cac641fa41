import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerMemory } from './target.js';

/** Node arguments that load the memory probe into a server child (see memory-probe.mjs). */
export const MEMORY_PROBE_ARGS: readonly string[] = [
  '--expose-gc',
  '--import',
  fileURLToPath(new URL('./memory-probe.mjs', import.meta.url)),
];

/** A fresh server settles this long before its idle memory (before any connection) is read. */
export const IDLE_SETTLE_MS = 5000;

let nextId = 1;

/** Asks a server started with MEMORY_PROBE_ARGS for its memory after a full GC. */
export function requestMemory(child: ChildProcess, timeoutMs = 30_000): Promise<ServerMemory> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (msg: unknown) => {
      const m = msg as {
        type?: unknown;
        id?: unknown;
        rss?: unknown;
        heapUsed?: unknown;
        codeSpaceUsed?: unknown;
      } | null;
      if (m?.type !== 'bench:memory' || m.id !== id) return;
      finish();
      resolve({
        rssBytes: typeof m.rss === 'number' ? m.rss : null,
        heapUsedBytes: typeof m.heapUsed === 'number' ? m.heapUsed : null,
        codeBytes: typeof m.codeSpaceUsed === 'number' ? m.codeSpaceUsed : null,
      });
    };
    const onExit = () => {
      finish();
      reject(new Error('the server exited before reporting its memory'));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the server did not report its memory within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ type: 'bench:memory', id });
  });
}
