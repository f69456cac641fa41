import type { ClientToServerEvents, ServerToClientEvents } from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { RoomMember } from '../rooms/member.js';
import type { PlayerConnection } from './gateway-hooks.js';
import type { PlayerSession } from './sessions.js';
import type { SocketLink } from './socket-link.js';

export type GameSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** One admitted connection: its player, its outbound link and its avatar's presence, if any. */
export class ConnectionContext implements PlayerConnection {
  /** This connection's avatar in a sector, if it has joined one (and not been displaced). */
  presence: { sector: string; member: RoomMember } | null = null;
  /** When the connection's avatar last entered a sector (ms since the epoch, comparable across nodes). */
  joinedAt = 0;
  /** Counts join requests: a join that finishes after a newer one (or a leave) was made is dropped. */
  joinAttempt = 0;
  /** When this connection last sent anything (performance.now()). */
  lastHeardAt = performance.now();

  constructor(
    readonly socket: GameSocket,
    readonly session: PlayerSession,
    readonly link: SocketLink,
    readonly log: Logger,
    /** Secret for the unload beacon that ends this connection's presence at once. */
    readonly leaveToken: string,
  ) {}

  get id(): string {
    return this.socket.id;
  }

  get playerId(): string {
    return this.session.playerId;
  }

  get sector(): string | null {
    return this.presence?.sector ?? null;
  }

  send(event: string, payload: unknown): void {
    this.link.emitReliable(event, payload);
  }
}
