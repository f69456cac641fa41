import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataDir } from './dir-lock.js';
import type { PgliteAssets } from './pglite-assets.js';
import { initPgliteDir } from './pglite-init.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** The drizzle database, the same type over both drivers. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or a transaction: code that writes takes this so callers can compose. */
export type Executor = Db | Tx;

export type StoreKind = 'pglite' | 'postgres';

export interface StoreOptions {
  /** PostgreSQL connection string; when set, PostgreSQL is used instead of PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory (created if missing); ignored with databaseUrl. */
  dataDir?: string | undefined;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /**
   * PGlite's buffer cache (PostgreSQL's shared_buffers) in MB, default
   * DEFAULT_PGLITE_SHARED_BUFFERS_MB; ignored with databaseUrl (a server's settings are its own).
   */
  pgliteSharedBuffersMb?: number | undefined;
  /** PGlite's module and bundle, loaded beforehand (loadPgliteAssets); else PGlite loads them. */
  pgliteAssets?: PgliteAssets | undefined;
}

export interface Store {
  readonly kind: StoreKind;
  readonly db: Db;
  /** Where the data lives: the PGlite directory, or the PostgreSQL URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

/**
 * packages/db/drizzle, found through the package's name (its entry is src/index.ts) rather than
 * beside this file: the compiled server bundles this module into apps/server/dist/main.js, from
 * where the package name still resolves to this package.
 */
const migrationsFolder = join(
  dirname(createRequire(import.meta.url).resolve('@perihelion/db')),
  '../drizzle',
);

/**
 * Opens the store and brings its schema up to date (migrations are idempotent: each applies once,
 * recorded in drizzle's own table). PGlite when no URL is given, PostgreSQL otherwise.
 */
export async function openStore(opts: StoreOptions): Promise<Store> {
  return opts.databaseUrl
    ? openPostgres(opts.databaseUrl, opts.poolSize ?? 10)
    : openPglite(
        opts.dataDir,
        opts.pgliteSharedBuffersMb ?? DEFAULT_PGLITE_SHARED_BUFFERS_MB,
        opts.pgliteAssets,
      );
}

/**
 * PGlite's PostgreSQL runs inside the process, in one WebAssembly memory that never shrinks (pages
 * it has touched stay resident), so its settings are the server's memory. Measured (PGlite
 * 0.5.16, Node 20, data directory reopened, migrated, after 5,000 players' worth of small
 * writes and reads): with PGlite's defaults it cost ~265 MB RSS, its WebAssembly memory 189 MB,
 * mostly the 128 MB buffer cache initdb configures (shared_buffers) and ~20 MB of other shared
 * memory; at 16 MB it costs ~160 MB and the WebAssembly memory stays at the module's 128 MB
 * minimum (~30 MB of it touched at start) through the workload. The game's tables fit; a page
 * that does not is read back from the file (OS cache): random reads over a 49 MB table were
 * ~10-30% slower (noisy machine).
 */
export const DEFAULT_PGLITE_SHARED_BUFFERS_MB = 16;

/**
 * What PGlite's PostgreSQL starts with: PGlite's own arguments (startParams replaces them, so they
 * are kept) and these caps, given on the command line so they hold for existing data directories
 * too (postgresql.conf is left alone). Only memory settings change: fsync, WAL and everything
 * durability rests on stay as PGlite sets them.
 * - shared_buffers: the buffer cache, above. wal_buffers follows it (1/32: 512 kB at 16 MB).
 * - maintenance_work_mem (default 64 MB): what CREATE INDEX (a migration) or VACUUM may take,
 *   and keep resident afterwards: an index build over 400,000 rows left ~40 MB more resident at
 *   64 MB, ~16 MB at 16 MB.
 * work_mem (4 MB per sort or hash) and temp_buffers (8 MB, only with temporary tables, which the
 * project does not use) are left at their defaults; lowering max_connections (100, which only
 * sizes shared arrays here: PGlite is one backend) saved ~2 MB, not worth a smaller lock table.
 */
export function pgliteStartParams(sharedBuffersMb: number): string[] {
  if (!Number.isInteger(sharedBuffersMb) || sharedBuffersMb < 1 || sharedBuffersMb > 1024) {
    throw new Error(
      `PGlite shared buffers must be a whole number of MB from 1 to 1024, not ${sharedBuffersMb}`,
    );
  }
  return [
    ...PGlite.defaultStartParams,
    '-c',
    `shared_buffers=${sharedBuffersMb}MB`,
    '-c',
    'maintenance_work_mem=16MB',
  ];
}

async function openPglite(
  dataDir: string | undefined,
  sharedBuffersMb: number,
  assets: PgliteAssets | undefined,
): Promise<Store> {
  const startParams = pgliteStartParams(sharedBuffersMb);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  let client: PGlite;
  try {
    // A new directory's cluster is created in a child process (see initPgliteDir). Without a
    // directory PGlite keeps everything in memory (tests that need no durability) and runs initdb
    // in this process.
    if (dataDir) await initPgliteDir(dataDir, startParams);
    client = new PGlite({
      dataDir,
      startParams,
      ...(assets ? { pgliteWasmModule: assets.wasmModule, fsBundle: assets.fsBundle } : {}),
    });
    await client.waitReady;
  } catch (err) {
    unlock();
    throw err;
  }
  const db = drizzlePglite({ client, schema });
  try {
    await migratePglite(db, { migrationsFolder });
  } catch (err) {
    await client.close();
    unlock();
    throw err;
  }
  return {
    kind: 'pglite',
    db: db as unknown as Db,
    location: dataDir ?? '(in memory)',
    async close() {
      if (!client.closed) await client.close();
      unlock();
    },
  };
}

async function openPostgres(url: string, max: number): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max });
  // A client that loses its server (restart, failover, a killed backend) must not crash the
  // process: idle ones report through the pool, checked-out ones through their own listener (the
  // pool removes its listener while a client is out); the query in flight rejects instead.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzlePg({ client: pool, schema });
  try {
    await migrateExclusively(pool, () => migratePg(db, { migrationsFolder }));
  } catch (err) {
    await pool.end();
    throw err;
  }
  let closed = false;
  return {
    kind: 'postgres',
    db: db as unknown as Db,
    location: redact(url),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** An arbitrary constant: the advisory lock every Perihelion process takes to migrate. */
const MIGRATION_LOCK = 0x70657269;

/**
 * Several servers may start at once on one PostgreSQL database; drizzle's migrator takes no lock,
 * so two would race to create the same tables. A session advisory lock makes them take turns (the
 * second then finds every migration applied).
 */
async function migrateExclusively(pool: pg.Pool, migrate: () => Promise<void>): Promise<void> {
  const lockHolder = await pool.connect();
  try {
    await lockHolder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate();
    } finally {
      await lockHolder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    lockHolder.release();
  }
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
