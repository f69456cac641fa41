import { execFileSync } from 'node:child_process';

/**
 * How many files (sockets included) a child process may open. Node cannot raise its own limit,
 * so children that hold many connections are started through `sh -c 'ulimit -n N && exec node …'`
 * (children.ts). Without privileges a process may raise its soft limit only up to the hard limit;
 * this asks a shell what it will get: `wanted` when allowed, else the hard limit.
 */
export function fileLimitFor(wanted: number): number {
  const n = Math.floor(wanted);
  try {
    const out = execFileSync('/bin/sh', ['-c', `(ulimit -n ${n}) 2>/dev/null && echo ${n} || ulimit -Hn`], {
      encoding: 'utf8',
    }).trim();
    return out === 'unlimited' ? n : Math.min(n, Number(out) || 0);
  } catch {
    return 0;
  }
}

/** Sockets a process keeps beyond its client connections: listeners, HTTP keep-alives, files, slack. */
export const FILE_MARGIN = 1000;
