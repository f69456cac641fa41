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
import type { SocketAuth } from '../auth/socket-auth.js';
import { DEFAULT_GUARD_LIMITS, type GuardLimits, InboundGuard } from '../inbound-guard.js';
import { SocketLink } from '../socket-link.js';
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
  private readonly limits: GuardLimits;

  constructor(private readonly opts: ChatGatewayOptions) {
    this.nsp = opts.namespace;
    this.log = opts.logger;
    this.channels = opts.channels;
    this.limits = opts.guardLimits ?? DEFAULT_GUARD_LIMITS;
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
    const { auth } = this.opts;
    const first = auth.track(socket);
    const log = this.log.child({ player: first.playerId, conn: socket.id });
    // Every drop here ends the /chat namespace only: `disconnect(true)` would close the shared
    // engine.io connection and take /game with it. The client reconnects /chat by itself.
    const dropChat = (reason: string) => {
      log.warn({ reason }, 'dropping a chat connection');
      socket.disconnect();
    };
    const link = new SocketLink(socket as unknown as Socket, () => {
      dropChat('queue overflow: a reader that cannot keep up');
    });
    const conn: ChatConnection = {
      id: socket.id,
      // Renewals may change the name or role (never the player); every check reads the newest.
      get principal() {
        return auth.principalOf(socket) ?? first;
      },
      send: (event, payload) => link.emitReliable(event, payload),
      drop: (reason) => dropChat(reason),
    };
    const guard = new InboundGuard(CHAT_SCHEMAS, this.limits);
    // Refusals after validation (over the publish rate, forbidden channels) draw on the guard's
    // violation budget: one budget for everything a client does wrong.
    const refused = (error: ErrorPayload) => {
      if (!ABUSE_CODES.has(error.code) || guard.charge() || !socket.connected) return;
      dropChat(`abusive client (${error.code})`);
    };
    log.debug({ transport: socket.conn.transport.name }, 'chat connected');

    socket.use((packet, _next) => {
      const verdict = guard.check(packet);
      if (!verdict.ok) {
        if (verdict.ack) verdict.ack({ ok: false, error: verdict.error });
        if (verdict.report) link.emitReliable('server:error', verdict.error);
        if (verdict.abusive) dropChat(`abusive client (${verdict.error.code})`);
        return;
      }
      const event = packet[0] as keyof typeof CHAT_SCHEMAS;
      const answer = (res: unknown) => {
        if (verdict.ack) verdict.ack(res);
        else if (isFailure(res)) link.emitReliable('server:error', res.error);
      };
      this.dispatch(socket, conn, event, verdict.data, answer, refused, log);
    });

    socket.on('disconnect', (reason) => {
      log.debug({ reason }, 'chat disconnected');
      this.channels.disconnected(socket.id);
    });
    void this.channels.connected(conn);
  }

  private dispatch(
    socket: ChatSocket,
    conn: ChatConnection,
    event: string,
    data: unknown,
    answer: (res: unknown) => void,
    refused: (error: ErrorPayload) => void,
    log: Logger,
  ): void {
    switch (event) {
      case 'channel:subscribe':
        void this.channels.subscribe(conn.id, data as SubscribeRequest, (res) => {
          if (!res.ok) refused(res.error);
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
            const error = failureOf(err, 'channel:publish', log);
            refused(error);
            answer({ ok: false, error });
          },
        );
        return;
      }
      case 'channel:read':
        this.channels.markRead(conn.id, data as ReadMark).catch((err: unknown) => {
          log.warn({ err }, 'could not store a read mark');
        });
        return;
      case 'session:renew':
        this.opts.auth.renew(socket, (data as SessionRenew).accessToken).then(answer, (err: unknown) => {
          answer({ ok: false, error: failureOf(err, 'session:renew', log) });
        });
        return;
    }
  }
}

/** A ChannelError is the client's answer; anything else is the server's fault, logged. */
function failureOf(err: unknown, event: string, log: Logger): ErrorPayload {
  if (err instanceof ChannelError) return { ...err.error, event };
  log.error({ err, event }, 'chat request failed');
  return protocolError('UNAVAILABLE', 'the server could not do that right now; try again', event);
}

function isFailure(res: unknown): res is { ok: false; error: ErrorPayload } {
  return typeof res === 'object' && res !== null && (res as { ok?: unknown }).ok === false;
}
