import { createScratchDatabase, postgresSkipReason, TEST_DATABASE_URL } from '@perihelion/db/testing';
import {
  dropRedisPrefix,
  redisSkipReason,
  TEST_REDIS_URL,
  testRedisPrefix,
} from '@perihelion/engine/testing';
import pg from 'pg';
import { HaproxyProcess } from '../cluster/haproxy-process.js';
import { haproxySkipReason } from '../cluster/haproxy-test-support.js';
import { freePort } from './free-port.js';
import { GameServer } from './server-process.js';

/**
 * Why a cluster cannot be started here (null when it can): PostgreSQL (TEST_DATABASE_URL), Redis
 * (TEST_REDIS_URL) and HAProxy are all needed. Each missing one is printed; where the services are
 * required (PERIHELION_REQUIRE_SERVICES=1) a missing one is an error instead.
 */
export async function clusterSkipReason(): Promise<string | null> {
  return (await postgresSkipReason()) ?? (await redisSkipReason()) ?? haproxySkipReason();
}

/** Every test cluster's ADMIN_TOKEN (for /api/admin). */
export const TEST_CLUSTER_ADMIN_TOKEN = 'admin-token-of-the-test-cluster';

export interface ClusterNodeProcess {
  id: string;
  server: GameServer;
}

export interface TestClusterOptions {
  /** Node ids, in start order. Default node-a, node-b. */
  nodeIds?: readonly string[];
  /** More environment for every node. */
  env?: Record<string, string>;
  /** A Redis of the test's own (default: TEST_REDIS_URL, with a key prefix of the cluster's own). */
  redisUrl?: string;
  webDist?: string;
}

/**
 * A cluster for a test: node processes on a scratch PostgreSQL database and a Redis prefix of
 * their own, behind HAProxy. `stop()` ends every process and drops the data, whatever state the
 * nodes are in (a stalled one is continued first).
 */
export class TestCluster {
  private constructor(
    readonly nodes: ClusterNodeProcess[],
    readonly haproxy: HaproxyProcess,
    /** The cluster's scratch database. */
    readonly databaseUrl: string,
    private readonly cleanUp: () => Promise<void>,
  ) {}

  static async start(opts: TestClusterOptions = {}): Promise<TestCluster> {
    const ids = opts.nodeIds ?? ['node-a', 'node-b'];
    const scratch = await createScratchDatabase(TEST_DATABASE_URL);
    const prefix = testRedisPrefix();
    const redisUrl = opts.redisUrl ?? TEST_REDIS_URL;
    const nodes: ClusterNodeProcess[] = [];
    let haproxy: HaproxyProcess | null = null;
    const cleanUp = async () => {
      await haproxy?.stop();
      await Promise.all(nodes.map((n) => n.server.stop()));
      await scratch.drop();
      await dropRedisPrefix(redisUrl, prefix);
    };
    try {
      // One after the other: the first migrates the schema.
      for (const id of ids) {
        const server = await GameServer.start({
          env: {
            DATABASE_URL: scratch.url,
            REDIS_URL: redisUrl,
            REDIS_PREFIX: prefix,
            AUTH_SECRET: 'one-secret-for-every-node-of-this-test-cluster',
            ADMIN_TOKEN: TEST_CLUSTER_ADMIN_TOKEN,
            NODE_ID: id,
            ...opts.env,
          },
          ...(opts.webDist !== undefined ? { webDist: opts.webDist } : {}),
        });
        nodes.push({ id, server });
      }
      haproxy = await HaproxyProcess.start({
        bind: { host: '127.0.0.1', port: await freePort() },
        nodes: nodes.map((n) => ({ id: n.id, host: '127.0.0.1', port: Number(new URL(n.server.url).port) })),
      });
      return new TestCluster(nodes, haproxy, scratch.url, cleanUp);
    } catch (err) {
      await cleanUp().catch(() => {});
      throw err;
    }
  }

  /** The cluster's one public address (HAProxy). */
  get url(): string {
    return this.haproxy.url;
  }

  node(id: string): GameServer {
    const found = this.nodes.find((n) => n.id === id);
    if (!found) throw new Error(`no node ${id} in this cluster`);
    return found.server;
  }

  /** One query on the cluster's database (tests look at what the nodes stored). */
  async query<T>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** The last lines of every node's log, for a failing test's message. */
  logs(lines = 30): string {
    return this.nodes.map((n) => `--- ${n.id}\n${n.server.tail(lines)}`).join('\n');
  }

  stop(): Promise<void> {
    return this.cleanUp();
  }
}
