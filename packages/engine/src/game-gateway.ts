import {
  type ClientToServerEvents,
  clientEventSchemas,
  type ErrorPayload,
  handshakeSchema,
  type JoinResult,
  PROTOCOL_VERSION,
  protocolError,
  type ServerToClientEvents,
} from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { DEFAULT_GUARD_LIMITS, type GuardLimits, InboundGuard } from './inbound-guard.js';
import type { RoomMember } from './member.js';
import type { RoomRegistry } from './room-registry.js';
import type { PlayerSession, SessionRegistry } from './sessions.js';
import { SocketLink } from './socket-link.js';

export interface GameGatewayOptions {
  namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;
  rooms: RoomRegistry;
  sessions: SessionRegistry;
  logger: Logger;
  guardLimits?: GuardLimits;
  /** Name for a player who did not choose one. */
  defaultName: () => string;
}

type GameSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

interface ConnectionContext {
  socket: GameSocket;
  session: PlayerSession;
  link: SocketLink;
  log: Logger;
  /** This connection's presence in a sector, if it has joined one. */
  presence: { sector: string; member: RoomMember } | null;
}

const roomKey = (sector: string) => `sector:${sector}`;

class HandshakeError extends Error {
  readonly data: ErrorPayload;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.data = payload;
  }
}

/**
 * The real-time game endpoint: admits connections (protocol version, identity), validates every
 * message through an InboundGuard, and routes joins, inputs and pings to rooms.
 */
export class GameGateway {
  private readonly nsp: Namespace<ClientToServerEvents, ServerToClientEvents>;
  private readonly log: Logger;

  constructor(private readonly opts: GameGatewayOptions) {
    this.nsp = opts.namespace;
    this.log = opts.logger;
    this.nsp.use((socket, next) => {
      try {
        this.admit(socket);
        next();
      } catch (err) {
        if (err instanceof HandshakeError) {
          this.log.info({ code: err.data.code }, 'connection refused: %s', err.message);
          next(err);
        } else {
          this.log.error({ err }, 'handshake failed');
          next(new HandshakeError(protocolError('INTERNAL', 'server error during handshake')));
        }
      }
    });
    this.nsp.on('connection', (socket) => this.onConnection(socket));
  }

  /** Ends a session at once (the page is unloading). Returns false for an unknown token. */
  leaveByToken(token: string): boolean {
    const session = this.opts.sessions.byLeaveToken(token);
    if (!session) return false;
    this.opts.sessions.forget(session);
    const socket = session.connectionId ? this.nsp.sockets.get(session.connectionId) : undefined;
    if (socket) socket.disconnect(true);
    return true;
  }

  /** Tells everyone the server is going away and closes their connections. */
  shutdown(): void {
    for (const socket of this.nsp.sockets.values()) {
      socket.emit('server:error', protocolError('SERVER_SHUTTING_DOWN', 'server is restarting'));
      socket.disconnect(true);
    }
  }

  get connections(): number {
    return this.nsp.sockets.size;
  }

  private admit(socket: GameSocket): void {
    const parsed = handshakeSchema.safeParse(socket.handshake.auth);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HandshakeError(
        protocolError(
          'BAD_HANDSHAKE',
          `bad handshake: ${issue?.path.join('.') || 'auth'}: ${issue?.message}`,
        ),
      );
    }
    const auth = parsed.data;
    if (auth.protocol !== PROTOCOL_VERSION) {
      throw new HandshakeError(
        protocolError(
          'PROTOCOL_MISMATCH',
          `client speaks protocol ${auth.protocol} but this server speaks ${PROTOCOL_VERSION}; reload the page`,
        ),
      );
    }
    const sessions = this.opts.sessions;
    const session = sessions.resume(auth.resume) ?? sessions.create(auth.name ?? this.opts.defaultName());
    if (auth.name) session.name = auth.name;
    const previous = session.connectionId ? this.nsp.sockets.get(session.connectionId) : undefined;
    session.connectionId = socket.id;
    // A resumed session may still hold a connection the server has not noticed is dead yet.
    previous?.disconnect(true);
    socket.data.session = session;
  }

  private onConnection(socket: GameSocket): void {
    const session = socket.data.session as PlayerSession;
    const log = this.log.child({ player: session.playerId, conn: socket.id });
    const link = new SocketLink(socket, (s) => {
      log.warn('reliable queue overflow: disconnecting a connection that cannot keep up');
      s.disconnect(true);
    });
    const ctx: ConnectionContext = { socket, session, link, log, presence: null };
    const guard = new InboundGuard(clientEventSchemas, this.opts.guardLimits ?? DEFAULT_GUARD_LIMITS);
    log.debug({ transport: socket.conn.transport.name }, 'connected');

    socket.use((packet, _next) => {
      const verdict = guard.check(packet);
      if (!verdict.ok) {
        // A request that expects an answer gets its refusal as the answer, not only as an event.
        if (verdict.ack && packet[0] === 'join') verdict.ack({ ok: false, error: verdict.error });
        if (verdict.report) link.sendError(verdict.error);
        if (verdict.abusive) {
          log.warn({ code: verdict.error.code }, 'disconnecting abusive client');
          socket.disconnect(true);
        } else {
          log.debug({ code: verdict.error.code }, verdict.error.message);
        }
        return;
      }
      try {
        this.dispatch(ctx, packet[0] as keyof typeof clientEventSchemas, verdict.data, verdict.ack);
      } catch (err) {
        log.error({ err, event: packet[0] }, 'handler failed');
        link.sendError(protocolError('INTERNAL', 'the server failed to handle that message'));
      }
    });

    socket.on('disconnect', (reason) => {
      log.debug({ reason }, 'disconnected');
      this.leaveSector(ctx, true);
      if (session.connectionId === socket.id) this.opts.sessions.release(session);
    });
  }

  private dispatch(
    ctx: ConnectionContext,
    event: keyof typeof clientEventSchemas,
    data: unknown,
    ack: ((...args: unknown[]) => void) | null,
  ): void {
    switch (event) {
      case 'join':
        this.join(ctx, (data as { sector: string }).sector, ack);
        return;
      case 'i': {
        const [seq, buttons, snapshotAck] = data as [number, number, number];
        ctx.presence?.member.enqueueInput(seq, buttons, snapshotAck);
        return;
      }
      case 'ping': {
        const room = ctx.presence ? this.opts.rooms.get(ctx.presence.sector) : undefined;
        ack?.({ t: data as number, tick: room?.tick ?? 0 });
        return;
      }
      case 'leave':
        this.leaveSector(ctx, false);
        ctx.session.saved = null;
        return;
    }
  }

  private join(ctx: ConnectionContext, sector: string, ack: ((res: JoinResult) => void) | null): void {
    const { session, socket } = ctx;
    const reply = (res: JoinResult) => ack?.(res);
    const refuse = (error: ErrorPayload) => {
      ctx.log.info({ sector, code: error.code }, 'join refused');
      reply({ ok: false, error });
    };
    if (ctx.presence?.sector !== sector) this.leaveSector(ctx, true);
    const room = this.opts.rooms.getOrCreate(sector);
    if (!room) {
      refuse(
        protocolError(
          'SECTOR_LIMIT',
          'the server runs as many sectors as it can; join an existing one',
          'join',
        ),
      );
      return;
    }
    if (!room.has(session.playerId) && room.isFull) {
      refuse(protocolError('SECTOR_FULL', `sector "${sector}" is full (${room.capacity} players)`, 'join'));
      return;
    }
    const resume = session.saved?.sector === sector ? session.saved : null;
    const { member, own } = room.join(session.playerId, session.name, ctx.link, resume);
    ctx.presence = { sector, member };
    session.saved = null;
    socket.join(roomKey(sector));
    const entry = { id: session.playerId, name: session.name, handle: member.handle };
    socket.to(roomKey(sector)).emit('player:joined', entry);
    ctx.log.info({ sector, resumed: resume !== null }, 'joined sector');
    reply({
      ok: true,
      playerId: session.playerId,
      name: session.name,
      sector,
      handle: member.handle,
      tickRate: room.tickRate,
      snapshotRate: room.snapshotRate,
      lastInputSeq: member.lastAppliedSeq,
      own: [...own],
      resume: session.resumeToken,
      leaveToken: session.leaveToken,
      roster: room.roster(),
    });
  }

  /** Removes the player from its sector; `keepForResume` saves the ship for a reconnect. */
  private leaveSector(ctx: ConnectionContext, keepForResume: boolean): void {
    const { session, socket, presence } = ctx;
    if (!presence) return;
    ctx.presence = null;
    socket.leave(roomKey(presence.sector));
    // Leaves only if this connection still owns the presence (a newer connection may have taken it).
    const left = this.opts.rooms.get(presence.sector)?.leave(session.playerId, presence.member);
    if (!left) return;
    session.saved = keepForResume ? { sector: presence.sector, ...left } : null;
    this.nsp.to(roomKey(presence.sector)).emit('player:left', { id: session.playerId });
  }
}
