import type { Db } from '@perihelion/db';
import type { Channels, KnownNode, Realtime, RoomStats } from '@perihelion/engine';
import { ADMIN_API_PREFIX, protocolError } from '@perihelion/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Universe } from '../universe/universe.js';
import { consolePage } from './admin-console-page.js';
import { adminOverview } from './admin-overview.js';
import { AdminPeers } from './admin-peers.js';
import { adminRoutes } from './admin-routes.js';
import { AdminAudit } from './audit-log.js';
import type { CallerCredentials } from './caller.js';
import { clusterAdmin } from './cluster-admin.js';
import { HeartbeatRtt } from './heartbeat-rtt.js';
import { MetricSamples } from './metric-samples.js';
import { localNodeView } from './node-view.js';
import { SectorStats } from './sector-stats.js';

export interface AdminConsoleOptions {
  credentials: CallerCredentials;
  nodeId: string;
  /** Whether this node is one of a cluster (Socket.IO's adapter spans the nodes). */
  clustered: boolean;
  db: Db;
  channels: Channels;
  universe: Pick<Universe, 'notify' | 'raids'>;
  /** The live nodes with their last load report, this one first. */
  nodes(): KnownNode[];
  drain(): Promise<void>;
  draining(): boolean;
  /** The registry GET /metrics serves (the console charts some of it). */
  metrics: Registry;
  /** The built client (the console is its `admin.html`); null when there is none. */
  webDist: string | null;
  logger: Logger;
}

export interface AdminConsole {
  /** The room statistics to give the realtime server: `inner` plus the per-sector view. */
  roomStats(inner: RoomStats): RoomStats;
  /** Binds the console to the realtime server once it exists (before the port opens). */
  attach(realtime: Realtime): Promise<void>;
  stop(): void;
}

/**
 * The admin console on the server: its page at /admin, its API under /api/admin (with the
 * cluster's /cluster and /drain), and what feeds it: per-sector costs, each connection's
 * heartbeat round trip, samples of the /metrics counters, the audit log, and the other nodes'
 * views in a cluster.
 */
export async function mountAdminConsole(
  app: FastifyInstance,
  opts: AdminConsoleOptions,
): Promise<AdminConsole> {
  const sectorStats = new SectorStats();
  const rtt = new HeartbeatRtt();
  const samples = new MetricSamples({ registry: opts.metrics });
  const audit = new AdminAudit(opts.db, opts.nodeId, opts.logger.child({ part: 'admin' }));
  let realtime: Realtime | null = null;
  let peers: AdminPeers | null = null;
  const live = (): Realtime => {
    if (!realtime) throw new Error('the admin console is not attached to the realtime server yet');
    return realtime;
  };
  const view = () =>
    localNodeView({
      nodeId: opts.nodeId,
      realtime: live(),
      sectorStats,
      rtt,
      raidIn: (sector) => opts.universe.raids.eventIn(sector),
      charts: () => samples.charts(),
    });
  const kickHere = (playerId: string, message: string) =>
    live().gateway.kick(playerId, protocolError('KICKED', message));
  const others = () => opts.nodes().map((n) => n.node);

  await app.register(clusterAdmin, {
    prefix: ADMIN_API_PREFIX,
    credentials: opts.credentials,
    audit,
    nodeId: opts.nodeId,
    nodes: opts.nodes,
    drain: opts.drain,
    draining: opts.draining,
  });
  await app.register(adminRoutes, {
    prefix: ADMIN_API_PREFIX,
    credentials: opts.credentials,
    audit,
    channels: opts.channels,
    notify: (playerId, message) => opts.universe.notify(playerId, message),
    raids: opts.universe.raids,
    overview: () => {
      if (!peers) throw new Error('the admin console is not attached to the realtime server yet');
      return adminOverview({
        nodeId: opts.nodeId,
        clustered: opts.clustered,
        db: opts.db,
        channels: opts.channels,
        nodes: opts.nodes,
        draining: opts.draining,
        localView: view,
        peers,
        audit,
      });
    },
    kick: async (playerId, message) => {
      const here = kickHere(playerId, message);
      return here + ((await peers?.kickElsewhere(playerId, message, others())) ?? 0);
    },
  });
  await consolePage(app, opts.webDist, opts.logger);

  return {
    roomStats: (inner) => sectorStats.wrap(inner),
    async attach(rt) {
      realtime = rt;
      rtt.attach(rt.io);
      peers = new AdminPeers({
        io: rt.io,
        nodeId: opts.nodeId,
        clustered: opts.clustered,
        view,
        kick: kickHere,
      });
      sectorStats.start();
      await samples.start();
    },
    stop() {
      sectorStats.stop();
      samples.stop();
    },
  };
}
