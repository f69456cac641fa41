import { GAME_NAMESPACE } from '@perihelion/protocol';
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import type { TransportChoice } from './api.js';

export type ClientSocketOptions = Partial<ManagerOptions & SocketOptions>;

/** The game namespace on `url`; '' keeps it relative so the page's own origin is used. */
export function namespaceUrl(url: string): string {
  return `${url.replace(/\/+$/, '')}${GAME_NAMESPACE}`;
}

function transportOptions(choice: TransportChoice): ClientSocketOptions {
  switch (choice) {
    case 'websocket':
      return { transports: ['websocket'] };
    case 'polling':
      // No upgrade: a player (or a QA suite) who asked for polling gets polling, start to end.
      return { transports: ['polling'], upgrade: false };
    case 'auto':
      // WebSocket first; if it cannot open (a proxy that blocks it), fall back to long-polling.
      return { transports: ['websocket', 'polling'], tryAllTransports: true };
  }
}

/**
 * Socket.IO options for one GameClient. `forceNew` gives every client its own connection (bots
 * in one process must not share one), `autoConnect: false` leaves the moment to connect(), and the
 * caller's `socketOptions` go last so tests can override anything.
 */
export function buildSocketOptions(
  transport: TransportChoice,
  auth: SocketOptions['auth'],
  extra: Record<string, unknown> | undefined,
): ClientSocketOptions {
  return {
    forceNew: true,
    autoConnect: false,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    ...transportOptions(transport),
    auth,
    ...(extra as ClientSocketOptions | undefined),
  };
}
