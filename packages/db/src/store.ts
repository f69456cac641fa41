import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataDir } from './dir-lock.js';
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
}

export interface Store {
  readonly kind: StoreKind;
  readonly db: Db;
  /** Where the data lives: the PGlite directory, or the PostgreSQL URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

/**
 * Opens the store and brings its schema up to date (migrations are idempotent: each applies once,
 * recorded in drizzle's own table). PGlite when no URL is given, PostgreSQL otherwise.
 */
export async function openStore(opts: StoreOptions): Promise<Store> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize ?? 10) : openPglite(opts.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Store> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  // Without a directory PGlite keeps everything in memory (tests that need no durability).
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
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
