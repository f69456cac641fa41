import type { Socket } from 'socket.io';

interface TappableDecoder {
  tap(nsp: string, event: string, handler: (payload: Uint8Array) => void): () => void;
}

/**
 * Takes `event` on this socket's namespace straight from the connection's decoder (the protocol
 * parser's `tap`), before Socket.IO's dispatch: no per-packet tick, middleware chain or listener
 * lookup for a message every player sends 30 times a second. The handler must do what the
 * middleware does (the gateway passes the same function). The decoder is Socket.IO's internal
 * field, so it is checked: with any other parser this returns null and the event keeps the normal
 * path. Returns the function that removes the tap.
 */
export function tapInbound(
  socket: Socket,
  event: string,
  handler: (payload: Uint8Array) => void,
): (() => void) | null {
  const decoder = (socket.client as unknown as { decoder?: Partial<TappableDecoder> }).decoder;
  if (typeof decoder?.tap !== 'function') return null;
  return decoder.tap(socket.nsp.name, event, handler);
}
