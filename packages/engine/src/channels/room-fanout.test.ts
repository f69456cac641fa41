import { jsonEventText } from '@perihelion/protocol';
import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { RoomFanout, type RoomNamespace } from './room-fanout.js';

interface Written {
  direct: { data: string; binary: boolean | undefined }[];
  queued: string[];
}

/** A connection as RoomFanout sees it: on an idle WebSocket, or on long-polling (engine.io's queue). */
function fakeSocket(id: string, transport: 'websocket' | 'polling', written: Written): Socket {
  const ws = {
    readyState: 1,
    bufferedAmount: 0,
    send(data: Uint8Array, options?: { binary?: boolean }) {
      written.direct.push({ data: Buffer.from(data).toString('utf8'), binary: options?.binary });
    },
  };
  const conn = {
    readyState: 'open',
    upgrading: false,
    writeBuffer: [],
    transport: { name: transport, writable: true, socket: ws },
    write(text: string) {
      written.queued.push(text);
    },
  };
  return { id, conn } as unknown as Socket;
}

function namespace(sockets: Socket[], rooms: Record<string, string[]>): RoomNamespace {
  return {
    name: '/chat',
    sockets: new Map(sockets.map((s) => [s.id, s])),
    adapter: { rooms: new Map(Object.entries(rooms).map(([room, ids]) => [room, new Set(ids)])) },
    local: {
      to: () => ({
        emit: () => {
          throw new Error('a JSON event never needs Socket.IO’s own broadcast');
        },
      }),
    },
  };
}

describe('RoomFanout', () => {
  it('writes the event once encoded to every member of the room: idle WebSockets directly, others through engine.io', () => {
    const written: Written = { direct: [], queued: [] };
    const sockets = [
      fakeSocket('a', 'websocket', written),
      fakeSocket('b', 'polling', written),
      fakeSocket('c', 'websocket', written),
      fakeSocket('outsider', 'websocket', written),
    ];
    const fanout = new RoomFanout(namespace(sockets, { room: ['a', 'b', 'c', 'gone'] }), () => {});
    const payload = { channel: 'global', messages: [{ offset: 1, text: 'héllo' }] };
    fanout.emit('room', 'presence', payload as never);

    const text = jsonEventText('/chat', 'presence', payload);
    expect(text).toBe(`2/chat,${JSON.stringify(['presence', payload])}`);
    // engine.io's message packet type, then the Socket.IO packet, as one UTF-8 text frame.
    expect(written.direct).toEqual([
      { data: `4${text}`, binary: false },
      { data: `4${text}`, binary: false },
    ]);
    expect(written.queued).toEqual([text]);
  });

  it('sends nothing for a room nobody is in', () => {
    const written: Written = { direct: [], queued: [] };
    const fanout = new RoomFanout(namespace([fakeSocket('a', 'websocket', written)], {}), () => {});
    fanout.emit('empty', 'presence', { channel: 'x' } as never);
    expect(written).toEqual({ direct: [], queued: [] });
  });
});
