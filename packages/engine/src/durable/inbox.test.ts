import { type TestStore, testStoreTargets } from '@perihelion/db/testing';
import { describe, expect, it } from 'vitest';
import { Inbox } from './inbox.js';
import {
  ConnectionRegistry,
  createPlayer,
  playerRow,
  quietLogger,
  RecordingConnection,
  range,
  suiteStore,
} from './test-support.js';

const targets = await testStoreTargets();

describe.each(targets)('Inbox on $name', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  let store: TestStore;

  suiteStore(target, (opened) => {
    store = opened;
  });

  function setup(opts: { window?: number } = {}) {
    const registry = new ConnectionRegistry();
    const inbox = new Inbox({
      db: store.db,
      logger: quietLogger(),
      connectionsOf: registry.connectionsOf,
      ...opts,
    });
    /** A connection as the gateway reports it: live first, then announced. */
    const connect = async (playerId: string, conn = new RecordingConnection()) => {
      registry.add(playerId, conn);
      await inbox.connected(playerId, conn);
      return conn;
    };
    const disconnect = (playerId: string, conn: RecordingConnection) => {
      registry.remove(playerId, conn.id);
      inbox.disconnected(conn.id);
    };
    const post = (playerId: string, text: string) => inbox.post(store.db, playerId, { kind: 'test', text });
    return { registry, inbox, connect, disconnect, post };
  }

  run('numbers each player’s notifications 1..n in order, independently per player', async () => {
    const { inbox, post } = setup();
    const [ada, bob] = [await createPlayer(store.db), await createPlayer(store.db)];
    const seqs: number[] = [];
    for (let i = 1; i <= 5; i++) {
      seqs.push(await post(ada, `a${i}`));
      if (i <= 3) seqs.push(await post(bob, `b${i}`));
    }
    expect(seqs).toEqual([1, 1, 2, 2, 3, 3, 4, 5]);
    const before = Date.now();
    await inbox.post(store.db, bob, { kind: 'build.done', text: 'done', data: { x: 1, nested: { y: [2] } } });
    const backlog = await inbox.unacknowledged(bob);
    expect(backlog.map((m) => [m.seq, m.text])).toEqual([
      [1, 'b1'],
      [2, 'b2'],
      [3, 'b3'],
      [4, 'done'],
    ]);
    expect(backlog[3]).toMatchObject({ kind: 'build.done', data: { x: 1, nested: { y: [2] } } });
    expect(backlog[0]!.data).toEqual({});
    expect(backlog[3]!.at).toBeGreaterThan(before - 60_000);
    expect((await playerRow(store.db, ada)).inboxSeq).toBe(5);
  });

  run('concurrent posts get distinct gap-free seqs; a rolled-back post leaves no gap', async () => {
    const { inbox, post } = setup();
    const ada = await createPlayer(store.db);
    await expect(
      store.db.transaction(async (tx) => {
        await inbox.post(tx, ada, { kind: 'test', text: 'lost' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const seqs = await Promise.all(
      range(1, 20).map((i) =>
        store.db.transaction((tx) => inbox.post(tx, ada, { kind: 'test', text: `m${i}` })),
      ),
    );
    expect([...seqs].sort((x, y) => x - y)).toEqual(range(1, 20));
    expect(await post(ada, 'last')).toBe(21);
    expect((await inbox.unacknowledged(ada)).map((m) => m.seq)).toEqual(range(1, 21));
  });

  run('refuses to post to a player that does not exist', async () => {
    const { post } = setup();
    await expect(post('p_nobody', 'hello')).rejects.toThrow('unknown player');
  });

  run('a new connection gets the backlog in order, then live flushes, never a seq twice', async () => {
    const { inbox, connect, post } = setup();
    const ada = await createPlayer(store.db);
    for (let i = 1; i <= 3; i++) await post(ada, `m${i}`);
    const conn = await connect(ada);
    expect(conn.seqs).toEqual([1, 2, 3]);
    expect(conn.received.map((m) => m.text)).toEqual(['m1', 'm2', 'm3']);

    await post(ada, 'm4');
    await inbox.flush(ada);
    expect(conn.seqs).toEqual([1, 2, 3, 4]);
    // Flushes and posts interleaved without waiting: still each seq once, in order.
    const pending: Promise<void>[] = [];
    for (let i = 5; i <= 30; i++) {
      await post(ada, `m${i}`);
      pending.push(inbox.flush(ada), inbox.flush(ada));
      if (i % 7 === 0) pending.push(inbox.connected(ada, conn));
    }
    await Promise.all(pending);
    await inbox.flush(ada);
    expect(conn.seqs).toEqual(range(1, 30));
  });

  run('delivers a backlog longer than a page, in order (window wider than the backlog)', async () => {
    const { inbox, connect } = setup({ window: 1000 });
    const ada = await createPlayer(store.db);
    await store.db.transaction(async (tx) => {
      for (let i = 1; i <= 250; i++) await inbox.post(tx, ada, { kind: 'test', text: `m${i}` });
    });
    const conn = await connect(ada);
    expect(conn.seqs).toEqual(range(1, 250));
  });

  run('a long backlog goes out a window at a time, the rest as acknowledgements arrive', async () => {
    const { inbox, connect, post } = setup();
    const ada = await createPlayer(store.db);
    await store.db.transaction(async (tx) => {
      for (let i = 1; i <= 120; i++) await inbox.post(tx, ada, { kind: 'test', text: `m${i}` });
    });
    const conn = await connect(ada);
    expect(conn.seqs).toEqual(range(1, 50));
    // Flushes and new posts do not open the window; only acknowledgements do.
    await post(ada, 'm121');
    await inbox.flush(ada);
    expect(conn.seqs).toEqual(range(1, 50));
    await inbox.ack(ada, 20);
    expect(conn.seqs).toEqual(range(1, 70));
    await inbox.ack(ada, 20); // a repeat moves nothing
    await inbox.ack(ada, 10); // neither does an older one
    expect(conn.seqs).toEqual(range(1, 70));
    await inbox.ack(ada, 70);
    expect(conn.seqs).toEqual(range(1, 120));
    await inbox.ack(ada, 120);
    expect(conn.seqs).toEqual(range(1, 121));
    expect((await playerRow(store.db, ada)).inboxAcked).toBe(120);
  });

  run('a client that acknowledges what it received drains any backlog, each seq once, in order', async () => {
    const { inbox, registry } = setup({ window: 7 });
    const ada = await createPlayer(store.db);
    await store.db.transaction(async (tx) => {
      for (let i = 1; i <= 120; i++) await inbox.post(tx, ada, { kind: 'test', text: `m${i}` });
    });
    // Like the SDK: one acknowledgement per batch received, of the highest seq so far.
    const conn = new RecordingConnection();
    registry.add(ada, conn);
    await inbox.connected(ada, conn);
    const acks: number[] = [];
    while (conn.received.length > 0 && acks.at(-1) !== conn.seqs.at(-1)) {
      acks.push(conn.seqs.at(-1)!);
      await inbox.ack(ada, acks.at(-1)!);
    }
    expect(conn.seqs).toEqual(range(1, 120));
    expect(acks).toEqual([...range(1, 17).map((i) => i * 7), 120]);
    expect(await inbox.unacknowledged(ada)).toEqual([]);
  });

  run('acks, flushes and posts racing each other: each seq once per connection, in order', async () => {
    const { inbox, connect, post } = setup({ window: 5 });
    const ada = await createPlayer(store.db);
    for (let i = 1; i <= 60; i++) await post(ada, `m${i}`);
    const [desk, phone] = [await connect(ada), await connect(ada)];
    const pending: Promise<unknown>[] = [];
    for (let round = 0; desk.seqs.length < 80 || phone.seqs.length < 80; round++) {
      const last = Math.max(desk.seqs.at(-1) ?? 0, phone.seqs.at(-1) ?? 0);
      // Not awaited together: stale and fresh acks, flushes and posts interleave freely.
      pending.push(inbox.ack(ada, last), inbox.ack(ada, last - 3), inbox.flush(ada));
      if (round < 20) pending.push(post(ada, `late${round}`).then(() => inbox.flush(ada)));
      await pending.at(-2);
    }
    await Promise.all(pending);
    expect(desk.seqs).toEqual(range(1, 80));
    expect(phone.seqs).toEqual(range(1, 80));
  });

  run(
    'a new connection’s window starts at the stored acknowledgement; acks open every connection',
    async () => {
      const { inbox, connect, disconnect, post } = setup({ window: 10 });
      const ada = await createPlayer(store.db);
      for (let i = 1; i <= 40; i++) await post(ada, `m${i}`);
      const first = await connect(ada);
      expect(first.seqs).toEqual(range(1, 10));
      await inbox.ack(ada, 5);
      expect(first.seqs).toEqual(range(1, 15));
      disconnect(ada, first);
      const [desk, phone] = [await connect(ada), await connect(ada)];
      expect(desk.seqs).toEqual(range(6, 15));
      expect(phone.seqs).toEqual(range(6, 15));
      await inbox.ack(ada, 15);
      expect(desk.seqs).toEqual(range(6, 25));
      expect(phone.seqs).toEqual(range(6, 25));
      // An acknowledgement stored by another process is learnt when a connection here starts.
      await new Inbox({ db: store.db, logger: quietLogger(), connectionsOf: () => [] }).ack(ada, 30);
      const tablet = await connect(ada);
      expect(tablet.seqs).toEqual(range(31, 40));
      expect(desk.seqs).toEqual(range(6, 25));
      await inbox.flush(ada);
      expect(desk.seqs).toEqual(range(6, 40));
      expect(first.seqs).toEqual(range(1, 15));
    },
  );

  run('a connection with nothing unacknowledged still gets what is posted while it connects', async () => {
    const { inbox, connect, post } = setup();
    const [ada, bob] = [await createPlayer(store.db), await createPlayer(store.db)];
    // Racing the connection's first read, either side of it.
    const [desk] = await Promise.all([connect(ada), post(ada, 'welcome').then(() => inbox.flush(ada))]);
    await inbox.flush(ada);
    expect(desk.seqs).toEqual([1]);
    for (let i = 1; i <= 3; i++) await post(bob, `m${i}`);
    await inbox.ack(bob, 3);
    const phone = await connect(bob);
    expect(phone.seqs).toEqual([]);
    await post(bob, 'm4');
    await inbox.flush(bob);
    expect(phone.seqs).toEqual([4]);
  });

  run('refuses a window that is not a positive integer', () => {
    for (const window of [0, -1, 2.5, Number.NaN]) expect(() => setup({ window })).toThrow('window');
  });

  run('every connection of a player gets each message once', async () => {
    const { inbox, connect, post } = setup();
    const ada = await createPlayer(store.db);
    await post(ada, 'm1');
    const [desk, phone] = [await connect(ada), await connect(ada)];
    await post(ada, 'm2');
    await Promise.all([inbox.flush(ada), inbox.flush(ada)]);
    expect(desk.seqs).toEqual([1, 2]);
    expect(phone.seqs).toEqual([1, 2]);
  });

  run('a connection first seen by a flush starts from the acknowledgement', async () => {
    const { inbox, registry, post } = setup();
    const ada = await createPlayer(store.db);
    for (let i = 1; i <= 3; i++) await post(ada, `m${i}`);
    await inbox.ack(ada, 1);
    const conn = new RecordingConnection();
    registry.add(ada, conn);
    await inbox.flush(ada);
    expect(conn.seqs).toEqual([2, 3]);
  });

  run('after an ack, a new connection gets only what is unacknowledged', async () => {
    const { inbox, connect, disconnect, post } = setup();
    const ada = await createPlayer(store.db);
    for (let i = 1; i <= 5; i++) await post(ada, `m${i}`);
    const first = await connect(ada);
    expect(first.seqs).toEqual([1, 2, 3, 4, 5]);
    await inbox.ack(ada, 3);
    disconnect(ada, first);
    await post(ada, 'm6');
    await inbox.flush(ada);
    expect(first.seqs).toEqual([1, 2, 3, 4, 5]);

    const second = await connect(ada);
    expect(second.seqs).toEqual([4, 5, 6]);
    expect((await inbox.unacknowledged(ada)).map((m) => m.seq)).toEqual([4, 5, 6]);
  });

  run('acknowledgements only move forward, never past inbox_seq; bad values are ignored', async () => {
    const { inbox, post } = setup();
    const ada = await createPlayer(store.db);
    for (let i = 1; i <= 5; i++) await post(ada, `m${i}`);
    await inbox.ack(ada, 100);
    expect((await playerRow(store.db, ada)).inboxAcked).toBe(5);
    await inbox.ack(ada, 2);
    expect((await playerRow(store.db, ada)).inboxAcked).toBe(5);
    await post(ada, 'm6');
    for (const bad of [-1, 5.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 40]) await inbox.ack(ada, bad);
    expect((await playerRow(store.db, ada)).inboxAcked).toBe(5);
    expect((await inbox.unacknowledged(ada)).map((m) => m.seq)).toEqual([6]);
    await inbox.ack('p_nobody', 3);
  });

  run('resends a message whose send threw on the next flush, without skipping or repeating', async () => {
    const { inbox, registry, post } = setup();
    const ada = await createPlayer(store.db);
    const conn = new RecordingConnection();
    let failOnce = true;
    const flaky = {
      id: conn.id,
      send(message: Parameters<RecordingConnection['send']>[0]) {
        if (message.seq === 2 && failOnce) {
          failOnce = false;
          throw new Error('socket buffer full');
        }
        conn.send(message);
      },
    };
    registry.add(ada, flaky);
    await inbox.connected(ada, flaky);
    for (let i = 1; i <= 3; i++) await post(ada, `m${i}`);
    await inbox.flush(ada);
    expect(conn.seqs).toEqual([1]);
    await inbox.flush(ada);
    expect(conn.seqs).toEqual([1, 2, 3]);
  });

  run('a connection that goes away mid-backlog is sent nothing more', async () => {
    const { inbox, registry, post } = setup();
    const ada = await createPlayer(store.db);
    for (let i = 1; i <= 5; i++) await post(ada, `m${i}`);
    const conn = new RecordingConnection();
    const closing = {
      id: conn.id,
      send(message: Parameters<RecordingConnection['send']>[0]) {
        conn.send(message);
        if (message.seq === 2) {
          registry.remove(ada, conn.id);
          inbox.disconnected(conn.id);
        }
      },
    };
    registry.add(ada, closing);
    await inbox.connected(ada, closing);
    await post(ada, 'm6');
    await inbox.flush(ada);
    expect(conn.seqs).toEqual([1, 2]);
  });
});
