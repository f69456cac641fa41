import {
  type ClientToServerEvents,
  clientEventSchemas,
  type ErrorPayload,
  handshakeSchema,
  PROTOCOL_VERSION,
  protocolError,
  type ServerToClientEvents,
} from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import type { z } from 'zod';
import { ConnectionContext, type GameSocket } from './connection-context.js';
import type { GatewayHooks, PlayerConnection } from './gateway-hooks.js';
import type { Identity } from './identity.js';
import { randomId } from './ids.js';
import { DEFAULT_GUARD_LIMITS, type GuardLimits, InboundGuard } from './inbound-guard.js';
import type { RoomRegistry } from './room-registry.js';
import { SectorPresence, sectorRoomKey } from './sector-presence.js';
import type { SessionRegistry } from './sessions.js';
import { SocketLink } from './socket-link.js';

export interface GameGatewayOptions {
  namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;
  rooms: RoomRegistry;
  sessions: SessionRegistry;
  logger: Logger;
  hooks: GatewayHooks;
  guardLimits?: GuardLimits;
}

type Ack = ((...args: unknown[]) => void) | null;
type BuiltinEvent = keyof typeof clientEventSchemas;

class HandshakeError extends Error {
  readonly data: ErrorPayload;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.data = payload;
  }
}

/**
 * The real-time game endpoint: admits connections (protocol version, identity from the game's
 * identity provider), validates every message through an InboundGuard, routes joins, inputs and
 * pings to rooms and the game's own commands to its handlers. A player may have several
 * connections (tabs); one of them pilots the player's avatar, the others are displaced.
 */
export class GameGateway {
  private readonly nsp: Namespace<ClientToServerEvents, ServerToClientEvents>;
  private readonly log: Logger;
  private readonly hooks: GatewayHooks;
  private readonly schemas: Readonly<Record<string, z.ZodType>>;
  private readonly contexts = new Map<string, ConnectionContext>();
  private readonly byLeaveToken = new Map<string, ConnectionContext>();
  private readonly presence: SectorPresence;

  constructor(private readonly opts: GameGatewayOptions) {
    this.nsp = opts.namespace;
    this.log = opts.logger;
    this.hooks = opts.hooks;
    const commands = Object.fromEntries(
      Object.entries(this.hooks.commands ?? {}).map(([name, spec]) => [name, spec.schema]),
    );
    this.schemas = { ...commands, ...clientEventSchemas };
    this.presence = new SectorPresence({
      namespace: this.nsp,
      rooms: opts.rooms,
      hooks: this.hooks,
      contextOf: (id) => this.contexts.get(id),
      runHook: (name, run) => this.runHook(name, run),
    });
    this.nsp.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (err: unknown) => {
          if (err instanceof HandshakeError) {
            this.log.info({ code: err.data.code }, 'connection refused: %s', err.message);
            next(err);
          } else {
            this.log.error({ err }, 'handshake failed');
            next(
              new HandshakeError(protocolError('UNAVAILABLE', 'the server cannot admit players right now')),
            );
          }
        },
      );
    });
    this.nsp.on('connection', (socket) => this.onConnection(socket));
  }

  /** Ends a connection's presence at once (its page is unloading). False for an unknown token. */
  leaveByToken(token: string): boolean {
    const ctx = this.byLeaveToken.get(token);
    if (!ctx) return false;
    this.presence.leave(ctx, false);
    ctx.session.saved = null;
    ctx.socket.disconnect(true);
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

  /** Every live connection of a player (empty when offline on this node). */
  connectionsOf(playerId: string): PlayerConnection[] {
    const session = this.opts.sessions.get(playerId);
    if (!session) return [];
    const out: PlayerConnection[] = [];
    for (const id of session.connections) {
      const ctx = this.contexts.get(id);
      if (ctx) out.push(ctx);
    }
    return out;
  }

  sendToPlayer(playerId: string, event: string, payload: unknown): void {
    for (const conn of this.connectionsOf(playerId)) conn.send(event, payload);
  }

  /** Reliable send to every connection whose avatar is in the sector. */
  broadcast(sector: string, event: string, payload: unknown): void {
    for (const id of this.nsp.adapter.rooms.get(sectorRoomKey(sector)) ?? [])
      this.contexts.get(id)?.send(event, payload);
  }

  private async admit(socket: GameSocket): Promise<void> {
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
    const identity: Identity = await this.hooks.identity.identify({ token: auth.token, name: auth.name });
    socket.data.identity = identity;
  }

  private onConnection(socket: GameSocket): void {
    const identity = socket.data.identity as Identity;
    const session = this.opts.sessions.attach(identity.playerId, identity.name, socket.id);
    const log = this.log.child({ player: session.playerId, conn: socket.id });
    const link = new SocketLink(socket, (s) => {
      log.warn('reliable queue overflow: disconnecting a connection that cannot keep up');
      s.disconnect(true);
    });
    const ctx = new ConnectionContext(socket, session, link, log, randomId('l', 18));
    this.contexts.set(socket.id, ctx);
    this.byLeaveToken.set(ctx.leaveToken, ctx);
    // First thing the client hears: who it is (before any join, so even a tab that never joins,
    // or whose join is refused, keeps its profile token).
    socket.emit('identity', { playerId: identity.playerId, name: identity.name, token: identity.token });
    const guard = new InboundGuard(this.schemas, this.opts.guardLimits ?? DEFAULT_GUARD_LIMITS);
    log.debug({ transport: socket.conn.transport.name }, 'connected');

    socket.use((packet, _next) => {
      const verdict = guard.check(packet);
      if (!verdict.ok) {
        // A request that expects an answer gets its refusal as the answer, not only as an event.
        if (verdict.ack) verdict.ack({ ok: false, error: verdict.error });
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
        this.dispatch(ctx, packet[0] as string, verdict.data, verdict.ack);
      } catch (err) {
        log.error({ err, event: packet[0] }, 'handler failed');
        link.sendError(protocolError('INTERNAL', 'the server failed to handle that message'));
      }
    });

    socket.on('disconnect', (reason) => {
      log.debug({ reason }, 'disconnected');
      this.presence.leave(ctx, true);
      this.contexts.delete(socket.id);
      this.byLeaveToken.delete(ctx.leaveToken);
      this.opts.sessions.detach(session, socket.id);
      this.runHook('disconnected', () => this.hooks.disconnected?.(ctx));
    });
    this.runHook('connected', () => this.hooks.connected?.(ctx));
  }

  private dispatch(ctx: ConnectionContext, event: string, data: unknown, ack: Ack): void {
    if (!Object.hasOwn(clientEventSchemas, event)) {
      this.runCommand(ctx, event, data, ack);
      return;
    }
    switch (event as BuiltinEvent) {
      case 'join':
        this.presence.join(ctx, (data as { sector: string }).sector, ack);
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
        this.presence.leave(ctx, false);
        ctx.session.saved = null;
        return;
      case 'inbox:ack':
        this.runHook('acknowledged', () => this.hooks.acknowledged?.(ctx, (data as { upTo: number }).upTo));
        return;
    }
  }

  private runCommand(ctx: ConnectionContext, event: string, data: unknown, ack: Ack): void {
    const spec = this.hooks.commands?.[event];
    if (!spec) return;
    Promise.resolve()
      .then(() => spec.handle(ctx, data))
      .then(
        (result) => ack?.(result),
        (err: unknown) => {
          ctx.log.error({ err, event }, 'command failed');
          ack?.(spec.failure('the server could not do that right now; try again'));
        },
      );
  }

  private runHook(name: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.log.error({ err, hook: name }, 'gateway hook failed');
    }
  }
}
