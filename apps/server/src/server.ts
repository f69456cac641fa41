import { fileURLToPath } from 'node:url';
import { attachRealtime, type Realtime } from '@perihelion/engine';
import { defaultContent, SectorSimulation } from '@perihelion/game';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createHttpApp } from './http-app.js';
import { createMetrics } from './metrics.js';

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  realtime: Realtime;
  /** Graceful: tells clients, stops rooms, closes connections and the port. */
  close(): Promise<void>;
}

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

function randomPilotName(): string {
  return `Pilot-${Math.floor(1000 + Math.random() * 9000)}`;
}

/** Wires the game server together and starts listening. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  let realtime: Realtime | null = null;
  const counts = () => {
    let players = 0;
    for (const room of realtime?.rooms.all() ?? []) players += room.size;
    return { connections: realtime?.gateway.connections ?? 0, players, sectors: realtime?.rooms.count ?? 0 };
  };
  const metrics = createMetrics(counts);
  const app = await createHttpApp({
    logger,
    webDist: config.WEB_DIST || defaultWebDist,
    metrics: metrics.registry,
    health: counts,
    leave: (token) => realtime?.gateway.leaveByToken(token) ?? false,
  });
  realtime = attachRealtime({
    httpServer: app.server,
    logger,
    createSimulation: (id, tickRate) => new SectorSimulation(id, tickRate, defaultContent),
    tickRate: config.TICK_RATE,
    snapshotRate: config.SNAPSHOT_RATE,
    sectorCapacity: config.SECTOR_CAPACITY,
    maxSectors: config.MAX_SECTORS,
    resumeGraceMs: config.RESUME_GRACE_MS,
    pingIntervalMs: config.PING_INTERVAL_MS,
    pingTimeoutMs: config.PING_TIMEOUT_MS,
    defaultName: randomPilotName,
    stats: metrics.roomStats,
  });
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
    async close() {
      rt.gateway.shutdown();
      rt.rooms.stopAll();
      rt.sessions.clear();
      // app.close() closes the HTTP server, which Socket.IO shares; close Socket.IO's engine first.
      rt.io.engine.close();
      await app.close();
    },
  };
}
