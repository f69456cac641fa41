import { channelMembers, type Db } from '@perihelion/db';
import { type TestStore, testStoreTargets } from '@perihelion/db/testing';
import { describe, expect, it } from 'vitest';
import { createPlayer, eventually, suiteStore } from '../durable/test-support.js';
import { randomId } from '../ids.js';
import type { ChannelConfig, ChannelsOptions } from './channels.js';
import { openHub, principal, refusal } from './test-support.js';

/*
 * The hub's limits and the edges of its permissions: retries, rate, caps, direct conversations,
 * sectors not known yet, read-only presence.
 */

const targets = await testStoreTargets();

/** The database, except that inserting channel members fails while `failing()` says so. */
function failingMemberInserts(db: Db, failing: () => boolean): Db {
  return new Proxy(db, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop === 'insert') {
        return (table: unknown) => {
          if (table === channelMembers && failing()) throw new Error('channel_members is unavailable');
          return target.insert(table as typeof channelMembers);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe.each(targets)('Channels limits on $name', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  let store: TestStore;
  suiteStore(target, (opened) => {
    store = opened;
  });

  const setup = (overrides: Partial<ChannelConfig> = {}, options: Partial<ChannelsOptions> = {}) =>
    openHub(store.db, overrides, options);

  run('a retried publish is answered with its stored offset and costs no publish token', async () => {
    const { channels, pub, connect } = setup({ publishRate: { perSecond: 0.001, burst: 2 } });
    const ada = await connect(principal(await createPlayer(store.db)));
    const send = (nonce: string) => channels.publish(ada.id, { channel: pub, text: `t-${nonce}`, nonce });
    expect((await send('a')).offset).toBe(1);
    expect((await send('b')).offset).toBe(2);
    // The bucket is empty now, but a retry of a stored message is no new message.
    expect((await send('b')).offset).toBe(2);
    expect((await send('a')).offset).toBe(1);
    expect(await refusal(send('c'))).toBe('RATE_LIMITED');
    expect((await channels.history(pub)).head).toBe(2);
    channels.close();
  });

  run('reconnecting does not refill the publish burst', async () => {
    const { channels, pub, connect, publish } = setup({ publishRate: { perSecond: 0.001, burst: 2 } });
    const adaId = await createPlayer(store.db);
    const first = await connect(principal(adaId));
    await publish(first, pub, 'one');
    await publish(first, pub, 'two');
    expect(await refusal(publish(first, pub, 'three'))).toBe('RATE_LIMITED');
    channels.disconnected(first.id);
    const again = await connect(principal(adaId));
    expect(await refusal(publish(again, pub, 'three'))).toBe('RATE_LIMITED');
    channels.close();
  });

  run('a direct message is never stored without both players recorded as its members', async () => {
    let failing = true;
    const { channels, connect } = setup({}, { db: failingMemberInserts(store.db, () => failing) });
    const [adaId, bobId] = [await createPlayer(store.db), await createPlayer(store.db)];
    const ada = await connect(principal(adaId));
    const bob = await connect(principal(bobId));
    const pair = adaId < bobId ? `dm:${adaId}:${bobId}` : `dm:${bobId}:${adaId}`;
    const failed = await channels.publish(ada.id, { channel: pair, text: 'hi', nonce: 'd1' }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(Error);
    expect((await channels.history(pair)).head).toBe(0);
    await expect(channels.post(pair, { text: 'from the server' })).rejects.toThrow();
    expect((await channels.history(pair)).head).toBe(0);
    failing = false;
    expect((await channels.publish(ada.id, { channel: pair, text: 'hi', nonce: 'd1' })).offset).toBe(1);
    await eventually(() => expect(bob.directory()).toContain(pair));
    expect(await channels.directory(bobId)).toContainEqual(expect.objectContaining({ name: pair }));
    channels.close();
  });

  run(
    'a sector nobody knows the player to be in yet answers UNAVAILABLE (retry), another FORBIDDEN',
    async () => {
      const { channels, sectors, connect, subscribe, publish } = setup();
      const adaId = await createPlayer(store.db);
      const [alpha, beta] = [`sector:${randomId('a', 4)}`, `sector:${randomId('b', 4)}`];
      const ada = await connect(principal(adaId));
      expect(await subscribe(ada, alpha)).toMatchObject({
        ok: false,
        error: { code: 'UNAVAILABLE', message: expect.stringMatching(/not in a sector yet; retry/) },
      });
      expect(await refusal(publish(ada, alpha, 'hello?'))).toBe('UNAVAILABLE');
      sectors.set(adaId, beta.slice(7));
      expect(await subscribe(ada, alpha)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await refusal(publish(ada, alpha, 'hello?'))).toBe('FORBIDDEN');
      sectors.set(adaId, alpha.slice(7));
      expect(await subscribe(ada, alpha)).toMatchObject({ ok: true, kind: 'sector' });
      expect((await publish(ada, alpha, 'here now')).offset).toBe(1);
      channels.close();
    },
  );

  run('subscriptions per connection are capped; a repeated subscribe is no new one', async () => {
    const { channels, pub, ro, connect, subscribe } = setup({}, { maxSubscriptions: 2 });
    const [adaId, bobId] = [await createPlayer(store.db), await createPlayer(store.db)];
    const pair = adaId < bobId ? `dm:${adaId}:${bobId}` : `dm:${bobId}:${adaId}`;
    const ada = await connect(principal(adaId));
    expect(await subscribe(ada, pub)).toMatchObject({ ok: true });
    expect(await subscribe(ada, ro)).toMatchObject({ ok: true });
    expect(await subscribe(ada, pair)).toMatchObject({
      ok: false,
      error: { code: 'BAD_MESSAGE', message: expect.stringMatching(/at most 2 channels/) },
    });
    expect(await subscribe(ada, pub, 0)).toMatchObject({ ok: true });
    channels.unsubscribe(ada.id, ro);
    expect(await subscribe(ada, pair)).toMatchObject({ ok: true });
    // Another connection of the same player has a cap of its own.
    const tab = await connect(principal(adaId));
    expect(await subscribe(tab, pair)).toMatchObject({ ok: true });
    channels.close();
  });

  run('a direct channel with a player who does not exist is NOT_FOUND and nothing is tracked', async () => {
    const { channels, pub, connect, subscribe } = setup({}, { maxSubscriptions: 1 });
    const adaId = await createPlayer(store.db);
    const ghost = `${adaId}-zz-nobody`;
    const pair = `dm:${adaId}:${ghost}`;
    const ada = await connect(principal(adaId));
    expect(await subscribe(ada, pair)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(channels.presence(pair)).toEqual([]);
    // The refused subscribe holds no place under the cap.
    expect(await subscribe(ada, pub)).toMatchObject({ ok: true });
    expect((await channels.history(pair)).head).toBe(0);
    channels.close();
  });

  run('read-only channels keep no presence: an empty list in the ack, no joins or leaves', async () => {
    const { channels, ro, pub, connect, subscribe } = setup();
    const [adaId, bobId] = [await createPlayer(store.db), await createPlayer(store.db)];
    const ada = await connect(principal(adaId));
    const bob = await connect(principal(bobId));
    const none = { ok: true, kind: 'readonly', presence: [], presenceCount: 0 };
    expect(await subscribe(ada, ro)).toMatchObject(none);
    expect(await subscribe(bob, ro)).toMatchObject(none);
    expect(channels.presence(ro)).toEqual([]);
    expect(channels.presenceCount(ro)).toBe(0);
    channels.unsubscribe(bob.id, ro);
    channels.disconnected(bob.id);
    // Other kinds still have it: ada's own join comes in the public channel's next batch, and
    // nothing ever came for the read-only one.
    expect(await subscribe(ada, pub)).toMatchObject({ ok: true });
    await eventually(() =>
      expect(ada.events('presence')).toEqual([
        { channel: pub, joined: [{ id: adaId, name: adaId }], left: [], count: 1 },
      ]),
    );
    expect(await subscribe(ada, pub)).toMatchObject({
      ok: true,
      presence: [{ id: adaId, name: adaId }],
      presenceCount: 1,
    });
    channels.close();
  });
});
