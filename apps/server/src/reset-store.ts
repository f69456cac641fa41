import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { lockDataDir, redact } from '@perihelion/db';
import pg from 'pg';
import { loadConfig } from './config.js';
import { authSecretFile } from './session/auth-secret.js';

/**
 * `pnpm db:reset -- --yes`: wipes the store the server would use with the same environment, so
 * the universe starts empty (every profile, structure, timer and notification is gone). PGlite:
 * deletes DATA_DIR. PostgreSQL: drops the schema's tables; the next start migrates again. A
 * generated session secret goes too, so access tokens of the deleted players stop working (their
 * clients get new guest sessions) instead of naming players the store no longer has.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const target = config.DATABASE_URL
    ? `the PostgreSQL database at ${redact(config.DATABASE_URL)}`
    : resolve(config.DATA_DIR);
  if (!process.argv.includes('--yes')) {
    console.error(
      `This deletes every player, structure and notification in ${target}.\nRun again with --yes to do it.`,
    );
    process.exit(2);
  }
  if (config.DATABASE_URL) {
    const client = new pg.Client({ connectionString: config.DATABASE_URL });
    await client.connect();
    try {
      await client.query(
        'drop schema if exists drizzle cascade; drop schema public cascade; create schema public;',
      );
    } finally {
      await client.end();
    }
  } else if (config.DATA_DIR !== ':memory:') {
    const dir = resolve(config.DATA_DIR);
    if (existsSync(dir)) {
      // Refuses while a server still has the directory open (its lock names the process).
      const unlock = lockDataDir(dir);
      rmSync(dir, { recursive: true, force: true });
      unlock();
    }
  }
  const secretFile = config.AUTH_SECRET ? null : authSecretFile(config);
  if (secretFile && existsSync(secretFile)) rmSync(secretFile, { force: true });
  console.log(`reset: ${target} is empty; the next start creates a new universe`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
