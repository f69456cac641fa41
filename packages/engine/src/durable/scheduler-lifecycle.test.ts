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

describe.each(targets)('DurableScheduler lifecycle on $name', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  let store: TestStore;
  const bench = new SchedulerBench(() => store.db);

  suiteStore(target, (opened) => {
    store = opened;
  });
  afterEach(async () => {
    if (store) await bench.reset();
  });

  run('stop() is idempotent, nothing fires after it, and a stopped scheduler stays stopped', async () => {
    const { s, attempts } = bench.make();
    await s.start();
    const playerId = await createPlayer(store.db);
    const dueAt = inFuture(100);
    const { id } = (await s.schedule(store.db, { kind: NOTE, dueAt, payload: { playerId } }))!;
    await Promise.all([s.stop(), s.stop()]);
    await s.stop();
    expect(s.pendingArmed).toBe(0);
    await waitUntilPast(new Date(dueAt.getTime() + 100));
    expect(attempts).toEqual([]);
    expect((await timerRow(store.db, id)).state).toBe('pending');
    await expect(s.start()).rejects.toThrow('cannot be started again');
  });

  run('stop() waits for a fire in flight, which then commits', async () => {
    const { s } = bench.make();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = false;
    s.on('test.slow', async () => {
      entered = true;
      await gate;
    });
    await s.start();
    const { id } = (await s.schedule(store.db, { kind: 'test.slow', dueAt: new Date(), payload: {} }))!;
    await eventually(() => expect(entered).toBe(true));
    let stopped = false;
    const stopping = s.stop().then(() => {
      stopped = true;
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stopped).toBe(false);
    } finally {
      release(); // also when the expectation failed, so the fire (and the suite) can finish
    }
    await stopping;
    expect((await timerRow(store.db, id)).state).toBe('done');
  });

  run('an after-commit callback that throws is contained; the timer stays done', async () => {
    const { s, committed } = bench.make();
    s.on('test.echo-fails', async () => () => {
      throw new Error('push failed');
    });
    await s.start();
    const playerId = await createPlayer(store.db);
    const bad = (await s.schedule(store.db, { kind: 'test.echo-fails', dueAt: new Date(), payload: {} }))!;
    const good = (await s.schedule(store.db, { kind: NOTE, dueAt: new Date(), payload: { playerId } }))!;
    await eventually(() => expect(committed).toEqual([good.id]));
    await eventually(async () => expect((await timerRow(store.db, bad.id)).state).toBe('done'));
    expect((await timerRow(store.db, bad.id)).attempts).toBe(1);
    expect(await notificationsOf(store.db, playerId)).toHaveLength(1);
  });

  run('refuses handlers registered twice or after start()', async () => {
    const { s } = bench.make();
    expect(() => s.on(NOTE, async () => {})).toThrow('registered twice');
    await s.start();
    expect(() => s.on('test.late', async () => {})).toThrow('after start()');
  });
});
