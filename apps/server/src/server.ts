import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadPgliteAssets, openStore, type PgliteAssets, type Store } from '@perihelion/db';
import {
  attachRealtime,
  type Bus,
  type Channels,
  NodeLoads,
  openSocketAdapter,
  type Realtime,
  type RoomLeases,
  type SessionTokens,
  type SocketAdapter,
} from '@perihelion/engine';
import { PUBLISH_API_PREFIX, TUNING_PATH } from '@perihelion/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { mountAdminConsole } from './admin/admin-console.js';
import type { Config } from './config.js';
import { type ContentRuntime, openContent, tuningAccess } from './content/content-runtime.js';
import { Tuning } from './content/tuning.js';
import { tuningRoutes } from './content/tuning-routes.js';
import { socketIoAccessLog } from './http/access-log.js';
import { createHttpShell, type HttpShell } from './http-app.js';
import { createMessaging } from './messaging.js';
import { createMetrics } from './metrics.js';
import { publishApi } from './publish-api/publish-api.js';
import { defaultNodeId, openBus, openLeases, sessionTokens } from './server-parts.js';
import { accountSignIn } from './session/oidc-sign-in.js';
import { createUniverse } from './universe/universe.js';

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  realtime: Realtime;
  store: Store;
  /** Signs and checks the session tokens (tests mint their own with it). */
  tokens: SessionTokens;
  channels: Channels;
  /** What this node tells the others of its cluster (a LocalBus when it runs alone). */
  bus: Bus;
  /** Hands every sector over to other nodes and takes no new players; the node stays up. */
  drain(): Promise<void>;
  /** Graceful: drains, tells clients, stops rooms, closes connections and the port. */
  close(): Promise<void>;
}

/** How long a drain waits for moved players to leave before it closes what is left. */
const DRAIN_LINGER_MS = 2000;

// From src/server.ts and from the compiled dist/main.js alike (the same depth under apps/server).
const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

function randomPilotName(): string {
  return `Pilot-${Math.floor(1000 + Math.random() * 9000)}`;
}

/** Wires the game server together and starts listening. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  return (await prepareServer(config, logger)).start();
}

/** A server with everything built that needs no store: start() opens the store and listens. */
export interface PreparedServer {
  start(): Promise<RunningServer>;
}

/**
 * The part of a start that touches nothing another server process may hold: the content (and its
 * watch), the session signer, PGlite's compiled module and the HTTP app without its store-backed
 * routes. A restarting development server (dev/warm-start.ts) does this while its predecessor
 * still serves, so players wait only for the store to open and the rest to be wired.
 */
export async function prepareServer(config: Config, logger: Logger): Promise<PreparedServer> {
  const content = await openContent(config, logger);
  try {
    const tokens = await sessionTokens(config, logger);
    const pgliteAssets = config.DATABASE_URL ? undefined : await loadPgliteAssets();
    const nodeId = config.NODE_ID ?? defaultNodeId();
    const node: NodeState = { realtime: null, closing: false };
    const metrics = createMetrics(() => nodeCounts(node.realtime));
    const http = await createHttpShell({
      logger,
      webDist: config.WEB_DIST ? resolve(config.WEB_DIST) : defaultWebDist,
      metrics: metrics.registry,
      health: () => nodeCounts(node.realtime),
      ready: () => !node.closing,
      nodeId,
      leave: (token) => node.realtime?.gateway.leaveByToken(token) ?? false,
      http: config,
    });
    const prepared: Prepared = { content, tokens, nodeId, node, metrics, http };
    let started = false;
    return {
      start: () => {
        if (started) throw new Error('a prepared server starts once');
        started = true;
        return openAndStart(config, logger, prepared, pgliteAssets);
      },
    };
  } catch (err) {
    content.stop();
    throw err;
  }
}

/** What start() and close() share of the node: its realtime side once attached, and whether it drains. */
interface NodeState {
  realtime: Realtime | null;
  closing: boolean;
}

function nodeCounts(realtime: Realtime | null) {
  let players = 0;
  for (const room of realtime?.rooms.all() ?? []) players += room.size;
  return { connections: realtime?.gateway.connections ?? 0, players, sectors: realtime?.rooms.count ?? 0 };
}

interface Prepared {
  content: ContentRuntime;
  tokens: SessionTokens;
  nodeId: string;
  node: NodeState;
  metrics: ReturnType<typeof createMetrics>;
  http: HttpShell;
}

async function openAndStart(
  config: Config,
  logger: Logger,
  prepared: Prepared,
  pgliteAssets: PgliteAssets | undefined,
): Promise<RunningServer> {
  const { content, nodeId } = prepared;
  let store: Store | null = null;
  let bus: Bus | null = null;
  let socketAdapter: SocketAdapter | null = null;
  let leases: RoomLeases | null = null;
  try {
    store = await openStore({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.DATA_DIR === ':memory:' ? undefined : resolve(config.DATA_DIR),
      pgliteAssets,
    });
    logger.info({ store: store.kind, location: store.location }, 'store open');
    bus = await openBus(config, nodeId, logger);
    leases = await openLeases(config, nodeId, logger);
    if (config.REDIS_URL) {
      socketAdapter = await openSocketAdapter({
        url: config.REDIS_URL,
        nodeId,
        prefix: config.REDIS_PREFIX,
        report: (err, context) => logger.warn({ err, part: 'socket.io adapter' }, context),
      });
    }
    return await startOn(config, logger, { ...prepared, store, bus, socketAdapter, leases });
  } catch (err) {
    // Whatever was opened would keep the process alive (Redis connections, the database pool).
    await leases?.close().catch(() => {});
    await socketAdapter?.close().catch(() => {});
    await bus?.close().catch(() => {});
    await store?.close().catch(() => {});
    await prepared.http.app.close().catch(() => {});
    content.stop();
    throw err;
  }
}

interface Opened extends Prepared {
  store: Store;
  bus: Bus;
  socketAdapter: SocketAdapter | null;
  leases: RoomLeases;
}

async function startOn(config: Config, logger: Logger, opened: Opened): Promise<RunningServer> {
  const { content, tokens, store, bus, socketAdapter, leases, nodeId, node, metrics } = opened;
  const app = opened.http.app;
  const universe = await createUniverse({
    store,
    content: content.live,
    logger,
    nodeId,
    firesTimers: config.TIMERS === 'on',
    bus,
    newName: randomPilotName,
  });
  // The stored tuning applies before any sector starts.
  const tuning = new Tuning(store.db, content.live, bus, logger.child({ part: 'tuning' }));
  await tuning.start();
  const messaging = createMessaging(config, store.db, bus, logger, (node) => loads.isLive(node));
  const loads = new NodeLoads({
    bus,
    measure: () => {
      const { players, connections } = nodeCounts(node.realtime);
      const rooms = [...(node.realtime?.rooms.all() ?? [])].map((room) => room.id);
      return { players, connections, rooms, draining: node.closing };
    },
  });
  let drained: Promise<void> | null = null;
  /**
   * Takes no new players (/readyz answers 404, load reports say draining), hands every sector to
   * the least loaded other node with its live state, and sends its players there. Connections
   * left afterwards (chat only, a standby tab) are closed, to reconnect through the balancer.
   */
  const drain = (): Promise<void> => {
    drained ??= (async () => {
      node.closing = true;
      loads.report();
      const rt = node.realtime;
      if (!rt) return;
      const moved = await rt.handOverAll(() => loads.placeNew());
      logger.info({ sectors: moved }, 'drained: sectors handed over');
      if (moved === 0) return;
      // The players' "moved" messages go out before their connections are closed here.
      const until = performance.now() + DRAIN_LINGER_MS;
      while (rt.io.engine.clientsCount > 0 && performance.now() < until) await sleep(50);
      rt.io.engine.close();
    })();
    return drained;
  };
  await opened.http.addSessionRoute({
    identities: universe.identities,
    tokens,
    adminToken: config.ADMIN_TOKEN,
    accounts: accountSignIn(config, store.db, universe.identities, logger),
  });
  const admin = await mountAdminConsole(app, {
    credentials: { tokens, adminToken: config.ADMIN_TOKEN },
    nodeId,
    clustered: socketAdapter !== null,
    db: store.db,
    channels: messaging.channels,
    universe,
    nodes: () => loads.nodes(),
    drain,
    draining: () => node.closing,
    metrics: metrics.registry,
    webDist: config.WEB_DIST ? resolve(config.WEB_DIST) : defaultWebDist,
    logger,
  });
  await app.register(tuningRoutes, {
    prefix: TUNING_PATH,
    tuning,
    live: content.live,
    access: tuningAccess(config),
    credentials: { tokens, adminToken: config.ADMIN_TOKEN },
    files: content.files,
    watch: content.watch,
  });
  await app.register(publishApi, {
    prefix: PUBLISH_API_PREFIX,
    keys: { apiKey: config.API_KEY, adminToken: config.ADMIN_TOKEN },
    channels: messaging.channels,
    sendToPlayer: (playerId, message) => universe.notify(playerId, message),
  });
  const realtime = attachRealtime({
    httpServer: app.server,
    logger,
    nodeId,
    ...(socketAdapter ? { adapter: socketAdapter.adapter } : {}),
    leases,
    placeRoom: () => loads.placeNew(),
    nodeIsLive: (node) => loads.isLive(node),
    createSimulation: (id, tickRate) => universe.createSimulation(id, tickRate),
    prepareRoom: (id, fence) => universe.prepareSector(id, fence),
    roomClosed: (id) => universe.sectorClosed(id),
    saveRoom: (id) => universe.saveSector(id),
    tickRate: config.TICK_RATE,
    snapshotRate: config.SNAPSHOT_RATE,
    sectorCapacity: config.SECTOR_CAPACITY,
    maxSectors: config.MAX_SECTORS,
    resumeGraceMs: config.RESUME_GRACE_MS,
    pingIntervalMs: config.PING_INTERVAL_MS,
    memberSilenceMs: config.MEMBER_SILENCE_MS,
    pingTimeoutMs: config.PING_TIMEOUT_MS,
    authenticator: tokens,
    hooks: messaging.withHooks(universe.hooks),
    stats: admin.roomStats(metrics.roomStats),
    refusals: metrics.refusals,
  });
  node.realtime = realtime;
  const socketIoLog = socketIoAccessLog(logger, config.ACCESS_LOG_SOCKETIO);
  if (socketIoLog) realtime.io.engine.use(socketIoLog);
  messaging.attach(realtime);
  await admin.attach(realtime);
  await universe.start(realtime);
  await messaging.channels.ready;
  await loads.start();
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const rt = realtime;
  return {
    url,
    port,
    app,
    realtime: rt,
    store,
    tokens,
    channels: messaging.channels,
    bus,
    drain,
    async close() {
      // Sectors go to other nodes (or, alone, are saved with their ships for the next start).
      await drain().catch((err: unknown) => logger.error({ err }, 'could not hand the sectors over'));
      loads.stop();
      // The game namespace first: its players hear "restarting" before the shared connection closes.
      rt.gateway.shutdown();
      messaging.close();
      rt.rooms.stopAll();
      rt.sessions.clear();
      // app.close() closes the HTTP server, which Socket.IO shares; close Socket.IO's engine first.
      rt.io.engine.close();
      // io.close() would close the HTTP server app.close() closes: the adapters are closed here
      // (with Redis, each ends its stream reader).
      for (const nsp of rt.io._nsps.values()) nsp.adapter.close();
      await app.close();
      await universe.stop();
      tuning.stop();
      admin.stop();
      // After the last checkpoint: the sectors are free for other nodes at once, not after the TTL.
      await leases.close();
      await socketAdapter?.close();
      await bus.close();
      await store.close();
      content.stop();
    },
  };
}
