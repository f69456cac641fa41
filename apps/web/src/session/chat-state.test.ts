import { ChatClient } from '@perihelion/client';
import { type ChannelInfo, directChannel, PRESENCE_LIST_MAX } from '@perihelion/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
// The SDK's in-memory `/chat` server: not part of the package's API, so reached by path.
import { FakeChatServer } from '../../../../packages/client/src/chat/fake-chat-server.js';
import { ChatState, type ChatStateOptions } from './chat-state.js';

/** Lets every packet on its way arrive (each hop is a microtask; a macrotask runs them all). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const open: ChatClient[] = [];
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

/** A page of player `id` (shown as `name`), connected, with its chat panel's model. */
function page(server: FakeChatServer, id: string, name: string, options: ChatStateOptions = {}) {
  const socket = server.socket(id, name);
  const client = new ChatClient(socket.typed(), { self: () => id, readIntervalMs: 0, retryDelayMs: 0 });
  open.push(client);
  const state = new ChatState(client, options);
  socket.connect();
  return { client, state };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const titles = (state: ChatState) => state.tabs().map((t) => t.title);
const tabOf = (state: ChatState, channel: string) => state.tabs().find((t) => t.channel === channel);

describe('ChatState tabs', () => {
  it('orders Sector, Global, Announcements, teams, then conversations titled with the peer', async () => {
    const server = new FakeChatServer();
    const directory: ChannelInfo[] = [
      { name: directChannel('bea', 'ann'), kind: 'direct', peer: { id: 'ann', name: 'Ann' } },
      { name: 'team:red', kind: 'private' },
      { name: 'announcements', kind: 'readonly' },
      { name: 'global', kind: 'public' },
      { name: 'sector:3:4', kind: 'sector' },
    ];
    server.setDirectory('bea', directory);
    const { client, state } = page(server, 'bea', 'Bea');
    await settle();
    expect(titles(state)).toEqual(['Sector', 'Global', 'Announcements', 'Team red', 'Ann']);

    // Joined later: a team still goes before the conversations, a conversation after the others.
    state.openDirect({ id: 'cid', name: 'Cid' });
    client.subscribe('team:blue');
    await settle();
    expect(titles(state)).toEqual([
      'Sector',
      'Global',
      'Announcements',
      'Team red',
      'Team blue',
      'Ann',
      'Cid',
    ]);
    expect(state.activeChannel()).toBe(directChannel('bea', 'cid'));
  });

  it('opens on the first tab until one is chosen, and falls back to it when the chosen one goes', async () => {
    const server = new FakeChatServer();
    const { client, state } = page(server, 'bea', 'Bea');
    client.subscribe('global');
    client.subscribe('team:red');
    await settle();
    expect(state.activeChannel()).toBe('global');
    state.select('team:red');
    expect(state.activeChannel()).toBe('team:red');
    client.unsubscribe('team:red');
    expect(state.activeChannel()).toBe('global');
  });

  it('titles a conversation with the name the peer writes under when no directory named them', async () => {
    const server = new FakeChatServer();
    const bea = page(server, 'bea', 'Bea');
    const dot = page(server, 'dot', 'Dot');
    const channel = bea.client.direct('dot').channel;
    await settle();
    expect(tabOf(bea.state, channel)?.peer).toEqual({ id: 'dot', name: 'dot', online: false });
    await dot.client.sendDirect('bea', 'hello');
    await settle();
    expect(tabOf(bea.state, channel)?.title).toBe('Dot');
  });

  it('shows a conversation peer online while they are in global', async () => {
    const server = new FakeChatServer();
    const bea = page(server, 'bea', 'Bea');
    const dot = page(server, 'dot', 'Dot');
    bea.client.subscribe('global');
    dot.client.subscribe('global');
    bea.state.openDirect({ id: 'dot', name: 'Dot' });
    await settle();
    const channel = directChannel('bea', 'dot');
    expect(tabOf(bea.state, channel)?.peer).toEqual({ id: 'dot', name: 'Dot', online: true });
    dot.client.unsubscribe('global');
    await settle();
    expect(tabOf(bea.state, channel)?.peer?.online).toBe(false);
  });

  it('does not open a conversation with oneself', async () => {
    const server = new FakeChatServer();
    const { client, state } = page(server, 'bea', 'Bea');
    state.openDirect({ id: 'bea', name: 'Bea' });
    await settle();
    expect(client.subscriptions.size).toBe(0);
    expect(state.tabs()).toEqual([]);
  });
});

describe('ChatState unread counts', () => {
  it('counts what others wrote, not one’s own, and drops to zero when the tab is shown', async () => {
    const server = new FakeChatServer();
    const ann = page(server, 'ann', 'Ann');
    const bob = page(server, 'bob', 'Bob');
    ann.client.subscribe('global');
    bob.client.subscribe('global');
    await settle();
    await bob.client.publish('global', 'one');
    await bob.client.publish('global', 'two');
    await ann.client.publish('global', 'mine');
    await settle();
    expect(tabOf(ann.state, 'global')?.unread).toBe(2);
    expect(tabOf(bob.state, 'global')?.unread).toBe(1);
    expect(ann.state.totalUnread()).toBe(2);

    ann.state.markShown('global');
    expect(tabOf(ann.state, 'global')?.unread).toBe(0);
    expect(ann.state.totalUnread()).toBe(0);
    await settle();
    // The server keeps the mark, so the player's other devices stop counting them too.
    expect(server.readMark('ann', 'global')).toBe(3);

    await bob.client.publish('global', 'three');
    await settle();
    expect(tabOf(ann.state, 'global')?.unread).toBe(1);
  });

  it('adds up every tab for the collapsed panel', async () => {
    const server = new FakeChatServer();
    const ann = page(server, 'ann', 'Ann');
    ann.client.subscribe('global');
    ann.client.subscribe('team:red');
    await settle();
    server.publishAsSystem('global', 'g');
    server.publishAsSystem('team:red', 'r1');
    server.publishAsSystem('team:red', 'r2');
    await settle();
    expect(ann.state.totalUnread()).toBe(3);
    ann.state.markShown('team:red');
    expect(ann.state.totalUnread()).toBe(1);
  });
});

describe('ChatState writing', () => {
  it('keeps announcements read-only for players', async () => {
    const server = new FakeChatServer();
    const { state } = page(server, 'ann', 'Ann');
    server.setDirectory('ann', [
      { name: 'global', kind: 'public' },
      { name: 'announcements', kind: 'readonly' },
    ]);
    await settle();
    expect(tabOf(state, 'global')?.writable).toBe(true);
    expect(tabOf(state, 'announcements')?.writable).toBe(false);

    await state.send('announcements', 'hello all');
    await settle();
    expect(server.stored('announcements')).toEqual([]);
    expect(state.notice(performance.now())?.text).toBe('You cannot write in this channel.');
  });

  it('lets an admin write announcements', async () => {
    const server = new FakeChatServer();
    const { state } = page(server, 'ann', 'Ann', { isAdmin: () => true });
    server.setDirectory('ann', [{ name: 'announcements', kind: 'readonly' }]);
    await settle();
    expect(tabOf(state, 'announcements')?.writable).toBe(true);
    await state.send('announcements', '  maintenance at noon  ');
    expect(server.stored('announcements').map((m) => m.text)).toEqual(['maintenance at noon']);
    expect(state.notice(performance.now())).toBeNull();
  });

  it('sends nothing for a blank line', async () => {
    const server = new FakeChatServer();
    const { client, state } = page(server, 'ann', 'Ann');
    client.subscribe('global');
    await settle();
    await state.send('global', '   ');
    expect(server.stored('global')).toEqual([]);
    expect(state.notice(performance.now())).toBeNull();
  });

  it('explains a refusal under the messages, for a while', async () => {
    const server = new FakeChatServer();
    server.refusePublish = () => ({ code: 'FORBIDDEN', message: 'muted', event: 'channel:publish' });
    const { client, state } = page(server, 'ann', 'Ann');
    client.subscribe('global');
    await settle();
    await state.send('global', 'spam');
    const notice = state.notice(performance.now());
    expect(notice?.text).toBe('You cannot write in this channel.');
    // Shown for six seconds. (Not at exactly +6000: at + 6000 - at can round to 5999.999….)
    const at = notice?.at ?? 0;
    expect(state.notice(at + 5000)).toBe(notice);
    expect(state.notice(at + 7000)).toBeNull();
  });

  it('says "slow down" while rate-limited, keeps the message pending and sends it after the pause', async () => {
    vi.useFakeTimers();
    try {
      const server = new FakeChatServer();
      let refusals = 1;
      server.refusePublish = () =>
        refusals-- > 0 ? { code: 'RATE_LIMITED', message: 'too fast', event: 'channel:publish' } : null;
      const { client, state } = page(server, 'ann', 'Ann');
      client.subscribe('global');
      await vi.advanceTimersByTimeAsync(0);
      const sent = state.send('global', 'spam');
      await vi.advanceTimersByTimeAsync(0);
      expect(state.notice(performance.now())?.text).toMatch(/^Slow down/);
      expect(state.pending('global').map((p) => p.text)).toEqual(['spam']);
      await vi.advanceTimersByTimeAsync(1000);
      await sent;
      expect(state.pending('global')).toEqual([]);
      expect(server.stored('global').map((m) => m.text)).toEqual(['spam']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('ChatState QA output', () => {
  it('reports each subscribed channel’s messages as offset, sender, senderName and text', async () => {
    const server = new FakeChatServer();
    server.publishAsSystem('global', 'welcome');
    const ann = page(server, 'ann', 'Ann');
    const bob = page(server, 'bob', 'Bob');
    ann.client.subscribe('global');
    ann.client.subscribe('team:red');
    bob.client.subscribe('global');
    await settle();
    await bob.client.publish('global', 'hi Ann');
    await settle();
    expect(ann.state.qaChat()).toStrictEqual({
      global: [
        { offset: 1, sender: 'system', senderName: 'Server', text: 'welcome' },
        { offset: 2, sender: 'bob', senderName: 'Bob', text: 'hi Ann' },
      ],
      'team:red': [],
    });

    // What a caller does to one report does not leak into the next.
    const first = ann.state.qaChat().global?.[0];
    if (first) first.text = 'changed by the caller';
    expect(ann.state.qaChat().global?.[0]?.text).toBe('welcome');

    await ann.client.publish('global', 'hello Bob');
    await settle();
    expect(ann.state.qaChat().global?.map((m) => m.text)).toEqual(['welcome', 'hi Ann', 'hello Bob']);
  });

  it('reports who is online in each channel, sorted by name', async () => {
    const server = new FakeChatServer();
    const players = [
      page(server, 'p1', 'Zed'),
      page(server, 'p2', 'Amy'),
      page(server, 'p3', 'Mia'),
      page(server, 'p5', 'Sam'),
      page(server, 'p4', 'Sam'),
    ];
    for (const { client } of players) client.subscribe('global');
    await settle();
    const mia = players[2]!;
    expect(mia.state.qaPresence()).toStrictEqual({
      global: [
        { id: 'p2', name: 'Amy' },
        { id: 'p3', name: 'Mia' },
        { id: 'p4', name: 'Sam' },
        { id: 'p5', name: 'Sam' },
        { id: 'p1', name: 'Zed' },
      ],
    });
    expect(mia.state.globalOnline()).toBe(5);
    expect(mia.state.qaPresenceCounts()).toStrictEqual({ global: 5 });

    players[0]!.client.unsubscribe('global');
    await settle();
    expect(mia.state.qaPresence().global?.map((p) => p.name)).toEqual(['Amy', 'Mia', 'Sam', 'Sam']);
    expect(mia.state.presenceCount('global')).toBe(4);
    expect(mia.state.presenceCount('sector:none')).toBe(0);
  });

  it('in a channel larger than its list: the listed players, and the count of everyone', async () => {
    const server = new FakeChatServer();
    const ann = page(server, 'ann', 'Ann');
    const sub = ann.client.subscribe('global');
    await settle();
    // As the real server answers a channel of 5,000: PRESENCE_LIST_MAX players and the count.
    const listed = range(1, PRESENCE_LIST_MAX).map((i) => ({ id: `p${i}`, name: `Pilot ${i}` }));
    server.sendRaw('ann', 'presence', { channel: 'global', joined: listed, left: [], count: 5000 });
    await settle();
    expect(sub.presence.size).toBe(PRESENCE_LIST_MAX + 1);
    server.sendRaw('ann', 'presence', { channel: 'global', joined: [], left: ['ann'], count: 5000 });
    await settle();
    expect(ann.state.globalOnline()).toBe(5000);
    expect(ann.state.qaPresence().global).toHaveLength(PRESENCE_LIST_MAX);
    expect(ann.state.qaPresenceCounts()).toStrictEqual({ global: 5000 });
  });
});
