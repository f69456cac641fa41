import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Creates a new PGlite cluster in `dataDir` (runs initdb) in a short-lived child process; does
 * nothing when the directory already holds one (PG_VERSION, PGlite's own test).
 *
 * Why another process: PGlite runs initdb in the process that asks for it, in a second PGlite
 * instance with its own WebAssembly memory, a copy of that memory it restores before each backend
 * run, and initdb's own module: ~450 MB that nothing references once the cluster exists, but that
 * V8 frees only on a full GC, which an idle server with a small JS heap does not run. A server
 * started on a fresh data directory sat at ~870 MB RSS, against ~400 MB on the same directory
 * reopened. (A worker thread frees its JS and WebAssembly memory when it exits, but the allocator
 * kept ~120 MB of what it used.) A child process gives everything back when it exits, so the first
 * start costs what every later one does. Same PGlite, same options, same directory: the cluster is
 * the one the server would have created itself.
 */
export async function initPgliteDir(dataDir: string, startParams: string[]): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const args = JSON.stringify({ pglite, dataDir, startParams });
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, ['-e', CHILD_SOURCE, args], { maxBuffer: 1 << 20 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const detail = stderr.trim() || err.message;
      reject(new Error(`creating the PGlite data directory ${dataDir} failed: ${detail}`));
    });
  });
}

/** CommonJS (node -e), loading PGlite's CommonJS build; a failure exits non-zero with the stack. */
const CHILD_SOURCE = `
const { pglite, dataDir, startParams } = JSON.parse(process.argv[1]);
const { PGlite } = require(pglite);
(async () => {
  const client = new PGlite({ dataDir, startParams });
  await client.waitReady;
  await client.close();
})().catch((err) => {
  console.error((err && err.stack) || String(err));
  process.exit(1);
});
`;
