import { protocolError, type SessionRenewResult } from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { RefusalStats } from '../gateway/refusal-stats.js';
import { admitHandshake, HandshakeRefusal } from './handshake.js';
import type { Authenticator, Principal } from './principal.js';
import { type ExpiringSocket, SessionExpiry, type SessionExpiryOptions } from './session-expiry.js';

/** What SocketAuth needs of a Socket.IO server socket (any namespace, any event map). */
export interface AuthSocket extends ExpiringSocket {
  readonly id: string;
  readonly handshake: { readonly auth: unknown };
  /** The namespace (Socket.IO's sockets have it), named when a refusal is counted. */
  readonly nsp?: { readonly name: string };
  once(event: 'disconnect', listener: () => void): unknown;
}

/** The part of a Socket.IO namespace SocketAuth hooks into. */
export interface AuthNamespace<S extends AuthSocket> {
  use(middleware: (socket: S, next: (err?: Error) => void) => void): unknown;
  on(event: 'connection', listener: (socket: S) => void): unknown;
}

export interface SocketAuthOptions {
  authenticator: Authenticator;
  logger: Logger;
  /** See SessionExpiryOptions.graceMs. */
  expiryGraceMs?: number;
  /** Counts refused handshakes (GET /metrics). */
  refusals?: RefusalStats;
}

/**
 * Session checks for every namespace on the shared connection, each applying them on its own:
 * `middleware` admits a handshake (shape, protocol version, access token), `track` starts the
 * admitted connection's expiry, `renew` answers its `session:renew`. `protect(nsp)` wires the
 * first two; the namespace routes `session:renew` to `renew` through its own validation.
 */
export class SocketAuth {
  private readonly admitted = new WeakMap<object, Principal>();
  private readonly expiries = new WeakMap<object, SessionExpiry>();
  private readonly log: Logger;
  /** Shared by every connection's expiry. */
  private readonly expiryOptions: SessionExpiryOptions;

  constructor(private readonly opts: SocketAuthOptions) {
    this.log = opts.logger;
    this.expiryOptions = {
      ...(opts.expiryGraceMs !== undefined ? { graceMs: opts.expiryGraceMs } : {}),
      onExpired: (p, socket) =>
        this.log.info({ player: p.playerId, conn: (socket as AuthSocket).id }, 'session expired'),
    };
  }

  get authenticator(): Authenticator {
    return this.opts.authenticator;
  }

  /** For `nsp.use`: refuses a connection with `{code, message}` as its connect_error's data. */
  readonly middleware = (socket: AuthSocket, next: (err?: Error) => void): void => {
    admitHandshake(socket.handshake.auth, this.opts.authenticator).then(
      (principal) => {
        this.admitted.set(socket, principal);
        forgetToken(socket.handshake.auth);
        next();
      },
      (err: unknown) => {
        if (err instanceof HandshakeRefusal) {
          this.log.info({ code: err.data.code }, 'connection refused: %s', err.message);
          this.opts.refusals?.handshakeRefused(socket.nsp?.name ?? '', err.data.code);
          next(err);
        } else {
          this.log.error({ err }, 'handshake failed');
          next(
            new HandshakeRefusal(
              protocolError('UNAVAILABLE', 'the server cannot admit players right now; try again shortly'),
            ),
          );
        }
      },
    );
  };

  /** Admits through `middleware` and tracks every admitted connection's expiry. */
  protect<S extends AuthSocket>(nsp: AuthNamespace<S>): void {
    nsp.use(this.middleware);
    nsp.on('connection', (socket) => this.track(socket));
  }

  /**
   * Starts the expiry of a connection `middleware` admitted (idempotent); it stops by itself on
   * disconnect. Returns the connection's principal.
   */
  track(socket: AuthSocket): Principal {
    const existing = this.expiries.get(socket);
    if (existing) return existing.principal;
    const principal = this.admitted.get(socket);
    if (!principal) throw new Error(`connection ${socket.id} was not admitted by SocketAuth.middleware`);
    const expiry = new SessionExpiry(socket, principal, this.opts.authenticator, this.expiryOptions);
    this.expiries.set(socket, expiry);
    // The principal lives on in the expiry: the admission record is not needed any more.
    this.admitted.delete(socket);
    socket.once('disconnect', () => expiry.stop());
    return principal;
  }

  /** Who an admitted connection is now (its newest renewal), if it was admitted here. */
  principalOf(socket: object): Principal | undefined {
    return this.expiries.get(socket)?.principal ?? this.admitted.get(socket);
  }

  /** Answers a connection's `session:renew` (see SessionExpiry.renew). */
  async renew(socket: AuthSocket, accessToken: string): Promise<SessionRenewResult> {
    const expiry = this.expiries.get(socket);
    if (!expiry) {
      return {
        ok: false,
        error: protocolError('UNAUTHENTICATED', 'this connection has no session to renew', 'session:renew'),
      };
    }
    return expiry.renew(accessToken);
  }
}

/**
 * Socket.IO keeps each socket's handshake for the connection's life: once admitted, the access
 * token in it (~300 bytes a connection) is not kept; renewals bring their own.
 */
function forgetToken(auth: unknown): void {
  if (auth !== null && typeof auth === 'object' && 'accessToken' in auth) {
    delete (auth as { accessToken?: unknown }).accessToken;
  }
}
