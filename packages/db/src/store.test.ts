import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { players } from './schema.js';
import { openStore } from './store.js';
import { testStoreTargets } from './testing.js';

const targets = await testStoreTargets();

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

    const second = await openStore({ dataDir });
    try {
      const rows = await second.db.select().from(players);
      expect(rows.map((r) => r.name)).toEqual(['Ada']);
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
