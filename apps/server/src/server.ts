import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '@perihelion/db';
import {
  attachRealtime,
  type Bus,
  type Channels,
  LocalBus,
  LocalLeases,
  NodeLoads,
  openSocketAdapter,
  type Realtime,
  RedisBus,
  RedisLeases,
  type RoomLeases,
  SessionTokens,
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
import { createHttpApp } from './http-app.js';
import { createMessaging } from './messaging.js';
import { createMetrics } from './metrics.js';
import { publishApi } from './publish-api/publish-api.js';
import { loadAuthSecret, secretFileIsShared } from './session/auth-secret.js';
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
  const content = await openContent(config, logger);
  const tokens = await sessionTokens(config, logger);
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR === ':memory:' ? undefined : resolve(config.DATA_DIR),
  });
  logger.info({ store: store.kind, location: store.location }, 'store open');
  const nodeId = config.NODE_ID ?? defaultNodeId();
  let bus: Bus | null = null;
  let socketAdapter: SocketAdapter | null = null;
  let leases: RoomLeases | null = null;
  try {
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
    return await startOn(config, logger, { content, tokens, store, bus, socketAdapter, leases, nodeId });
  } catch (err) {
    // Whatever was opened would keep the process alive (Redis connections, the database pool).
    await leases?.close().catch(() => {});
    await socketAdapter?.close().catch(() => {});
    await bus?.close().catch(() => {});
    await store.close().catch(() => {});
    content.stop();
    throw err;
  }
}

interface Opened {
  content: ContentRuntime;
  tokens: SessionTokens;
  store: Store;
  bus: Bus;
  socketAdapter: SocketAdapter | null;
  leases: RoomLeases;
  nodeId: string;
}

async function startOn(config: Config, logger: Logger, opened: Opened): Promise<RunningServer> {
  const { content, tokens, store, bus, socketAdapter, leases, nodeId } = opened;
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
  let realtime: Realtime | null = null;
  let closing = false;
  const counts = () => {
    let players = 0;
    for (const room of realtime?.rooms.all() ?? []) players += room.size;
    return { connections: realtime?.gateway.connections ?? 0, players, sectors: realtime?.rooms.count ?? 0 };
  };
  const metrics = createMetrics(counts);
  const loads = new NodeLoads({
    bus,
    measure: () => {
      const { players, connections } = counts();
      const rooms = [...(realtime?.rooms.all() ?? [])].map((room) => room.id);
      return { players, connections, rooms, draining: closing };
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
      closing = true;
      loads.report();
      const rt = realtime;
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
  const app = await createHttpApp({
    logger,
    webDist: config.WEB_DIST ? resolve(config.WEB_DIST) : defaultWebDist,
    metrics: metrics.registry,
    health: counts,
    ready: () => !closing,
    nodeId,
    leave: (token) => realtime?.gateway.leaveByToken(token) ?? false,
    session: {
      identities: universe.identities,
      tokens,
      adminToken: config.ADMIN_TOKEN,
      accounts: accountSignIn(config, store.db, universe.identities, logger),
    },
    http: config,
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
    draining: () => closing,
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
  realtime = attachRealtime({
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

/** The host name and pid, in the characters a node id may have. */
function defaultNodeId(): string {
  return `${hostname().replace(/[^A-Za-z0-9_-]/g, '-')}-${process.pid}`.slice(-64);
}

/** Redis when the node is part of a cluster (REDIS_URL), else everything stays in this process. */
async function openBus(config: Config, nodeId: string, logger: Logger): Promise<Bus> {
  const log = logger.child({ part: 'bus' });
  const report = (err: unknown, context: string) => log.warn({ err }, context);
  if (!config.REDIS_URL) return new LocalBus(nodeId, report);
  const bus = await RedisBus.connect({
    url: config.REDIS_URL,
    nodeId,
    prefix: `${config.REDIS_PREFIX}bus:`,
    report,
  });
  log.info({ node: nodeId }, 'joined the cluster bus on Redis');
  return bus;
}

/** Sector leases in Redis when the node is part of a cluster; else this node runs every sector. */
async function openLeases(config: Config, nodeId: string, logger: Logger): Promise<RoomLeases> {
  if (!config.REDIS_URL) return new LocalLeases(nodeId);
  const log = logger.child({ part: 'leases' });
  return RedisLeases.connect({
    url: config.REDIS_URL,
    nodeId,
    prefix: config.REDIS_PREFIX,
    report: (err, context) => log.warn({ err }, context),
  });
}

/** The session token signer, with its secret from the configuration or the secret file. */
async function sessionTokens(config: Config, logger: Logger): Promise<SessionTokens> {
  const { secret, source } = await loadAuthSecret(config);
  switch (source.kind) {
    case 'config':
      logger.info('session tokens signed with AUTH_SECRET');
      break;
    case 'file':
      if (config.DATABASE_URL) {
        logger.warn(
          'AUTH_SECRET is not set: this server signs sessions with its own generated secret, so a session from another server on the same database is refused here; give every server the same AUTH_SECRET',
        );
      }
      logger.info(
        { file: source.file },
        source.created ? 'generated a session signing secret' : 'session signing secret loaded',
      );
      if (await secretFileIsShared(source.file)) {
        logger.warn(
          { file: source.file },
          'the session secret file is readable by other users; chmod 600 it',
        );
      }
      break;
    case 'memory':
      logger.info(
        'session signing secret generated in memory (DATA_DIR=:memory:): sessions end with this process',
      );
      break;
  }
  return new SessionTokens({ secret, ttlSeconds: config.SESSION_TTL_S });
}
