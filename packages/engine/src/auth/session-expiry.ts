import { type ErrorPayload, protocolError, type SessionRenewResult } from '@perihelion/protocol';
import { type Authenticator, AuthRefusal, type Principal } from './principal.js';

/** What SessionExpiry needs of a connection (a Socket.IO server socket of any namespace). */
export interface ExpiringSocket {
  readonly connected: boolean;
  emit(event: 'server:error', error: ErrorPayload): unknown;
  /** Ends this namespace's connection only: the others on the same transport have their own expiry. */
  disconnect(close?: boolean): unknown;
}

export interface SessionExpiryOptions {
  /**
   * Extra time after the token's expiry before the connection is cut, so a renewal that is
   * already on its way when the token runs out is not lost to the race. Default 1000 ms.
   */
  graceMs?: number;
  /** Called when the connection is cut for an expired session (e.g. to log it). */
  onExpired?(principal: Principal, socket: ExpiringSocket): void;
}

function onTimer(expiry: SessionExpiry): void {
  expiry.fired();
}

/** setTimeout's ceiling (about 24.8 days); longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps one connection's session alive only as long as its access token: when the token expires
 * without a `session:renew`, the connection is told SESSION_EXPIRED (`server:error`) and
 * disconnected. `renew` checks a fresh token (same player only) and moves the deadline.
 */
export class SessionExpiry {
  private current: Principal;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private readonly graceMs: number;

  constructor(
    private readonly socket: ExpiringSocket,
    principal: Principal,
    private readonly authenticator: Authenticator,
    private readonly opts: SessionExpiryOptions = {},
  ) {
    this.current = principal;
    this.graceMs = opts.graceMs ?? 1000;
    this.schedule();
  }

  /** Who the connection is now (the newest renewal's name, role and expiry). */
  get principal(): Principal {
    return this.current;
  }

  /**
   * A refreshed access token for this connection. Refused (the old deadline stands) when it is
   * not valid (UNAUTHENTICATED, SESSION_EXPIRED) or belongs to another player (FORBIDDEN).
   */
  async renew(accessToken: string): Promise<SessionRenewResult> {
    let next: Principal;
    try {
      next = await this.authenticator.authenticate(accessToken);
    } catch (err) {
      if (err instanceof AuthRefusal) return { ok: false, error: err.error };
      throw err;
    }
    if (next.playerId !== this.current.playerId) {
      return {
        ok: false,
        error: protocolError(
          'FORBIDDEN',
          'that access token belongs to another player; a connection keeps its player',
          'session:renew',
        ),
      };
    }
    if (this.stopped)
      return { ok: false, error: protocolError('SESSION_EXPIRED', 'the connection has ended') };
    // A late renewal with an older (still valid) token never shortens the session.
    this.current = { ...next, expiresAt: Math.max(next.expiresAt, this.current.expiresAt) };
    this.schedule();
    return { ok: true, expiresAt: this.current.expiresAt };
  }

  /** The connection ended: no timer is left behind. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    const wait = this.current.expiresAt + this.graceMs - Date.now();
    // One module-level callback with this expiry as its argument: no closure per connection.
    this.timer = setTimeout(onTimer, Math.min(Math.max(wait, 0), MAX_TIMER_MS), this);
    // A pending expiry alone must not keep a process alive.
    this.timer.unref?.();
  }

  /** The timer fired: expire, or wait again when the deadline moved (or was beyond one timer). */
  fired(): void {
    this.timer = null;
    if (Date.now() < this.current.expiresAt + this.graceMs) this.schedule();
    else this.expire();
  }

  private expire(): void {
    this.stopped = true;
    if (!this.socket.connected) return;
    this.opts.onExpired?.(this.current, this.socket);
    this.socket.emit(
      'server:error',
      protocolError(
        'SESSION_EXPIRED',
        'the session expired without a renewal; reconnect with a fresh access token',
      ),
    );
    this.socket.disconnect();
  }
}
