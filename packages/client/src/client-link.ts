import {
  errorPayloadSchema,
  NODE_HINT_PARAM,
  nodeOfSessionId,
  PROTOCOL_VERSION,
  type SessionRenewResult,
  sessionRenewResultSchema,
} from '@perihelion/protocol';
import { Manager, type Socket } from 'socket.io-client';
import type { TransportChoice } from './api.js';
import { isSessionRefusal } from './refusals.js';
import type { SessionAuth } from './session-auth.js';
import { buildManagerOptions, serverOrigin } from './socket-options.js';

// biome-ignore lint/suspicious/noExplicitAny: mirrors socket.io-client's own EventsMap
type EventsMap = Record<string, any>;

export interface ClientLinkOptions {
  /** Server origin, e.g. "http://127.0.0.1:3000"; empty string = the page's own origin. */
  url: string;
  /** Where every namespace's handshake gets its access token. */
  auth: SessionAuth;
  /** 'auto' = WebSocket first, HTTP long-polling as fallback. Default 'auto'. */
  transport?: TransportChoice;
  /** Extra Socket.IO manager options (tests use this for e.g. reconnection delays). */
  socketOptions?: Record<string, unknown>;
}

const RENEW_TIMEOUT_MS = 10_000;
const RENEW_ATTEMPTS = 3;
/**
 * Reconnect delays while a restarting server is expected back: the first attempts come after
 * ~100 ms (jittered), later ones every quarter second, so a player is back within about that of
 * the server listening again …
 */
const RESTART_RETRY_MS = 100;
const RESTART_RETRY_MAX_MS = 250;
/** … for at most this long; then the usual backoff again. */
const RESTART_WINDOW_MS = 30_000;

/**
 * One client's one connection to the server: a single Socket.IO Manager (one engine.io
 * connection, WebSocket or long-polling) that every namespace socket (`/game`, `/chat`, …) is
 * multiplexed over. Each namespace's handshake presents the current access token of the shared
 * SessionAuth; when the session is refreshed, every connected namespace socket is handed the new
 * token (`session:renew`), and a handshake refused for its token invalidates it so the next
 * attempt brings a fresh session.
 *
 * A namespace socket refused by the server's middleware is not retried by Socket.IO: its owner
 * calls `socket.connect()` again (with its own backoff); the handshake then waits for the new
 * session.
 */
export class ClientLink {
  readonly manager: Manager;
  private readonly sockets = new Map<string, Socket>();
  /** The access token each namespace socket presented (or was last renewed with). */
  private readonly presented = new Map<Socket, string>();
  private readonly unsubscribe: () => void;
  private renewed = 0;
  private lastRenewalValue: SessionRenewResult | null = null;
  /** Puts the normal reconnect backoff back (set while a restarting server is expected back). */
  private restoreBackoff: (() => void) | null = null;

  constructor(private readonly opts: ClientLinkOptions) {
    this.manager = new Manager(
      serverOrigin(opts.url),
      buildManagerOptions(opts.transport ?? 'auto', opts.socketOptions),
    );
    this.unsubscribe = opts.auth.on('session', (session) => {
      for (const socket of this.sockets.values()) {
        if (socket.connected && this.presented.get(socket) !== session.accessToken) {
          this.renew(socket, session.accessToken, RENEW_ATTEMPTS);
        }
      }
    });
  }

  get auth(): SessionAuth {
    return this.opts.auth;
  }

  /** How many times a live namespace socket accepted a refreshed token (diagnostics, tests). */
  get renewals(): number {
    return this.renewed;
  }

  /** The server's answer to the most recent renewal, if any. */
  get lastRenewal(): SessionRenewResult | null {
    return this.lastRenewalValue;
  }

  /**
   * The socket of one namespace on this link (the same one on every call), not yet connected:
   * call `connect()` on it. Its handshake is `{protocol, accessToken}`.
   */
  socket<ListenEvents extends EventsMap = EventsMap, EmitEvents extends EventsMap = ListenEvents>(
    namespace: string,
  ): Socket<ListenEvents, EmitEvents> {
    const known = this.sockets.get(namespace);
    if (known) return known as unknown as Socket<ListenEvents, EmitEvents>;
    const auth = this.opts.auth;
    // Evaluated on every (re)connect, so each handshake carries the newest token.
    const socket: Socket = this.manager.socket(namespace, {
      auth: (cb: (data: object) => void) => {
        auth.current().then(
          (token) => {
            this.presented.set(socket, token);
            cb({ protocol: PROTOCOL_VERSION, accessToken: token });
          },
          () => {
            // No session to be had (refused for good, or closed): the server says why it refuses.
            this.presented.delete(socket);
            cb({ protocol: PROTOCOL_VERSION });
          },
        );
      },
    });
    socket.on('connect', () => {
      // The session may have been refreshed while this handshake was on its way.
      const newest = auth.accessToken;
      if (newest && this.presented.get(socket) !== newest) this.renew(socket, newest, RENEW_ATTEMPTS);
    });
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      const refusal = errorPayloadSchema.safeParse(err.data);
      if (refusal.success && isSessionRefusal(refusal.data.code)) this.invalidate(socket);
    });
    socket.on('server:error', (raw: unknown) => {
      // Cut off for an expired session: the reconnect must not present the same token.
      const error = errorPayloadSchema.safeParse(raw);
      if (error.success && error.data.code === 'SESSION_EXPIRED') this.invalidate(socket);
    });
    this.sockets.set(namespace, socket);
    return socket as unknown as Socket<ListenEvents, EmitEvents>;
  }

  /** The cluster node that holds this connection (from its session id); null before it opens. */
  get node(): string | null {
    const sid = this.manager.engine?.id;
    return sid ? nodeOfSessionId(sid) : null;
  }

  /**
   * Reconnects at once through the load balancer, asking it for `node` (the routing hint; null:
   * any node). Every namespace socket comes back by itself over the new connection, with a fresh
   * handshake. Used when the server says a sector runs on another node.
   */
  routeTo(node: string | null): void {
    const query: Record<string, string> = {
      ...(this.manager.opts.query as Record<string, string> | undefined),
    };
    if (node) query[NODE_HINT_PARAM] = node;
    else delete query[NODE_HINT_PARAM];
    this.manager.opts.query = query;
    const engine = this.manager.engine;
    if (!engine || this.manager._readyState !== 'open') return;
    // A move, not a failure: the first attempt goes now instead of after the reconnect backoff.
    const delay = this.manager.reconnectionDelay();
    this.manager.reconnectionDelay(0);
    this.manager.once('reconnect_attempt', () => this.manager.reconnectionDelay(delay));
    engine.close();
  }

  /**
   * The server said it is restarting (a deploy, or a development server reloading its code): for
   * a while, reconnect attempts come every quarter second or so instead of backing off to
   * seconds, so players are back as soon as it listens again. Attempts against a port nobody
   * listens on are refused at once and cost the server nothing; the jitter spreads the returns.
   */
  expectServerBack(): void {
    if (this.restoreBackoff) return;
    const delay = this.manager.reconnectionDelay();
    const max = this.manager.reconnectionDelayMax();
    this.manager.reconnectionDelay(RESTART_RETRY_MS);
    this.manager.reconnectionDelayMax(RESTART_RETRY_MAX_MS);
    const restore = () => {
      clearTimeout(timer);
      this.manager.off('open', restore);
      this.restoreBackoff = null;
      this.manager.reconnectionDelay(delay);
      this.manager.reconnectionDelayMax(max);
    };
    const timer = setTimeout(restore, RESTART_WINDOW_MS);
    this.manager.on('open', restore);
    this.restoreBackoff = restore;
  }

  /** Closes every namespace socket and the connection; the link cannot be used again. */
  close(): void {
    this.restoreBackoff?.();
    this.unsubscribe();
    for (const socket of this.sockets.values()) socket.disconnect();
    this.sockets.clear();
    this.presented.clear();
  }

  private invalidate(socket: Socket): void {
    const token = this.presented.get(socket);
    this.presented.delete(socket);
    if (token !== undefined) this.opts.auth.invalidate(token);
  }

  private renew(socket: Socket, token: string, attempts: number): void {
    socket
      .timeout(RENEW_TIMEOUT_MS)
      .emit('session:renew', { accessToken: token }, (err: Error | null, raw: unknown) => {
        if (!socket.connected || this.opts.auth.accessToken !== token) return;
        if (err) {
          // Unanswered (a slow or stalled transport): try again while the token is still newest.
          if (attempts > 1) this.renew(socket, token, attempts - 1);
          return;
        }
        const res = sessionRenewResultSchema.safeParse(raw);
        this.lastRenewalValue = res.success ? res.data : null;
        if (res.success && res.data.ok) {
          this.presented.set(socket, token);
          this.renewed++;
        }
        // A refused renewal leaves the old deadline: the server ends the connection when it
        // passes, and the reconnect's handshake gets a fresh session.
      });
  }
}
