import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import {
  type ClientToServerEvents,
  GAME_NAMESPACE,
  MAX_TRANSPORT_BYTES,
  perihelionParser,
  protocolError,
  SESSION_ID_SEPARATOR,
  type ServerToClientEvents,
} from '@perihelion/protocol';
import type { Logger } from 'pino';
import { Server, type ServerOptions } from 'socket.io';
import type { Authenticator } from './auth/principal.js';
import { SocketAuth } from './auth/socket-auth.js';
import { LocalLeases, type RoomLeases } from './cluster/leases.js';
import { PlayerReach } from './cluster/player-reach.js';
import { GameGateway } from './gateway/game-gateway.js';
import type { GatewayHooks } from './gateway/gateway-hooks.js';
import type { GuardLimits } from './gateway/inbound-guard.js';
import type { RefusalStats } from './gateway/refusal-stats.js';
import { SessionRegistry } from './gateway/sessions.js';
import { type PreparedRoom, RoomRegistry } from './rooms/room-registry.js';
import type { RoomStats } from './rooms/room-stats.js';
import type { SimulationFactory } from './rooms/simulation.js';

export interface RealtimeOptions {
  httpServer: HttpServer;
  logger: Logger;
  /**
   * This node's id: every Engine.IO session id starts with it and a dot, so a load balancer routes
   * each request of a session to the node that holds it from the id alone (no cookie, whatever
   * the client's address). Default: no prefix.
   */
  nodeId?: string;
  createSimulation: SimulationFactory;
  /** Socket.IO's adapter for a cluster (see openSocketAdapter); default: in memory, one node. */
  adapter?: ServerOptions['adapter'];
  tickRate: number;
  snapshotRate: number;
  sectorCapacity: number;
  maxSectors: number;
  /** How long a dropped player's ship waits for a reconnect. */
  resumeGraceMs: number;
  /** Heartbeat: a silent peer is dropped after pingIntervalMs + pingTimeoutMs. */
  pingIntervalMs: number;
  /** A joined game connection that sends nothing for this long is dropped (see GameGateway). */
  memberSilenceMs?: number;
  pingTimeoutMs: number;
  /** Checks the access token of every handshake (e.g. SessionTokens). */
  authenticator: Authenticator;
  /** Extra time a connection keeps after its token expired, for a renewal in flight. Default 1 s. */
  sessionExpiryGraceMs?: number;
  /** The game's commands and hooks around a connection's life. */
  hooks: GatewayHooks;
  guardLimits?: GuardLimits;
  stats?: RoomStats;
  /** Counts refused handshakes and messages of every namespace (GET /metrics). */
  refusals?: RefusalStats;
  /** Who runs each sector in a cluster (RedisLeases); default: every sector runs on this node. */
  leases?: RoomLeases;
  /** Readies a sector's stored state for a grant of its lease (see RoomRegistryOptions.prepare). */
  prepareRoom?: (id: string, fence: number) => Promise<PreparedRoom>;
  /** A sector stopped running on this node (lost or handed over); its simulation is gone. */
  roomClosed?: (id: string) => void;
  /**
   * Stores a sector's whole state now (its world and `gateway.avatarsIn(id)`), under this node's
   * fence, before the sector is handed to another node.
   */
  saveRoom?: (id: string) => Promise<void>;
  /** The node a sector nobody runs should start on (see RoomRegistryOptions.place). */
  placeRoom?: (id: string) => string;
  /** Whether a node of the cluster is alive (see RoomRegistryOptions.isLive). */
  nodeIsLive?: (node: string) => boolean;
}

export interface Realtime {
  /** The Socket.IO server: more namespaces (e.g. `/chat`) go on it, sharing its connections. */
  io: Server;
  /** Session checks to apply to any other namespace: `auth.protect(io.of('/chat'))`. */
  auth: SocketAuth;
  gateway: GameGateway;
  rooms: RoomRegistry;
  sessions: SessionRegistry;
  /** Where other namespaces (e.g. `/chat`) count their refusals too; null when none was given. */
  refusals: RefusalStats | null;
  /**
   * Hands a sector this node runs to `toNode` (null or this node: to whoever comes first): stops
   * it, saves its state (saveRoom), passes the lease on and sends its players there.
   */
  handOver(id: string, toNode: string | null): Promise<void>;
  /** Hands every sector over, each to the node `pick` names for it; how many went to another node. */
  handOverAll(pick: (id: string) => string | null): Promise<number>;
  /** Whether the player has a game connection on any node (this one, or another in a cluster). */
  connectedAnywhere(playerId: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Socket.IO on the given HTTP server: WebSocket and HTTP long-polling on one port, with the
 * transport-level size cap and heartbeat, and the game namespace wired to rooms. Every namespace
 * shares the one connection a client opens (multiplexed), each admitting through `auth` itself.
 */
export function attachRealtime(opts: RealtimeOptions): Realtime {
  const io = new Server(opts.httpServer, {
    transports: ['polling', 'websocket'],
    maxHttpBufferSize: MAX_TRANSPORT_BYTES,
    pingInterval: opts.pingIntervalMs,
    pingTimeout: opts.pingTimeoutMs,
    serveClient: false,
    // One frame per snapshot instead of two (see the protocol's socket-parser).
    parser: perihelionParser,
    ...(opts.adapter ? { adapter: opts.adapter } : {}),
  });
  if (opts.nodeId !== undefined) {
    const prefix = `${opts.nodeId}${SESSION_ID_SEPARATOR}`;
    // 15 random bytes, as engine.io's own ids have; base64url has no dot, so the prefix is unambiguous.
    io.engine.generateId = () => prefix + randomBytes(15).toString('base64url');
  }
  // Nothing is served on the main namespace; refusing it keeps anyone from holding a connection
  // open there without a session.
  io.of('/').use((_socket, next) => {
    const message = 'connect to a namespace such as /game or /chat';
    next(Object.assign(new Error(message), { data: protocolError('NOT_FOUND', message) }));
  });
  const leases = opts.leases ?? new LocalLeases(opts.nodeId ?? 'local');
  const rooms = new RoomRegistry({
    tickRate: opts.tickRate,
    snapshotRate: opts.snapshotRate,
    capacity: opts.sectorCapacity,
    maxRooms: opts.maxSectors,
    createSimulation: opts.createSimulation,
    leases,
    ...(opts.stats ? { stats: opts.stats } : {}),
    ...(opts.prepareRoom ? { prepare: opts.prepareRoom } : {}),
    ...(opts.placeRoom ? { place: opts.placeRoom } : {}),
    ...(opts.nodeIsLive ? { isLive: opts.nodeIsLive } : {}),
    carryForMs: opts.resumeGraceMs,
    // Its players go to whichever node runs it now (asked of the leases; unknown: any node).
    onLost: (room) => {
      opts.logger.warn({ sector: room.id }, 'this node no longer holds the sector; moving its players');
      opts.roomClosed?.(room.id);
      leases.ownerOf(room.id).then(
        (owner) => gateway.sectorMoved(room.id, owner === leases.nodeId ? null : owner),
        () => gateway.sectorMoved(room.id, null),
      );
    },
  });
  const auth = new SocketAuth({
    authenticator: opts.authenticator,
    logger: opts.logger,
    ...(opts.sessionExpiryGraceMs !== undefined ? { expiryGraceMs: opts.sessionExpiryGraceMs } : {}),
    ...(opts.refusals ? { refusals: opts.refusals } : {}),
  });
  const sessions = new SessionRegistry(opts.resumeGraceMs, (playerId) => gateway.sessionForgotten(playerId));
  const gateway: GameGateway = new GameGateway({
    namespace: io.of(GAME_NAMESPACE) as unknown as GameGatewayNamespace,
    rooms,
    sessions,
    logger: opts.logger,
    hooks: opts.hooks,
    auth,
    ...(opts.guardLimits ? { guardLimits: opts.guardLimits } : {}),
    ...(opts.memberSilenceMs !== undefined ? { memberSilenceMs: opts.memberSilenceMs } : {}),
    ...(opts.refusals ? { refusals: opts.refusals } : {}),
  });

  const reach = new PlayerReach(io, (playerId) => gateway.connectionsOf(playerId).length > 0, !!opts.adapter);

  /** True when the sector went to another node. */
  const handOver = async (id: string, toNode: string | null): Promise<boolean> => {
    const room = rooms.get(id);
    if (!room) return false;
    room.stop();
    const to = toNode === leases.nodeId ? null : toNode;
    try {
      await opts.saveRoom?.(id);
    } catch (err) {
      // The new owner starts from the last checkpoint instead.
      opts.logger.error({ err, sector: id }, 'could not save the sector before handing it over');
    }
    await rooms.handOver(id, to);
    opts.roomClosed?.(id);
    gateway.sectorMoved(id, to);
    opts.logger.info({ sector: id, to }, 'sector handed over');
    return to !== null;
  };

  return {
    io,
    auth,
    gateway,
    rooms,
    sessions,
    refusals: opts.refusals ?? null,
    async handOver(id, toNode) {
      await handOver(id, toNode);
    },
    async handOverAll(pick) {
      const moved = await Promise.all([...rooms.all()].map((room) => handOver(room.id, pick(room.id))));
      return moved.filter(Boolean).length;
    },
    connectedAnywhere: (playerId) => reach.connected(playerId),
    async close() {
      gateway.shutdown();
      rooms.stopAll();
      sessions.clear();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

type GameGatewayNamespace = import('socket.io').Namespace<ClientToServerEvents, ServerToClientEvents>;
