import type { Db } from '@perihelion/db';
import { type TestStore, testStoreTargets } from '@perihelion/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inbox } from './inbox.js';
import { DurableScheduler } from './scheduler.js';
import {
  createPlayer,
  eventually,
  NOTE,
  notificationsOf,
  OPEN_GUARD_MS,
  postingHandler,
  quietLogger,
  range,
  secondHandle,
  timerRow,
} from './test-support.js';

const targets = await testStoreTargets();

/**
 * Two schedulers as two processes would run them: on PostgreSQL each with its own pool on the same
 * database, so claims really race on separate connections; on PGlite (one connection) both on the
 * same store, so their transactions interleave.
 */
describe.each(targets)('two DurableSchedulers on one $name database', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  let store: TestStore;
  let other: { db: Db; close(): Promise<void> };

  beforeAll(async () => {
    if (target.skipReason !== null) return;
    store = await target.open();
    other = await secondHandle(store);
  }, OPEN_GUARD_MS);
  afterAll(async () => {
    await other?.close();
    await store?.destroy();
  });

  function node(db: Db, nodeId: string) {
    const inbox = new Inbox({ db, logger: quietLogger(), connectionsOf: () => [] });
    const s = new DurableScheduler({ db, nodeId, logger: quietLogger(), sweepMs: 20, concurrency: 8 });
    const effects = postingHandler(inbox);
    s.on(NOTE, effects.handler);
    return { s, ...effects };
  }

  run('fire every one of 50 due timers exactly once between them', async () => {
    const a = node(store.db, 'node-a');
    const b = node(other.db, 'node-b');
    const playerId = await createPlayer(store.db);
    const ids: string[] = [];
    // Half already overdue (both load them at start), half falling due while both run (armed by
    // the scheduling node at once and by the other's sweep).
    for (let i = 0; i < 25; i++) {
      ids.push(
        (await a.s.schedule(store.db, {
          kind: NOTE,
          dueAt: new Date(Date.now() - 1000),
          payload: { playerId },
        }))!.id,
      );
    }
    try {
      await Promise.all([a.s.start(), b.s.start()]);
      for (let i = 0; i < 25; i++) {
        const by = i % 2 === 0 ? a : b;
        const db = by === a ? store.db : other.db;
        const dueAt = new Date(Date.now() + 50 + (i % 5) * 10);
        ids.push((await by.s.schedule(db, { kind: NOTE, dueAt, payload: { playerId } }))!.id);
      }
      await eventually(async () => {
        for (const id of ids) expect((await timerRow(store.db, id)).state).toBe('done');
      });
      await eventually(() => expect(a.s.pendingArmed + b.s.pendingArmed).toBe(0));
    } finally {
      await Promise.all([a.s.stop(), b.s.stop()]);
    }

    const posted = await notificationsOf(store.db, playerId);
    expect(posted).toHaveLength(50);
    expect(posted.map((n) => n.text).sort()).toEqual([...ids].sort());
    // The effects serialized on the player's row: sequence numbers 1..50, no gaps, no repeats.
    expect(posted.map((n) => n.seq)).toEqual(range(1, 50));
    expect([...a.committed, ...b.committed].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const row = await timerRow(store.db, id);
      expect(row.attempts).toBe(1);
      expect(['node-a', 'node-b']).toContain(row.firedBy);
    }
  });
});
