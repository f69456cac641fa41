import { PRESENCE_LIST_MAX } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { ChatClient } from './chat-client.js';
import { accepted, range, ScriptedSocket } from './test-support.js';

function scripted() {
  const socket = new ScriptedSocket();
  const chat = new ChatClient(socket.typed(), {
    self: () => 'a',
    autoSubscribe: false,
    readIntervalMs: 0,
    retryDelayMs: 0,
  });
  socket.connect();
  return { socket, chat };
}

const entry = (id: string) => ({ id, name: id.toUpperCase() });

describe('ChatClient: presence batches', () => {
  it('applies a batch idempotently and follows the count', () => {
    const { socket, chat } = scripted();
    const sub = chat.subscribe('global');
    socket.subscribes('global')[0]!.ack!(accepted('global', 0, { presence: [entry('a')], presenceCount: 1 }));
    const changes: unknown[] = [];
    sub.on('presence', (change) => changes.push(change));
    const batch = { channel: 'global', joined: [entry('a'), entry('b')], left: ['zed'], count: 2 };
    socket.deliver('presence', batch);
    expect([...sub.presence.keys()]).toEqual(['a', 'b']);
    expect(sub.presenceCount).toBe(2);
    expect(changes).toEqual([{ joined: [entry('b')], left: [], count: 2 }]);
    // The same batch again changes nothing and says nothing.
    socket.deliver('presence', batch);
    expect(changes).toHaveLength(1);
    // The count alone (someone not listed came or went) is a change too.
    socket.deliver('presence', { channel: 'global', joined: [], left: [], count: 3 });
    expect(changes.at(-1)).toEqual({ joined: [], left: [], count: 3 });
    expect([...sub.presence.keys()]).toEqual(['a', 'b']);
  });

  it(`a large channel: ${PRESENCE_LIST_MAX} listed players and the count of everyone`, () => {
    const { socket, chat } = scripted();
    const sub = chat.subscribe('global');
    const listed = range(1, PRESENCE_LIST_MAX).map((i) => entry(`p${i}`));
    socket.subscribes('global')[0]!.ack!(accepted('global', 0, { presence: listed, presenceCount: 10_000 }));
    expect(sub.presence.size).toBe(PRESENCE_LIST_MAX);
    expect(sub.presenceCount).toBe(10_000);
    socket.deliver('presence', { channel: 'global', joined: [entry('p51')], left: ['p1'], count: 9_999 });
    expect(sub.presence.size).toBe(PRESENCE_LIST_MAX);
    expect(sub.presence.has('p1')).toBe(false);
    expect(sub.presence.get('p51')).toBe('P51');
    expect(sub.presenceCount).toBe(9_999);
  });

  it('a batch longer than the protocol allows is refused as malformed', () => {
    const { socket, chat } = scripted();
    const sub = chat.subscribe('global');
    socket.subscribes('global')[0]!.ack!(accepted('global', 0));
    const errors: unknown[] = [];
    chat.on('error', (error) => errors.push(error));
    const tooMany = range(1, PRESENCE_LIST_MAX + 1).map((i) => entry(`p${i}`));
    socket.deliver('presence', { channel: 'global', joined: tooMany, left: [], count: tooMany.length });
    expect(sub.presence.size).toBe(0);
    expect(errors).toMatchObject([{ code: 'BAD_MESSAGE', event: 'presence' }]);
  });
});
