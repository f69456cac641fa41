import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { idleWebSocket } from './direct-websocket.js';

const ws = { send() {}, bufferedAmount: 0, readyState: 1 };

function socketWith(conn: object): Socket {
  return { conn } as unknown as Socket;
}

const idle = {
  readyState: 'open',
  upgrading: false,
  writeBuffer: [],
  transport: { name: 'websocket', writable: true, socket: ws },
};

describe('idleWebSocket', () => {
  it('is the raw socket when a frame written now would go out where engine.io would put it', () => {
    expect(idleWebSocket(socketWith(idle))).toBe(ws);
  });

  it.each([
    ['long-polling', { transport: { ...idle.transport, name: 'polling' } }],
    ['engine.io has packets queued', { writeBuffer: [{ type: 'message' }] }],
    ['the transport is still writing', { transport: { ...idle.transport, writable: false } }],
    ['an upgrade is under way', { upgrading: true }],
    ['the connection is closing', { readyState: 'closing' }],
    ['the WebSocket is not open', { transport: { ...idle.transport, socket: { ...ws, readyState: 2 } } }],
    ['engine.io looks different than expected', { writeBuffer: undefined, upgrading: undefined }],
  ])('is null when %s: the caller takes the normal path', (_why, change) => {
    expect(idleWebSocket(socketWith({ ...idle, ...change }))).toBeNull();
  });
});
