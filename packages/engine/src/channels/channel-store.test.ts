import { type TestStore, testStoreTargets } from '@perihelion/db/testing';
import { describe, expect, it } from 'vitest';
import { createPlayer, range, suiteStore } from '../durable/test-support.js';
import { randomId } from '../ids.js';
import {
  addMembers,
  appendMessage,
  channelBounds,
  isMember,
  markRead,
  memberChannels,
  memberChannelsOf,
  messagesAfter,
  pruneMessages,
  pruneNonces,
  readMark,
  readMarks,
  removeMember,
} from './channel-store.js';

const targets = await testStoreTargets();

describe.each(targets)('channel store on $name', (target) => {
  const run = it.skipIf(target.skipReason !== null);
  let store: TestStore;
  suiteStore(target, (opened) => {
    store = opened;
  });

  const channel = () => randomId('room-', 6);
  const msg = (text: string, extra: { senderId?: string; nonce?: string } = {}) => ({
    senderId: extra.senderId ?? 'p1',
    senderName: 'Ada',
    text,
    nonce: extra.nonce,
  });

  run('numbers messages 1..n per channel and reads them back in order with their sender', async () => {
    const [a, b] = [channel(), channel()];
    expect(await channelBounds(store.db, a)).toEqual({ head: 0, oldest: null });
    const offsets = [];
    for (const text of ['one', 'two', 'three'])
      offsets.push((await appendMessage(store.db, a, 'public', msg(text))).offset);
    offsets.push((await appendMessage(store.db, b, 'public', msg('other'))).offset);
    expect(offsets).toEqual([1, 2, 3, 1]);
    const read = await messagesAfter(store.db, a, 1, 10);
    expect(read.map((m) => [m.offset, m.text, m.sender])).toEqual([
      [2, 'two', { id: 'p1', name: 'Ada' }],
      [3, 'three', { id: 'p1', name: 'Ada' }],
    ]);
    expect(read[0]).not.toHaveProperty('data');
    expect(await channelBounds(store.db, a)).toEqual({ head: 3, oldest: 1 });
    await appendMessage(store.db, a, 'public', { ...msg('with data'), data: { x: [1, { y: 'z' }] } });
    expect((await messagesAfter(store.db, a, 3, 10))[0]!.data).toEqual({ x: [1, { y: 'z' }] });
  });

  run('concurrent appends get distinct, gap-free offsets', async () => {
    const c = channel();
    const results = await Promise.all(
      range(1, 40).map((i) => appendMessage(store.db, c, 'public', msg(`m${i}`))),
    );
    expect(results.map((r) => r.offset).sort((x, y) => x - y)).toEqual(range(1, 40));
    const stored = await messagesAfter(store.db, c, 0, 100);
    expect(stored.map((m) => m.offset)).toEqual(range(1, 40));
    // Each append's answer is the offset its own text was stored under.
    const byText = new Map(stored.map((m) => [m.text, m.offset]));
    for (const [i, r] of results.entries()) expect(byText.get(`m${i + 1}`)).toBe(r.offset);
  });

  run('a retried nonce returns the stored offset without a new row, also when retries race', async () => {
    const c = channel();
    const first = await appendMessage(store.db, c, 'public', msg('hello', { nonce: 'n1' }));
    const again = await appendMessage(store.db, c, 'public', msg('hello', { nonce: 'n1' }));
    expect(again).toEqual({ ...first, created: false });
    // The same nonce from another sender is another message.
    const other = await appendMessage(store.db, c, 'public', msg('hello', { senderId: 'p2', nonce: 'n1' }));
    expect(other.offset).toBe(2);
    const racing = await Promise.all(
      range(1, 8).map(() => appendMessage(store.db, c, 'public', msg('x', { nonce: 'n2' }))),
    );
    expect(new Set(racing.map((r) => r.offset))).toEqual(new Set([3]));
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    const stored = await messagesAfter(store.db, c, 0, 100);
    expect(stored.map((m) => m.offset)).toEqual([1, 2, 3]);
    expect((await channelBounds(store.db, c)).head).toBe(3);
    // The next message continues without a gap.
    expect((await appendMessage(store.db, c, 'public', msg('next'))).offset).toBe(4);
  });

  run('a retried nonce still matches after retention pruned its message; nonces expire by age', async () => {
    const c = channel();
    const first = await appendMessage(store.db, c, 'public', msg('hello', { nonce: 'late' }));
    await appendMessage(store.db, c, 'public', msg('two'));
    await pruneMessages(store.db, c, 1);
    expect((await messagesAfter(store.db, c, 0, 100)).map((m) => m.offset)).toEqual([2]);
    const retry = await appendMessage(store.db, c, 'public', msg('hello', { nonce: 'late' }));
    expect(retry).toEqual({ ...first, created: false });
    expect((await channelBounds(store.db, c)).head).toBe(2);
    // Kept by age, not by retention: only nonces older than the given age go.
    expect(await pruneNonces(store.db, 60_000)).toBe(0);
    const pruned = await pruneNonces(store.db, 0);
    expect(pruned).toBeGreaterThanOrEqual(1);
    const anew = await appendMessage(store.db, c, 'public', msg('hello', { nonce: 'late' }));
    expect(anew).toMatchObject({ offset: 3, created: true });
  });

  run('pruning drops the old messages and the bounds say what is left', async () => {
    const c = channel();
    for (const i of range(1, 10)) await appendMessage(store.db, c, 'public', msg(`m${i}`));
    await pruneMessages(store.db, c, 6);
    expect(await channelBounds(store.db, c)).toEqual({ head: 10, oldest: 7 });
    expect((await messagesAfter(store.db, c, 0, 100)).map((m) => m.offset)).toEqual([7, 8, 9, 10]);
    expect((await appendMessage(store.db, c, 'public', msg('m11'))).offset).toBe(11);
  });

  run('members: add is idempotent and reports who is new, remove, membership by prefix', async () => {
    const [ada, bob] = [await createPlayer(store.db), await createPlayer(store.db)];
    const team = `team:${randomId('t', 4)}`;
    expect(await addMembers(store.db, team, [ada, bob])).toEqual(expect.arrayContaining([ada, bob]));
    expect(await addMembers(store.db, team, [ada])).toEqual([]);
    await addMembers(store.db, 'dm:x:y', [ada]);
    expect(await isMember(store.db, team, ada)).toBe(true);
    expect(await memberChannels(store.db, ada, 'team:')).toEqual([team]);
    expect(await memberChannels(store.db, ada, 'dm:')).toEqual(['dm:x:y']);
    expect(await removeMember(store.db, team, ada)).toBe(true);
    expect(await removeMember(store.db, team, ada)).toBe(false);
    expect(await isMember(store.db, team, ada)).toBe(false);
    expect(await isMember(store.db, team, bob)).toBe(true);
    const carl = await createPlayer(store.db);
    const all = await memberChannelsOf(store.db, [ada, bob, carl]);
    expect(all).toEqual(
      new Map([
        [ada, ['dm:x:y']],
        [bob, [team]],
        [carl, []],
      ]),
    );
  });

  run('read marks only move forward', async () => {
    const ada = await createPlayer(store.db);
    expect(await readMark(store.db, ada, 'global')).toBe(0);
    await markRead(store.db, ada, 'global', 5);
    await markRead(store.db, ada, 'global', 3);
    expect(await readMark(store.db, ada, 'global')).toBe(5);
    await markRead(store.db, ada, 'global', 9);
    expect(await readMark(store.db, ada, 'global')).toBe(9);
    const bob = await createPlayer(store.db);
    await markRead(store.db, bob, 'elsewhere', 4);
    expect(await readMarks(store.db, 'global', [ada, bob])).toEqual(
      new Map([
        [ada, 9],
        [bob, 0],
      ]),
    );
  });
});
