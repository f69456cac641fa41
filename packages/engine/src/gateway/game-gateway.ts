import {
  type ClientToServerEvents,
  clientEventSchemas,
  clientEventShortcuts,
  type ErrorPayload,
  protocolError,
  type ServerToClientEvents,
} from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import { z } from 'zod';
import type { SocketAuth } from '../auth/socket-auth.js';
import { randomId } from '../ids.js';
import type { CarriedAvatar } from '../rooms/carried-avatars.js';
import type { RoomRegistry } from '../rooms/room-registry.js';
import { ConnectionContext, type GameSocket } from './connection-context.js';
import type { GatewayHooks, PlayerConnection } from './gateway-hooks.js';
import { DEFAULT_GUARD_LIMITS, type GuardLimits, InboundGuard } from './inbound-guard.js';
import { tapInbound } from './inbound-tap.js';
import type { RefusalStats } from './refusal-stats.js';
import { SectorPresence, sectorRoomKey } from './sector-presence.js';
import type { SessionRegistry } from './sessions.js';
import { SocketLink } from './socket-link.js';

export interface GameGatewayOptions {
  namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;
  rooms: RoomRegistry;
  sessions: SessionRegistry;
  logger: Logger;
  hooks: GatewayHooks;
  /** Admits connections by their access token and keeps each one's session from expiring unnoticed. */
  auth: SocketAuth;
  guardLimits?: GuardLimits;
  /** A joined connection that sends nothing for this long is dropped. Default MEMBER_SILENCE_MS. */
  memberSilenceMs?: number;
  /** Counts refused messages and abusive disconnects (GET /metrics). */
  refusals?: RefusalStats;
}

/**
 * A joined player's client sends an input every tick and a ping every 2 s; one that has sent
 * nothing for this long is gone (a closed tab whose leave signal was lost, a dead network) and
 * is dropped like any lost connection (its ship waits out the resume grace). The transport's
 * heartbeat (25 s + 20 s, sized for tens of thousands of idle tabs) would take longer.
 */
export const MEMBER_SILENCE_MS = 15_000;
const SILENCE_SWEEP_MS = 1000;

/** The server-side event that tells one node of a cluster to displace its pilot of a player. */
const DISPLACE_PILOT = 'perihelion:displace-pilot';
const displaceOrderSchema = z.object({
  node: z.string(),
  playerId: z.string(),
  sector: z.string(),
  at: z.number(),
});

type Ack = ((...args: unknown[]) => void) | null;
type BuiltinEvent = keyof typeof clientEventSchemas;

/**
 * The real-time game endpoint: admits connections (protocol version and a valid access token,
 * through SocketAuth), validates every message through an InboundGuard, routes joins, inputs and
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
  /** The sector last reported to the sectorChanged hook, per player. */
  private readonly reportedSector = new Map<string, string>();
  private readonly silenceSweep: ReturnType<typeof setInterval>;

  constructor(private readonly opts: GameGatewayOptions) {
    this.nsp = opts.namespace;
    this.log = opts.logger;
    this.hooks = opts.hooks;
    const commands = Object.fromEntries(
      Object.entries(this.hooks.commands ?? {}).map(([name, spec]) => [name, spec.schema]),
    );
    this.schemas = { ...commands, ...clientEventSchemas };
    const silenceMs = opts.memberSilenceMs ?? MEMBER_SILENCE_MS;
    this.silenceSweep = setInterval(
      () => this.dropSilentMembers(silenceMs),
      Math.min(SILENCE_SWEEP_MS, silenceMs),
    );
    this.silenceSweep.unref();
    this.presence = new SectorPresence({
      namespace: this.nsp,
      rooms: opts.rooms,
      hooks: this.hooks,
      contextOf: (id) => this.contexts.get(id),
      pilotOf: (playerId) => {
        const pilot = this.opts.sessions.get(playerId)?.pilot;
        return pilot ? this.contexts.get(pilot) : undefined;
      },
      displaceOn: (node, takeover) => this.nsp.server.serverSideEmit(DISPLACE_PILOT, { node, ...takeover }),
      runHook: (name, run) => this.runHook(name, run),
    });
    // Only in a cluster (a single node never displaces across nodes): the adapter spans the nodes.
    this.nsp.server.on(DISPLACE_PILOT, (raw: unknown) => {
      const order = displaceOrderSchema.safeParse(raw);
      if (order.success && order.data.node === this.opts.rooms.nodeId)
        this.presence.displacedElsewhere(order.data);
    });
    this.nsp.use(opts.auth.middleware);
    this.nsp.on('connection', (socket) => this.onConnection(socket));
  }

  /** Ends a connection's presence at once (its page is unloading). False for an unknown token. */
  leaveByToken(token: string): boolean {
    const ctx = this.byLeaveToken.get(token);
    if (!ctx) return false;
    this.presence.leave(ctx, false);
    ctx.session.saved = null;
    ctx.socket.disconnect(true);
    this.reportSector(ctx.playerId);
    return true;
  }

  /**
   * The sector of a player's avatar: where a connection of it pilots the ship, else where its
   * dropped ship waits for a reconnect (the resume grace); null when it has none on this node.
   */
  sectorOf(playerId: string): string | null {
    const session = this.opts.sessions.get(playerId);
    if (!session) return null;
    const pilot = session.pilot ? this.contexts.get(session.pilot) : undefined;
    return pilot?.presence?.sector ?? session.saved?.sector ?? null;
  }

  /**
   * Every avatar of a sector this node runs, to hand on with the sector: those in it, and those
   * waiting out a resume grace for a dropped player.
   */
  avatarsIn(sector: string): CarriedAvatar[] {
    const avatars = this.opts.rooms.get(sector)?.avatars() ?? [];
    const present = new Set(avatars.map((a) => a.playerId));
    for (const { playerId, saved } of this.opts.sessions.savedIn(sector)) {
      if (present.has(playerId)) continue;
      const own = saved.own ? [...saved.own] : null;
      avatars.push({ playerId, handle: saved.handle, own, lastInputSeq: saved.lastInputSeq });
    }
    return avatars;
  }

  /**
   * The sector no longer runs here (this node lost its lease, or handed it over): its connections
   * are sent to `node` (null: wherever the load balancer puts them), and the ships waiting out a
   * resume grace here are dropped (the new owner restores them from the sector's state).
   */
  sectorMoved(sector: string, node: string | null): void {
    const inSector: ConnectionContext[] = [];
    for (const id of this.nsp.adapter.rooms.get(sectorRoomKey(sector)) ?? []) {
      const ctx = this.contexts.get(id);
      if (ctx) inSector.push(ctx);
    }
    this.presence.moveOut(sector, node, inSector);
    for (const ctx of inSector) this.reportSector(ctx.playerId);
    this.opts.sessions.dropSaved(sector, (playerId) => this.reportSector(playerId));
    this.log.info({ sector, node, players: inSector.length }, 'sector moved to another node');
  }

  /** A player's session ended on this node (SessionRegistry's onForget): its sector is gone. */
  sessionForgotten(playerId: string): void {
    this.reportSector(playerId);
  }

  /**
   * An operator's kick: every game connection of the player on this node leaves its sector at once
   * (no resume grace: the ship is gone), is told why (`error`, e.g. KICKED) and is closed with the
   * whole connection it shares (chat included). How many connections were closed.
   */
  kick(playerId: string, error: ErrorPayload): number {
    const session = this.opts.sessions.get(playerId);
    if (!session) return 0;
    const kicked = [...session.connections].flatMap((id) => this.contexts.get(id) ?? []);
    for (const ctx of kicked) {
      this.presence.leave(ctx, false);
      ctx.link.sendError(error);
      ctx.socket.disconnect(true);
    }
    session.saved = null;
    this.reportSector(playerId);
    return kicked.length;
  }

  /** Every game connection this node holds (an operator's view of who is online). */
  liveConnections(): IterableIterator<ConnectionContext> {
    return this.contexts.values();
  }

  /** Tells everyone the server is going away and closes their connections. */
  shutdown(): void {
    clearInterval(this.silenceSweep);
    this.presence.close();
    for (const socket of this.nsp.sockets.values()) {
      socket.emit('server:error', protocolError('SERVER_SHUTTING_DOWN', 'server is restarting'));
      socket.disconnect(true);
    }
  }

  get connections(): number {
    return this.nsp.sockets.size;
  }

  private dropSilentMembers(silenceMs: number): void {
    const now = performance.now();
    for (const ctx of this.contexts.values()) {
      if (!ctx.presence || now - ctx.lastHeardAt < silenceMs) continue;
      ctx.log.info({ silentMs: Math.round(now - ctx.lastHeardAt) }, 'dropping a silent member');
      // As a lost connection: the ship waits out the resume grace; a live client reconnects.
      ctx.socket.conn.close();
    }
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

  /** Reliable send to every game connection of this node (e.g. the game's rules changed). */
  sendToAll(event: string, payload: unknown): void {
    for (const ctx of this.contexts.values()) ctx.send(event, payload);
  }

  /** Reliable send to every connection whose avatar is in the sector. */
  broadcast(sector: string, event: string, payload: unknown): void {
    for (const id of this.nsp.adapter.rooms.get(sectorRoomKey(sector)) ?? [])
      this.contexts.get(id)?.send(event, payload);
  }

  private onConnection(socket: GameSocket): void {
    const principal = this.opts.auth.track(socket);
    const session = this.opts.sessions.attach(principal.playerId, principal.name, socket.id);
    const log = this.log.child({ player: session.playerId, conn: socket.id });
    const link = new SocketLink(socket, (s) => {
      log.warn('reliable queue overflow: disconnecting a connection that cannot keep up');
      s.disconnect(true);
    });
    const ctx = new ConnectionContext(socket, session, link, log, randomId('l', 18));
    this.contexts.set(socket.id, ctx);
    this.byLeaveToken.set(ctx.leaveToken, ctx);
    // First thing the client hears: who its session says it is (before any join).
    socket.emit('identity', { playerId: principal.playerId, name: principal.name, role: principal.role });
    const guard = new InboundGuard(
      this.schemas,
      this.opts.guardLimits ?? DEFAULT_GUARD_LIMITS,
      clientEventShortcuts,
    );
    log.debug({ transport: socket.conn.transport.name }, 'connected');

    // Every message passes here: validated and rate-limited, then dispatched (or refused).
    const receive = (packet: unknown[]): void => {
      ctx.lastHeardAt = performance.now();
      const verdict = guard.check(packet);
      if (!verdict.ok) {
        // A request that expects an answer gets its refusal as the answer, not only as an event.
        if (verdict.ack) verdict.ack({ ok: false, error: verdict.error });
        if (verdict.report) link.sendError(verdict.error);
        this.opts.refusals?.messageRefused(this.nsp.name, verdict.error.code);
        if (verdict.abusive) {
          this.opts.refusals?.abusiveDisconnect(this.nsp.name, verdict.error.code);
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
    };
    socket.use((packet, _next) => receive(packet));
    // Input steps skip Socket.IO's dispatch (see tapInbound); the same checks apply.
    const untapInputs = tapInbound(socket, 'i', (payload) => receive(['i', payload]));

    socket.on('disconnect', (reason) => {
      untapInputs?.();
      log.debug({ reason }, 'disconnected');
      this.presence.leave(ctx, true);
      this.contexts.delete(socket.id);
      this.byLeaveToken.delete(ctx.leaveToken);
      this.opts.sessions.detach(session, socket.id);
      this.runHook('disconnected', () => this.hooks.disconnected?.(ctx));
      this.reportSector(session.playerId);
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
        // A join also displaces (or moves) the player's ship: report where it is now.
        this.presence.join(ctx, (data as { sector: string }).sector, ack, () =>
          this.reportSector(ctx.playerId),
        );
        this.reportSector(ctx.playerId);
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
        this.reportSector(ctx.playerId);
        return;
      case 'inbox:ack':
        this.runHook('acknowledged', () => this.hooks.acknowledged?.(ctx, (data as { upTo: number }).upTo));
        return;
      case 'session:renew':
        this.opts.auth.renew(ctx.socket, (data as { accessToken: string }).accessToken).then(
          (res) => {
            if (!res.ok) ctx.log.info({ code: res.error.code }, 'session renewal refused');
            ack?.(res);
          },
          (err: unknown) => {
            ctx.log.error({ err }, 'session renewal failed');
            ack?.({ ok: false, error: protocolError('INTERNAL', 'the server could not renew the session') });
          },
        );
        return;
    }
  }

  private reportSector(playerId: string): void {
    if (!this.hooks.sectorChanged) return;
    const now = this.sectorOf(playerId);
    if (now === (this.reportedSector.get(playerId) ?? null)) return;
    if (now === null) this.reportedSector.delete(playerId);
    else this.reportedSector.set(playerId, now);
    this.runHook('sectorChanged', () => this.hooks.sectorChanged?.(playerId, now));
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
