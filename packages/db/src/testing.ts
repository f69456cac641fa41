import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from './store.js';

/**
 * Test support: every suite that needs a store runs against both real drivers. PGlite always
 * runs (in memory); PostgreSQL runs when TEST_DATABASE_URL points at a reachable server, each test
 * file in a database of its own, dropped afterwards.
 */
export interface TestStoreTarget {
  name: 'pglite' | 'postgres';
  /** Why this target is skipped, or null when it runs. */
  skipReason: string | null;
  /** A fresh, migrated, empty store (a new database each call). */
  open(): Promise<TestStore>;
}

export interface TestStore extends Store {
  /** Closes the store and removes its data. */
  destroy(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? '';

/**
 * Probes PostgreSQL once; the reason is printed so a skipped suite says why. Where the services
 * are required (CI sets PERIHELION_REQUIRE_SERVICES=1) an unreachable server is an error instead.
 */
export async function postgresSkipReason(url: string = TEST_DATABASE_URL): Promise<string | null> {
  const reason = await probePostgres(url);
  if (reason && process.env.PERIHELION_REQUIRE_SERVICES === '1') {
    throw new Error(`PostgreSQL is required here (PERIHELION_REQUIRE_SERVICES=1) but: ${reason}`);
  }
  return reason;
}

async function probePostgres(url: string): Promise<string | null> {
  if (!url) return 'TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return `PostgreSQL at TEST_DATABASE_URL is not reachable: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates an empty database next to the one in `url` and returns its URL and a dropper. */
export async function createScratchDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `perihelion_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return {
    url: scratch.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Both drivers; call at module level and use with describe.skipIf / describe.each. */
export async function testStoreTargets(): Promise<TestStoreTarget[]> {
  const pgReason = await postgresSkipReason();
  if (pgReason) console.warn(`[skip] PostgreSQL store tests: ${pgReason}`);
  return [
    {
      name: 'pglite',
      skipReason: null,
      async open() {
        const store = await openStore({});
        return { ...store, close: () => store.close(), destroy: () => store.close() };
      },
    },
    {
      name: 'postgres',
      skipReason: pgReason,
      async open() {
        const scratch = await createScratchDatabase(TEST_DATABASE_URL);
        const store = await openStore({ databaseUrl: scratch.url, poolSize: 4 });
        return {
          ...store,
          close: () => store.close(),
          async destroy() {
            await store.close();
            await scratch.drop();
          },
        };
      },
    },
  ];
}
