import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * PGlite is one process's database: two servers on one directory would corrupt it silently. A
 * lock file beside the directory names the owning process; a file left by a process that died
 * (SIGKILL, power cut) is taken over, since that process can no longer write.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  const owner = readOwner(file);
  if (owner !== null && isAlive(owner)) {
    throw new Error(
      `the data directory ${dataDir} is in use by process ${owner}: embedded PGlite serves one process. ` +
        'Stop that server, give this one another DATA_DIR, or use PostgreSQL (DATABASE_URL) to run several.',
    );
  }
  writeFileSync(file, String(process.pid));
  return () => {
    if (readOwner(file) === process.pid) rmSync(file, { force: true });
  };
}

function readOwner(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which still means it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
