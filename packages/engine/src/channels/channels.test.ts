import { type TestStore, testStoreTargets } from '@perihelion/db/testing';
import { describe, expect, it } from 'vitest';
import { createPlayer, eventually, range, suiteStore } from '../durable/test-support.js';
import { randomId } from '../ids.js';
import type { ChannelConfig } from './channels.js';
import { CountingFanout, openHub, principal, type RecordingChat, refusal } from './test-support.js';

const targets = await testStoreTargets();

describe.each(targets)('Channels on $name', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  let store: TestStore;
  suiteStore(target, (opened) => {
    store = opened;
  });

  /** A hub with channel names of its own (the store is shared by the file's tests). */
  const setup = (overrides: Partial<ChannelConfig> = {}) => openHub(store.db, overrides);

  run('a subscribe without an offset gets the ack, then the recent history, then live messages', async () => {
    const { channels, pub, connect, subscribe, publish, postMany } = setup();
    await postMany(pub, 130);
    const ada = await connect(principal(await createPlayer(store.db)));
    expect(ada.directory()).toContain(pub);
    const ack = await subscribe(ada, pub);
    expect(ack).toMatchObject({
      ok: true,
      kind: 'public',
      head: 130,
      retainedFrom: 1,
      gap: false,
      readUpTo: 0,
    });
    await eventually(() => expect(ada.offsets(pub)).toEqual(range(31, 130)));
    const ackAt = ada.log.findIndex((e) => e.event === 'ack');
    expect(ada.log.findIndex((e) => e.event === 'channel:messages')).toBeGreaterThan(ackAt);
    const sent = await publish(ada, pub, 'hello');
    expect(sent.offset).toBe(131);
    await eventually(() => expect(ada.offsets(pub).at(-1)).toBe(131));
    expect(ada.messages(pub).at(-1)).toMatchObject({ text: 'hello', sender: { id: ada.principal.playerId } });
    channels.close();
  });

  run(
    'resubscribing with an offset replays exactly what is missing; concurrent publishes arrive once, in order',
    async () => {
      const { channels, pub, connect, subscribe, publish, postMany } = setup();
      const [adaId, bobId] = [await createPlayer(store.db), await createPlayer(store.db)];
      const ada = await connect(principal(adaId));
      const bob = await connect(principal(bobId));
      await subscribe(ada, pub);
      await subscribe(bob, pub);
      await postMany(pub, 3);
      await eventually(() => expect(ada.offsets(pub)).toEqual([1, 2, 3]));
      channels.disconnected(ada.id);
      await postMany(pub, 4);
      const back = await connect(principal(adaId));
      const ack = await subscribe(back, pub, 3);
      expect(ack).toMatchObject({ ok: true, head: 7, gap: false });
      await eventually(() => expect(back.offsets(pub)).toEqual([4, 5, 6, 7]));
      // Many writers at once, while a third connection subscribes in the middle of it.
      const carl = await connect(principal(await createPlayer(store.db)));
      const writes = range(1, 30).map((i) => publish(i % 2 ? back : bob, pub, `c${i}`));
      const late = subscribe(carl, pub, 7);
      await Promise.all([...writes, late]);
      const all = range(1, 37);
      await eventually(() => expect(bob.offsets(pub)).toEqual(all));
      await eventually(() => expect(back.offsets(pub)).toEqual(range(4, 37)));
      await eventually(() => expect(carl.offsets(pub)).toEqual(range(8, 37)));
      channels.close();
    },
  );

  run(
    'an offset older than the retained history is a gap: the ack says so and the recent history follows',
    async () => {
      const { channels, pub, connect, subscribe, postMany } = setup({ retention: 5 });
      await postMany(pub, 12);
      const ada = await connect(principal(await createPlayer(store.db)));
      await eventually(async () =>
        expect((await channels.history(pub)).messages.map((m) => m.offset)).toEqual(range(8, 12)),
      );
      expect(await subscribe(ada, pub, 2)).toMatchObject({ head: 12, retainedFrom: 8, gap: true });
      await eventually(() => expect(ada.offsets(pub)).toEqual(range(8, 12)));
      const bob = await connect(principal(await createPlayer(store.db)));
      expect(await subscribe(bob, pub, 7)).toMatchObject({ retainedFrom: 8, gap: false });
      await eventually(() => expect(bob.offsets(pub)).toEqual(range(8, 12)));
      // An offset beyond the head (the store was reset) is a gap too.
      const carl = await connect(principal(await createPlayer(store.db)));
      expect(await subscribe(carl, pub, 40)).toMatchObject({ gap: true });
      await eventually(() => expect(carl.offsets(pub)).toEqual(range(8, 12)));
      channels.close();
    },
  );

  run('history and post: the system sender, after/limit, unknown channels and players', async () => {
    const { channels, ro, postMany } = setup();
    await postMany(ro, 3);
    const posted = await channels.post(ro, {
      text: 'maintenance at noon',
      senderName: 'Ops',
      data: { level: 2 },
    });
    expect(posted.offset).toBe(4);
    const all = await channels.history(ro);
    expect(all).toMatchObject({ head: 4, retainedFrom: 1 });
    expect(all.messages.at(-1)).toMatchObject({
      offset: 4,
      sender: { id: 'system', name: 'Ops' },
      text: 'maintenance at noon',
      data: { level: 2 },
    });
    expect(all.messages[0]!.sender).toEqual({ id: 'system', name: 'Server' });
    expect((await channels.history(ro, { after: 1, limit: 2 })).messages.map((m) => m.offset)).toEqual([
      2, 3,
    ]);
    expect((await channels.history(ro, { limit: 2 })).messages.map((m) => m.offset)).toEqual([3, 4]);
    expect(await refusal(channels.history('nowhere'))).toBe('NOT_FOUND');
    expect(await refusal(channels.post('nowhere', { text: 'x' }))).toBe('NOT_FOUND');
    expect(await refusal(channels.post(ro, { text: '   ' }))).toBe('BAD_MESSAGE');
    const ada = await createPlayer(store.db);
    expect(await refusal(channels.post(`dm:${ada}:zz-nobody`, { text: 'hi' }))).toBe('NOT_FOUND');
    channels.close();
  });

  run(
    'permissions hold in the hub: read-only, teams, direct pairs, and the sender is the principal',
    async () => {
      const { channels, ro, connect, subscribe, publish } = setup();
      const [adaId, bobId, carlId] = [
        await createPlayer(store.db),
        await createPlayer(store.db),
        await createPlayer(store.db),
      ];
      const ada = await connect(principal(adaId, 'player', 'Ada'));
      const root = await connect(principal(carlId, 'admin', 'Root'));
      expect(await refusal(publish(ada, ro, 'hi all'))).toBe('FORBIDDEN');
      expect((await publish(root, ro, 'hi all')).offset).toBe(1);
      const team = `team:${randomId('t', 4)}`;
      await channels.addMember(team, bobId);
      expect(await subscribe(ada, team)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await refusal(publish(ada, team, 'psst'))).toBe('FORBIDDEN');
      const pair = bobId < carlId ? `dm:${bobId}:${carlId}` : `dm:${carlId}:${bobId}`;
      expect(await subscribe(ada, pair)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      // Carl (the admin) is one of the pair: he reads it as a participant, not as an admin.
      expect(await subscribe(root, pair)).toMatchObject({ ok: true });
      expect(await subscribe(ada, 'no-such-channel')).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
      expect(await refusal(publish(ada, 'no-such-channel', 'x'))).toBe('NOT_FOUND');
      const stored = (await channels.history(ro)).messages[0]!;
      expect(stored.sender).toEqual({ id: carlId, name: 'Root' });
      channels.close();
    },
  );

  run('two connections of a player are one presence; leaving with the last one is announced', async () => {
    const { channels, pub, connect, subscribe } = setup();
    const [adaId, bobId] = [await createPlayer(store.db), await createPlayer(store.db)];
    const bob = await connect(principal(bobId, 'player', 'Bob'));
    await subscribe(bob, pub);
    const bobEntry = { id: bobId, name: 'Bob' };
    const adaEntry = { id: adaId, name: 'Ada' };
    await eventually(() =>
      expect(bob.events('presence')).toEqual([{ channel: pub, joined: [bobEntry], left: [], count: 1 }]),
    );
    const tab1 = await connect(principal(adaId, 'player', 'Ada'));
    const tab2 = await connect(principal(adaId, 'player', 'Ada'));
    await subscribe(tab1, pub);
    await subscribe(tab2, pub);
    expect(channels.presence(pub)).toHaveLength(2);
    expect(channels.presenceCount(pub)).toBe(2);
    // Both tabs joined within one batch: one join of one player, to everyone, tabs included.
    await eventually(() => expect(bob.events('presence')).toHaveLength(2));
    const joined = { channel: pub, joined: [adaEntry], left: [], count: 2 };
    expect(bob.events('presence')[1]).toEqual(joined);
    await eventually(() => expect(tab1.events('presence')).toEqual([joined]));
    expect(tab2.events('presence')).toEqual([joined]);
    // A later answer carries the announced list.
    const ack = await subscribe(tab2, pub);
    expect(ack.ok && [ack.presence, ack.presenceCount]).toEqual([[bobEntry, adaEntry], 2]);

    channels.disconnected(tab1.id);
    channels.unsubscribe(tab2.id, pub);
    await eventually(() =>
      expect(bob.events('presence').at(-1)).toEqual({ channel: pub, joined: [], left: [adaId], count: 1 }),
    );
    expect(bob.events('presence')).toHaveLength(3);
    expect(channels.presence(pub)).toEqual([bobEntry]);
    channels.close();
  });

  run('a live message is one broadcast however many subscribe, each offset once per connection', async () => {
    const fanout = new CountingFanout();
    const { channels, pub, connect, subscribe, publish, postMany } = setup();
    channels.useFanout(fanout);
    await postMany(pub, 3);
    const readers: RecordingChat[] = [];
    for (const i of range(1, 40)) {
      const reader = await connect(principal(`reader-${i}`));
      await subscribe(reader, pub, i % 2 === 0 ? 1 : undefined);
      readers.push(reader);
    }
    for (const reader of readers) await eventually(() => expect(reader.offsets(pub).at(-1)).toBe(3));
    const before = fanout.messageEmits;
    await publish(readers[0]!, pub, 'to everyone');
    await eventually(() => {
      for (const reader of readers) expect(reader.offsets(pub).at(-1)).toBe(4);
    });
    expect(fanout.messageEmits - before).toBe(1);
    for (const [i, reader] of readers.entries()) {
      expect(reader.offsets(pub)).toEqual(i % 2 === 1 ? [2, 3, 4] : [1, 2, 3, 4]);
    }
    channels.close();
  });

  run(
    'a first direct message puts the conversation in the recipient’s directory, with the peer',
    async () => {
      const { channels, connect, subscribe, publish } = setup();
      const [adaId, bobId] = [await createPlayer(store.db), await createPlayer(store.db)];
      const ada = await connect(principal(adaId));
      const bob = await connect(principal(bobId));
      const pair = adaId < bobId ? `dm:${adaId}:${bobId}` : `dm:${bobId}:${adaId}`;
      expect(bob.directory()).not.toContain(pair);
      await publish(ada, pair, 'hi bob');
      await eventually(() => expect(bob.directory()).toContain(pair));
      expect(
        bob
          .events('channels')
          .at(-1)!
          .channels.find((c) => c.name === pair),
      ).toEqual({
        name: pair,
        kind: 'direct',
        peer: { id: adaId, name: adaId },
      });
      await eventually(() => expect(ada.directory()).toContain(pair));
      await subscribe(bob, pair);
      await eventually(() => expect(bob.messages(pair).map((m) => m.text)).toEqual(['hi bob']));
      channels.close();
    },
  );

  run('a directory change closes what the player may no longer read and lists the new sector', async () => {
    const { channels, sectors, connect, subscribe, postMany } = setup();
    const adaId = await createPlayer(store.db);
    const [alpha, beta] = [`sector:${randomId('a', 4)}`, `sector:${randomId('b', 4)}`];
    sectors.set(adaId, alpha.slice(7));
    const ada = await connect(principal(adaId));
    expect(ada.directory()).toContain(alpha);
    expect(await subscribe(ada, alpha)).toMatchObject({ ok: true, kind: 'sector' });
    expect(await subscribe(ada, beta)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    sectors.set(adaId, beta.slice(7));
    channels.directoryChanged(adaId);
    await eventually(() => expect(ada.directory()).toContain(beta));
    expect(ada.directory()).not.toContain(alpha);
    await eventually(() =>
      expect(ada.events('channel:closed')).toEqual([
        { channel: alpha, reason: expect.objectContaining({ code: 'FORBIDDEN' }) },
      ]),
    );
    await postMany(alpha, 2);
    expect(ada.offsets(alpha)).toEqual([]);
    channels.close();
  });

  run(
    'team members: added and removed by the server, only for private channels and real players',
    async () => {
      const { channels, pub, connect, subscribe } = setup();
      const adaId = await createPlayer(store.db);
      const team = `team:${randomId('t', 4)}`;
      const ada = await connect(principal(adaId));
      expect(await refusal(channels.addMember(pub, adaId))).toBe('BAD_MESSAGE');
      expect(await refusal(channels.addMember(team, 'nobody-here'))).toBe('NOT_FOUND');
      await channels.addMember(team, adaId);
      await eventually(() => expect(ada.directory()).toContain(team));
      expect(await subscribe(ada, team)).toMatchObject({ ok: true, kind: 'private' });
      await channels.removeMember(team, adaId);
      await eventually(() => expect(ada.events('channel:closed').map((c) => c.channel)).toEqual([team]));
      expect(ada.directory()).not.toContain(team);
      channels.close();
    },
  );

  run(
    'publishes are rate-limited per player across connections; read marks come back in the ack',
    async () => {
      const { channels, pub, connect, subscribe, publish } = setup({
        publishRate: { perSecond: 0.001, burst: 3 },
      });
      const adaId = await createPlayer(store.db);
      const [tab1, tab2] = [await connect(principal(adaId)), await connect(principal(adaId))];
      await publish(tab1, pub, 'one');
      await publish(tab2, pub, 'two');
      await publish(tab1, pub, 'three');
      expect(await refusal(publish(tab2, pub, 'four'))).toBe('RATE_LIMITED');
      await subscribe(tab1, pub);
      await eventually(() => expect(tab1.offsets(pub)).toEqual([1, 2, 3]));
      await channels.markRead(tab1.id, { channel: pub, upTo: 99 });
      expect(await subscribe(tab2, pub)).toMatchObject({ readUpTo: 3 });
      channels.close();
    },
  );
});
