import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPgliteAssets } from './pglite-assets.js';
import { players } from './schema.js';
import { DEFAULT_PGLITE_SHARED_BUFFERS_MB, openStore, type Store } from './store.js';
import { testStoreTargets } from './testing.js';

const targets = await testStoreTargets();

/** A setting as PostgreSQL reports it, e.g. '16MB'. */
async function show(store: Store, setting: 'shared_buffers' | 'maintenance_work_mem'): Promise<string> {
  // Both drivers answer with { rows }; the shared Db type does not say so.
  const result = (await store.db.execute(sql.raw(`show ${setting}`))) as { rows: Record<string, unknown>[] };
  return String(result.rows[0]?.[setting]);
}

describe.each(targets)('store on $name', (target) => {
  it.skipIf(target.skipReason !== null)('migrates, writes and reads back', async () => {
    const store = await target.open();
    try {
      await store.db.insert(players).values({ id: 'p1', tokenHash: 'h1', name: 'Ada' });
      const [row] = await store.db.select().from(players).where(eq(players.id, 'p1'));
      expect(row?.name).toBe('Ada');
      expect(row?.inboxSeq).toBe(0);
    } finally {
      await store.destroy();
    }
  });
});

describe('PGlite data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perihelion-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created on first open, keeps data across reopening, and migrations apply only once', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const first = await openStore({ dataDir });
    await first.db.insert(players).values({ id: 'p1', tokenHash: 'h1', name: 'Ada' });
    await first.close();

    // Reopened as a restarting server does it: PGlite's module compiled beforehand.
    const second = await openStore({ dataDir, pgliteAssets: await loadPgliteAssets() });
    try {
      const rows = await second.db.select().from(players);
      expect(rows.map((r) => r.name)).toEqual(['Ada']);
      // The memory caps hold for a directory that already exists (command line, not its config).
      expect(await show(second, 'shared_buffers')).toBe(`${DEFAULT_PGLITE_SHARED_BUFFERS_MB}MB`);
      expect(await show(second, 'maintenance_work_mem')).toBe('16MB');
      // One process per directory: a second server on it is refused, naming the owner.
      await expect(openStore({ dataDir })).rejects.toThrow(`in use by process ${process.pid}`);
    } finally {
      await second.close();
    }
  });

  it('takes over the lock of a process that died without closing', async () => {
    const dataDir = join(dir, 'crashed');
    mkdirSync(dataDir, { recursive: true });
    // A pid far above Linux's pid_max: no such process can be alive.
    writeFileSync(`${dataDir}.lock`, '2147483000');
    const store = await openStore({ dataDir });
    await store.close();
  });
});

describe('PGlite memory', () => {
  // PGlite's PostgreSQL lives in the server's memory: its buffer cache is capped (PGlite's own
  // default, 128 MB, cost ~120 MB of RSS). See pgliteStartParams.
  it('caps the buffer cache and maintenance memory by default, in memory too', async () => {
    const store = await openStore({});
    try {
      expect(DEFAULT_PGLITE_SHARED_BUFFERS_MB).toBeLessThanOrEqual(16);
      expect(await show(store, 'shared_buffers')).toBe(`${DEFAULT_PGLITE_SHARED_BUFFERS_MB}MB`);
      expect(await show(store, 'maintenance_work_mem')).toBe('16MB');
    } finally {
      await store.close();
    }
  });

  it('takes the buffer cache size from the options, and refuses a nonsensical one', async () => {
    const store = await openStore({ pgliteSharedBuffersMb: 32 });
    try {
      expect(await show(store, 'shared_buffers')).toBe('32MB');
    } finally {
      await store.close();
    }
    await expect(openStore({ pgliteSharedBuffersMb: 0 })).rejects.toThrow('from 1 to 1024');
    await expect(openStore({ pgliteSharedBuffersMb: 1.5 })).rejects.toThrow('from 1 to 1024');
  });
});
