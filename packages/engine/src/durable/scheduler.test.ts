import { type TestStore, testStoreTargets } from '@perihelion/db/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createPlayer,
  eventually,
  NOTE,
  notificationsOf,
  SchedulerBench,
  suiteStore,
  timerRow,
  waitUntilPast,
} from './test-support.js';

const targets = await testStoreTargets();
const inFuture = (ms: number) => new Date(Date.now() + ms);

describe.each(targets)('DurableScheduler on $name', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  let store: TestStore;
  const bench = new SchedulerBench(() => store.db);
  const scheduler = bench.make.bind(bench);

  suiteStore(target, (opened) => {
    store = opened;
  });
  afterEach(async () => {
    if (store) await bench.reset();
  });

  run('fires a timer once at its due time, committing its handler’s writes with the claim', async () => {
    const { s, attempts, committed } = scheduler();
    await s.start();
    const playerId = await createPlayer(store.db);
    const dueAt = inFuture(300);
    const timer = await s.schedule(store.db, { kind: NOTE, dueAt, payload: { playerId } });
    expect(timer).not.toBeNull();
    const id = timer!.id;
    expect((await timerRow(store.db, id)).state).toBe('pending');
    expect(s.pendingArmed).toBe(1);

    await eventually(async () => expect((await timerRow(store.db, id)).state).toBe('done'));
    const row = await timerRow(store.db, id);
    expect(row).toMatchObject({ firedBy: 'node-a', attempts: 1, lastError: null });
    expect(row.firedAt!.getTime()).toBeGreaterThanOrEqual(dueAt.getTime());
    await eventually(() => expect(s.pendingArmed).toBe(0));
    await s.stop();
    expect(await notificationsOf(store.db, playerId)).toMatchObject([{ seq: 1, text: id }]);
    expect(attempts).toEqual([id]);
    expect(committed).toEqual([id]);
  });

  run('fires overdue timers at once when a new scheduler starts (after a restart)', async () => {
    const first = scheduler({ nodeId: 'old' });
    await first.s.start();
    const playerId = await createPlayer(store.db);
    const dueAt = inFuture(150);
    const { id } = (await first.s.schedule(store.db, { kind: NOTE, dueAt, payload: { playerId } }))!;
    await first.s.stop();
    expect(first.s.pendingArmed).toBe(0);
    await waitUntilPast(dueAt);
    expect((await timerRow(store.db, id)).state).toBe('pending');

    const second = scheduler({ nodeId: 'new', sweepMs: 60_000 });
    await second.s.start();
    await eventually(async () => expect((await timerRow(store.db, id)).state).toBe('done'));
    expect((await timerRow(store.db, id)).firedBy).toBe('new');
    expect(await notificationsOf(store.db, playerId)).toHaveLength(1);
    expect(first.attempts).toEqual([]);
  });

  run('arms far timers only when they come within the horizon, and timers stored by others', async () => {
    const { s, committed } = scheduler({ horizonMs: 300, sweepMs: 25 });
    const other = scheduler({ nodeId: 'never-started' });
    await s.start();
    const playerId = await createPlayer(store.db);
    const far = (await s.schedule(store.db, { kind: NOTE, dueAt: inFuture(900), payload: { playerId } }))!;
    expect(s.pendingArmed).toBe(0);
    // Stored through a scheduler that is not running, as another process would.
    const foreign = (await other.s.schedule(store.db, {
      kind: NOTE,
      dueAt: inFuture(100),
      payload: { playerId },
    }))!;
    await eventually(() => expect(committed.sort()).toEqual([far.id, foreign.id].sort()));
    expect(await notificationsOf(store.db, playerId)).toHaveLength(2);
  });

  run('cancel before the due time wins; the timer never fires', async () => {
    const { s, attempts } = scheduler();
    await s.start();
    const playerId = await createPlayer(store.db);
    const dueAt = inFuture(150);
    const { id } = (await s.schedule(store.db, { kind: NOTE, dueAt, payload: { playerId } }))!;
    expect(await s.cancel(store.db, id)).toBe(true);
    expect(await s.cancel(store.db, id)).toBe(false);
    await waitUntilPast(dueAt);
    // The local timeout elapsed and its claim found nothing.
    await eventually(() => expect(s.pendingArmed).toBe(0));
    expect((await timerRow(store.db, id)).state).toBe('cancelled');
    expect(attempts).toEqual([]);
    expect(await notificationsOf(store.db, playerId)).toEqual([]);
  });

  run('a cancel racing a fire: exactly one wins, for every timer', async () => {
    const { s, committed } = scheduler();
    await s.start();
    const playerId = await createPlayer(store.db);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const t = await s.schedule(store.db, { kind: NOTE, dueAt: inFuture(i % 3), payload: { playerId } });
      ids.push(t!.id);
    }
    const cancelled = await Promise.all(ids.map((id) => s.cancel(store.db, id)));
    await eventually(() => expect(s.pendingArmed).toBe(0));
    const posted = new Set((await notificationsOf(store.db, playerId)).map((n) => n.text));
    for (const [i, id] of ids.entries()) {
      const row = await timerRow(store.db, id);
      expect(row.state).toBe(cancelled[i] ? 'cancelled' : 'done');
      expect(posted.has(id)).toBe(!cancelled[i]);
    }
    expect(posted.size).toBe(cancelled.filter((c) => !c).length);
    expect(committed.sort()).toEqual([...posted].sort());
  });

  run('a timer that has fired cannot be cancelled', async () => {
    const { s, committed } = scheduler();
    await s.start();
    const playerId = await createPlayer(store.db);
    const { id } = (await s.schedule(store.db, { kind: NOTE, dueAt: new Date(), payload: { playerId } }))!;
    await eventually(() => expect(committed).toEqual([id]));
    expect(await s.cancel(store.db, id)).toBe(false);
    expect((await timerRow(store.db, id)).state).toBe('done');
  });

  run('a handler that throws is retried and its effect happens exactly once', async () => {
    const { s, attempts, committed } = scheduler({ retryBaseMs: 40 }, (t) => t.attempts === 1);
    await s.start();
    const playerId = await createPlayer(store.db);
    const { id } = (await s.schedule(store.db, { kind: NOTE, dueAt: new Date(), payload: { playerId } }))!;
    await eventually(async () => expect((await timerRow(store.db, id)).state).toBe('done'));
    const row = await timerRow(store.db, id);
    expect(row.attempts).toBe(2);
    expect(row.lastError).toContain('planned failure');
    expect(attempts).toEqual([id, id]);
    expect(committed).toEqual([id]);
    // The first attempt's post was rolled back with it: one notification, and it is seq 1.
    expect((await notificationsOf(store.db, playerId)).map((n) => n.seq)).toEqual([1]);
  });

  run('gives up as failed after maxAttempts, with no effect committed', async () => {
    const { s, attempts, committed } = scheduler({ retryBaseMs: 10, maxAttempts: 3 }, () => true);
    await s.start();
    const playerId = await createPlayer(store.db);
    const { id } = (await s.schedule(store.db, { kind: NOTE, dueAt: new Date(), payload: { playerId } }))!;
    await eventually(async () => expect((await timerRow(store.db, id)).state).toBe('failed'));
    await eventually(() => expect(s.pendingArmed).toBe(0));
    expect((await timerRow(store.db, id)).attempts).toBe(3);
    expect(attempts).toEqual([id, id, id]);
    expect(committed).toEqual([]);
    expect(await notificationsOf(store.db, playerId)).toEqual([]);
  });

  run('a timer of a kind nobody handles is retried, then failed', async () => {
    const { s } = scheduler({ retryBaseMs: 10, maxAttempts: 2 });
    await s.start();
    const { id } = (await s.schedule(store.db, { kind: 'test.unknown', dueAt: new Date(), payload: {} }))!;
    await eventually(async () => expect((await timerRow(store.db, id)).state).toBe('failed'));
    const row = await timerRow(store.db, id);
    expect(row.attempts).toBe(2);
    expect(row.lastError).toContain("no handler for timer kind 'test.unknown'");
  });

  run('keeps at most one pending timer per key', async () => {
    const { s, committed } = scheduler();
    await s.start();
    const playerId = await createPlayer(store.db);
    const spec = { kind: NOTE, key: `k-${playerId}`, payload: { playerId } };
    const first = await s.schedule(store.db, { ...spec, dueAt: inFuture(60_000) });
    expect(first).not.toBeNull();
    expect(await s.schedule(store.db, { ...spec, dueAt: inFuture(10) })).toBeNull();
    // Once the pending one is gone (cancelled, or fired) the key is free again.
    expect(await s.cancel(store.db, first!.id)).toBe(true);
    const second = await s.schedule(store.db, { ...spec, dueAt: new Date() });
    expect(second).not.toBeNull();
    await eventually(() => expect(committed).toEqual([second!.id]));
    expect(await s.schedule(store.db, { ...spec, dueAt: inFuture(60_000) })).not.toBeNull();
  });

  run('a schedule in a transaction that rolls back never fires', async () => {
    const { s, attempts } = scheduler();
    await s.start();
    const playerId = await createPlayer(store.db);
    let id = '';
    await expect(
      store.db.transaction(async (tx) => {
        id = (await s.schedule(tx, { kind: NOTE, dueAt: new Date(), payload: { playerId } }))!.id;
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await eventually(() => expect(s.pendingArmed).toBe(0));
    await expect(timerRow(store.db, id)).rejects.toThrow('no timer');
    expect(attempts).toEqual([]);
  });
});
