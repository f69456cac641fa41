import { perihelionParser } from '@perihelion/protocol';
import type { ManagerOptions } from 'socket.io-client';
import type { TransportChoice } from './api.js';

export type ClientManagerOptions = Partial<ManagerOptions>;

/** The server origin for Socket.IO's Manager; undefined (the page's own origin) for ''. */
export function serverOrigin(url: string): string | undefined {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed === '' ? undefined : trimmed;
}

function transportOptions(choice: TransportChoice): ClientManagerOptions {
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
 * Options of a client's one Socket.IO Manager (its one connection, which every namespace shares).
 * `autoConnect: false` leaves the moment to connect to each namespace socket, and the caller's
 * `extra` goes last so tests can override anything.
 */
export function buildManagerOptions(
  transport: TransportChoice,
  extra: Record<string, unknown> | undefined,
): ClientManagerOptions {
  return {
    autoConnect: false,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
    // The server's parser: binary events (snapshots) arrive as one frame each.
    parser: perihelionParser,
    ...transportOptions(transport),
    ...(extra as ClientManagerOptions | undefined),
  };
}
