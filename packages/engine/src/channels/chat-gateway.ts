import {
  type ChatClientToServerEvents,
  type ChatServerToClientEvents,
  chatClientEventSchemas,
  type ErrorPayload,
  type PublishRequest,
  protocolError,
  type ReadMark,
  type SessionRenew,
  type SubscribeRequest,
  sessionRenewSchema,
} from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import type { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { SocketAuth } from '../auth/socket-auth.js';
import { DEFAULT_GUARD_LIMITS, type GuardLimits, InboundGuard } from '../gateway/inbound-guard.js';
import type { RefusalStats } from '../gateway/refusal-stats.js';
import { emitBounded } from '../gateway/socket-link.js';
import { ChannelError } from './channel-error.js';
import type { Channels } from './channels.js';
import { RoomFanout, type RoomNamespace } from './room-fanout.js';
import type { ChatConnection } from './subscription.js';

export type ChatNamespace = Namespace<ChatClientToServerEvents, ChatServerToClientEvents>;
type ChatSocket = Socket<ChatClientToServerEvents, ChatServerToClientEvents>;

export interface ChatGatewayOptions {
  /** `io.of(CHAT_NAMESPACE)`. */
  namespace: ChatNamespace;
  /**
   * The session checks shared by every namespace (`Realtime.auth`): admission by access token,
   * expiry without renewal, `session:renew`.
   */
  auth: SocketAuth;
  channels: Channels;
  logger: Logger;
  guardLimits?: GuardLimits;
  /** Counts refused messages and abusive disconnects (GET /metrics). */
  refusals?: RefusalStats;
}

/** Every event a `/chat` client may send, each with the schema it must match. */
const CHAT_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  ...chatClientEventSchemas,
  'session:renew': sessionRenewSchema,
};

/** Refusals that say the client asks for what it may not have: charged to its violation budget. */
const ABUSE_CODES: ReadonlySet<ErrorPayload['code']> = new Set(['RATE_LIMITED', 'FORBIDDEN', 'NOT_FOUND']);

/**
 * The `/chat` endpoint: admits a connection only with a valid access token (its own middleware,
 * beside `/game`'s on the same connection), validates every message through an InboundGuard, and
 * hands subscriptions, publishes and read marks to the Channels with the connection's principal:
 * whatever a payload says, the sender is who the session says.
 */
export class ChatGateway {
  private readonly nsp: ChatNamespace;
  private readonly log: Logger;
  private readonly channels: Channels;
  readonly limits: GuardLimits;
  readonly auth: SocketAuth;

  constructor(private readonly opts: ChatGatewayOptions) {
    this.nsp = opts.namespace;
    this.log = opts.logger;
    this.channels = opts.channels;
    this.limits = opts.guardLimits ?? DEFAULT_GUARD_LIMITS;
    this.auth = opts.auth;
    this.nsp.use(opts.auth.middleware);
    this.nsp.on('connection', (socket) => this.onConnection(socket));
    // Channel messages and presence batches go to Socket.IO rooms: one encode per broadcast.
    this.channels.useFanout(
      new RoomFanout(this.nsp as unknown as RoomNamespace, (socket) => {
        this.log.warn(
          { conn: socket.id },
          'dropping a chat connection: queue overflow, a reader that cannot keep up',
        );
        socket.disconnect();
      }),
    );
  }

  get connections(): number {
    return this.nsp.sockets.size;
  }

  /**
   * Tells every chat connection the server is going away and closes it, the whole shared
   * connection included (the process is stopping; every namespace goes).
   */
  shutdown(): void {
    for (const socket of this.nsp.sockets.values()) {
      socket.emit('server:error', protocolError('SERVER_SHUTTING_DOWN', 'server is restarting'));
      socket.disconnect(true);
    }
  }

  private onConnection(socket: ChatSocket): void {
    const conn = new ChatConn(socket, this, this.opts.auth.track(socket));
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug(
        { player: conn.principal.playerId, conn: conn.id, transport: socket.conn.transport.name },
        'chat connected',
      );
    }
    socket.use(conn.onPacket);
    socket.on('disconnect', this.onDisconnect);
    void this.channels.connected(conn);
  }

  /**
   * One listener for every connection (called with the socket as `this`): per-connection
   * closures are what an idle connection would otherwise pay for, thousands of times.
   */
  private readonly onDisconnect = ((gateway: ChatGateway) =>
    function (this: ChatSocket, reason: string): void {
      gateway.log.debug({ conn: this.id, reason }, 'chat disconnected');
      gateway.channels.disconnected(this.id);
    })(this);

  /** Checks one packet of `conn` and hands it on (see ChatConn.onPacket). */
  receive(conn: ChatConn, packet: unknown[]): void {
    const verdict = conn.guard.check(packet);
    if (!verdict.ok) {
      if (verdict.ack) verdict.ack({ ok: false, error: verdict.error });
      if (verdict.report) conn.send('server:error', verdict.error);
      this.opts.refusals?.messageRefused(this.nsp.name, verdict.error.code);
      if (verdict.abusive) this.dropAbusive(conn, verdict.error);
      return;
    }
    const answer = (res: unknown) => {
      if (verdict.ack) verdict.ack(res);
      else if (isFailure(res)) conn.send('server:error', res.error);
    };
    this.dispatch(conn, packet[0] as string, verdict.data, answer);
  }

  /**
   * Ends the /chat namespace only: `disconnect(true)` would close the shared engine.io
   * connection and take /game with it. The client reconnects /chat by itself.
   */
  dropChat(conn: ChatConn, reason: string): void {
    this.log.warn({ player: conn.principal.playerId, conn: conn.id, reason }, 'dropping a chat connection');
    conn.socket.disconnect();
  }

  /**
   * Refusals after validation (over the publish rate, forbidden channels) draw on the guard's
   * violation budget: one budget for everything a client does wrong.
   */
  private refused(conn: ChatConn, error: ErrorPayload): void {
    if (!ABUSE_CODES.has(error.code)) return;
    this.opts.refusals?.messageRefused(this.nsp.name, error.code);
    if (conn.guard.charge() || !conn.socket.connected) return;
    this.dropAbusive(conn, error);
  }

  private dropAbusive(conn: ChatConn, error: ErrorPayload): void {
    this.opts.refusals?.abusiveDisconnect(this.nsp.name, error.code);
    conn.drop(`abusive client (${error.code})`);
  }

  private dispatch(conn: ChatConn, event: string, data: unknown, answer: (res: unknown) => void): void {
    switch (event) {
      case 'channel:subscribe':
        void this.channels.subscribe(conn.id, data as SubscribeRequest, (res) => {
          if (!res.ok) this.refused(conn, res.error);
          answer(res);
        });
        return;
      case 'channel:unsubscribe':
        this.channels.unsubscribe(conn.id, (data as { channel: string }).channel);
        return;
      case 'channel:publish': {
        const req = data as PublishRequest;
        this.channels.publish(conn.id, req).then(
          ({ offset, at }) => answer({ ok: true, channel: req.channel, offset, at }),
          (err: unknown) => {
            const error = this.failureOf(conn, err, 'channel:publish');
            this.refused(conn, error);
            answer({ ok: false, error });
          },
        );
        return;
      }
      case 'channel:read':
        this.channels.markRead(conn.id, data as ReadMark).catch((err: unknown) => {
          this.log.warn(
            { err, player: conn.principal.playerId, conn: conn.id },
            'could not store a read mark',
          );
        });
        return;
      case 'session:renew':
        this.opts.auth.renew(conn.socket, (data as SessionRenew).accessToken).then(answer, (err: unknown) => {
          answer({ ok: false, error: this.failureOf(conn, err, 'session:renew') });
        });
        return;
    }
  }

  /** A ChannelError is the client's answer; anything else is the server's fault, logged. */
  private failureOf(conn: ChatConn, err: unknown, event: string): ErrorPayload {
    if (err instanceof ChannelError) return { ...err.error, event };
    this.log.error({ err, event, player: conn.principal.playerId, conn: conn.id }, 'chat request failed');
    return protocolError('UNAVAILABLE', 'the server could not do that right now; try again', event);
  }
}

/**
 * One /chat connection: what the Channels see of it (id, principal, bounded sends, drop) and its
 * message checks. A class, not an object of closures: an idle connection keeps this object, its
 * guard and one packet hook, and nothing else of the gateway's.
 */
class ChatConn implements ChatConnection {
  readonly id: string;
  readonly guard: InboundGuard;
  /** For `socket.use`: Socket.IO calls its middleware without a `this`. */
  readonly onPacket: (packet: unknown[], next: (err?: Error) => void) => void;

  constructor(
    readonly socket: ChatSocket,
    private readonly gateway: ChatGateway,
    private readonly first: Principal,
  ) {
    this.id = socket.id;
    this.guard = new InboundGuard(CHAT_SCHEMAS, gateway.limits);
    this.onPacket = (packet) => gateway.receive(this, packet);
  }

  /** Renewals may change the name or role (never the player); every check reads the newest. */
  get principal(): Principal {
    return this.gateway.auth.principalOf(this.socket) ?? this.first;
  }

  send<E extends keyof ChatServerToClientEvents>(
    event: E,
    payload: Parameters<ChatServerToClientEvents[E]>[0],
  ): void {
    if (!emitBounded(this.socket, event, payload)) this.drop('queue overflow: a reader that cannot keep up');
  }

  drop(reason: string): void {
    this.gateway.dropChat(this, reason);
  }
}

function isFailure(res: unknown): res is { ok: false; error: ErrorPayload } {
  return typeof res === 'object' && res !== null && (res as { ok?: unknown }).ok === false;
}
