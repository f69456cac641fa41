import type { Socket } from 'socket.io';

/** The raw `ws` WebSocket under an engine.io WebSocket transport (what this module writes to). */
export interface RawWebSocket {
  /** Bytes handed to the socket that the kernel has not taken yet. */
  readonly bufferedAmount: number;
  /** `binary: false` sends the bytes as a text frame (they must be UTF-8). */
  send(data: Uint8Array, options?: { binary?: boolean }): void;
}

/**
 * The engine.io connection fields this relies on. They are internal (not in engine.io's typings),
 * so every one is checked before use, and anything unexpected means "take the normal path".
 */
interface EngineConnection {
  readyState?: unknown;
  upgrading?: unknown;
  writeBuffer?: unknown;
  transport?: { name?: unknown; writable?: unknown; socket?: unknown };
}

function isRawWebSocket(value: unknown): value is RawWebSocket {
  const ws = value as { send?: unknown; bufferedAmount?: unknown; readyState?: unknown } | null;
  // 1 = OPEN in the WebSocket API that `ws` implements.
  return typeof ws?.send === 'function' && typeof ws.bufferedAmount === 'number' && ws.readyState === 1;
}

/**
 * The connection's WebSocket, when a frame written to it now goes out exactly where engine.io
 * would have put it: the transport is a WebSocket (not polling, not mid-upgrade), it is writable
 * and engine.io has nothing queued. Otherwise null, and the caller sends through Socket.IO.
 *
 * Why bypass: a snapshot is sent to every player 20 times a second, and Socket.IO + engine.io spend
 * more on each send (packet objects, flush/drain events, write callbacks) than the WebSocket write
 * itself. What goes out is the same binary frame the protocol's parser would have produced (one
 * engine.io binary message), so the client cannot tell the difference. Socket.IO features that
 * see every packet (connection-state recovery, outgoing listeners) do not see these, which is
 * what volatile tick data wants anyway.
 */
export function idleWebSocket(socket: Socket): RawWebSocket | null {
  const conn = socket.conn as unknown as EngineConnection;
  const transport = conn.transport;
  if (
    conn.readyState !== 'open' ||
    conn.upgrading !== false ||
    !Array.isArray(conn.writeBuffer) ||
    conn.writeBuffer.length > 0 ||
    transport?.name !== 'websocket' ||
    transport.writable !== true
  ) {
    return null;
  }
  return isRawWebSocket(transport.socket) ? transport.socket : null;
}
