import { describe, expect, it } from 'vitest';
import { ChatClient } from './chat-client.js';
import { accepted, message, offsets, range, ScriptedSocket } from './test-support.js';

/*
 * The server answers a subscribe before it sends any batch of that subscription, so a batch that
 * arrives while a subscribe is unanswered belongs to an earlier subscription of the same channel
 * on this connection (left over): taking it would anchor the channel in the wrong place.
 */

function scripted(options: { autoSubscribe?: boolean; ackTimeoutMs?: number } = {}) {
  const socket = new ScriptedSocket();
  const chat = new ChatClient(socket.typed(), {
    self: () => 'a',
    autoSubscribe: options.autoSubscribe ?? false,
    readIntervalMs: 0,
    retryDelayMs: 0,
    ...(options.ackTimeoutMs !== undefined ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
  });
  return { socket, chat };
}

/** What the server replays after a subscribe answered at `head`. */
function replayFor(after: number | undefined, head: number) {
  return range(after === undefined ? 1 : after + 1, head).map((o) => message(o));
}

describe('ChatClient: batches while a subscribe is unanswered', () => {
  it('a batch before the answer is left over and dropped: the replay after it is taken in full', () => {
    const { socket, chat } = scripted();
    socket.connect();
    const sub = chat.subscribe('global');
    const [request] = socket.subscribes('global');
    socket.deliver('channel:messages', { channel: 'global', messages: [message(4)] });
    socket.deliver('presence', {
      channel: 'global',
      joined: [{ id: 'zed', name: 'Zed' }],
      left: [],
      count: 2,
    });
    expect(sub.state).toBe('pending');
    expect(sub.messages).toEqual([]);
    request!.ack!(accepted('global', 4, { presence: [{ id: 'a', name: 'A' }], presenceCount: 1 }));
    socket.deliver('channel:messages', { channel: 'global', messages: replayFor(undefined, 4) });
    expect(offsets(sub.messages)).toEqual([1, 2, 3, 4]);
    // The answer's presence is as of its own time; a change from before it is stale too.
    expect([...sub.presence.keys()]).toEqual(['a']);
    expect(sub.presenceCount).toBe(1);
  });

  it('after a restart: a channel that leaves and re-enters the directory keeps its history', () => {
    const { socket, chat } = scripted({ autoSubscribe: true });
    const channel = 'sector:s1';
    const seen: number[] = [];
    chat.on('message', (_, m) => seen.push(m.offset));
    socket.connect();
    socket.deliver('channels', { channels: [{ name: channel, kind: 'sector' }] });
    socket.subscribes(channel)[0]!.ack!(accepted(channel, 3));
    socket.deliver('channel:messages', { channel, messages: replayFor(undefined, 3) });
    expect(offsets(chat.subscription(channel)!.messages)).toEqual([1, 2, 3]);

    // The server restarts; its directory on connect is made before the sector is known again.
    socket.drop();
    socket.connect();
    const resumed = socket.subscribes(channel).at(-1)!;
    expect(resumed.payload).toEqual({ channel, after: 3 });
    socket.deliver('channels', { channels: [] });
    socket.deliver('channels', { channels: [{ name: channel, kind: 'sector' }] });
    const again = socket.subscribes(channel).at(-1)!;
    expect(again).not.toBe(resumed);
    // The first resume's answer and a batch of its (server-side) subscription arrive late.
    resumed.ack!(accepted(channel, 3));
    socket.deliver('channel:messages', { channel, messages: [message(4)] });
    again.ack!(accepted(channel, 4));
    socket.deliver('channel:messages', { channel, messages: replayFor(again.payload.after, 4) });
    expect(offsets(chat.subscription(channel)!.messages)).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('an answer to a superseded subscribe does not make it live: only the latest one does', async () => {
    const { socket, chat } = scripted({ ackTimeoutMs: 5 });
    socket.connect();
    const sub = chat.subscribe('global');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const requests = socket.subscribes('global');
    expect(requests.length).toBeGreaterThan(1);
    const first = requests[0]!;
    const latest = requests.at(-1)!;
    first.ack!(accepted('global', 4));
    socket.deliver('channel:messages', { channel: 'global', messages: replayFor(undefined, 4) });
    socket.deliver('channel:messages', { channel: 'global', messages: [message(5)] });
    expect(sub.state).toBe('pending');
    expect(sub.messages).toEqual([]);
    latest.ack!(accepted('global', 5));
    socket.deliver('channel:messages', { channel: 'global', messages: replayFor(undefined, 5) });
    expect(sub.state).toBe('live');
    expect(offsets(sub.messages)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a resync drops what the old subscription still had on its way', () => {
    const { socket, chat } = scripted();
    socket.connect();
    const sub = chat.subscribe('global');
    socket.subscribes('global')[0]!.ack!(accepted('global', 2));
    socket.deliver('channel:messages', { channel: 'global', messages: replayFor(undefined, 2) });
    // A hole: the client resubscribes from 2; the old subscription's next batch is stale.
    socket.deliver('channel:messages', { channel: 'global', messages: [message(9)] });
    socket.deliver('channel:messages', { channel: 'global', messages: [message(10)] });
    const resync = socket.subscribes('global').at(-1)!;
    expect(resync.payload).toEqual({ channel: 'global', after: 2 });
    resync.ack!(accepted('global', 10));
    socket.deliver('channel:messages', { channel: 'global', messages: replayFor(2, 10) });
    expect(offsets(sub.messages)).toEqual(range(1, 10));
    expect(socket.subscribes('global')).toHaveLength(2);
  });
});
