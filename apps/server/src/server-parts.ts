import { hostname } from 'node:os';
import {
  type Bus,
  LocalBus,
  LocalLeases,
  RedisBus,
  RedisLeases,
  type RoomLeases,
  SessionTokens,
} from '@perihelion/engine';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { loadAuthSecret, secretFileIsShared } from './session/auth-secret.js';

/** The host name and pid, in the characters a node id may have. */
export function defaultNodeId(): string {
  return `${hostname().replace(/[^A-Za-z0-9_-]/g, '-')}-${process.pid}`.slice(-64);
}

/** Redis when the node is part of a cluster (REDIS_URL), else everything stays in this process. */
export async function openBus(config: Config, nodeId: string, logger: Logger): Promise<Bus> {
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
export async function openLeases(config: Config, nodeId: string, logger: Logger): Promise<RoomLeases> {
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
export async function sessionTokens(config: Config, logger: Logger): Promise<SessionTokens> {
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
