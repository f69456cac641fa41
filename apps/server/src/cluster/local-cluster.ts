import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { redact } from '@perihelion/db';
import { probeRedis } from '@perihelion/engine';
import pg from 'pg';
import { HaproxyProcess } from './haproxy-process.js';

export interface LocalClusterOptions {
  nodes: number;
  /** The public port (HAProxy); the nodes take the ports after it (or other free ones). */
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string;
  /** The built web client the nodes serve. */
  webDist: string;
  /** Every node's ADMIN_TOKEN (the drain and cluster endpoints). */
  adminToken: string;
  /** Each line a node prints, with its id. */
  print(node: string, line: string): void;
}

const serverDir = fileURLToPath(new URL('../../', import.meta.url));
/** Ends a node at once when this process dies without stopping it (see the script). */
const orphanGuard = new URL('../../../../scripts/orphan-guard.mjs', import.meta.url).href;
const STOP_GRACE_MS = 25_000;

/** What is missing for a local cluster, each with how to get it (empty when nothing is). */
export async function clusterPrerequisites(
  opts: Pick<LocalClusterOptions, 'databaseUrl' | 'redisUrl' | 'webDist'>,
): Promise<string[]> {
  const missing: string[] = [];
  if (spawnSync('haproxy', ['-v']).error) {
    missing.push(
      'HAProxy is not installed: apt-get install haproxy (Debian/Ubuntu), brew install haproxy (macOS)',
    );
  }
  const pgProblem = await ensureDatabase(opts.databaseUrl);
  if (pgProblem) missing.push(pgProblem);
  const redis = await redisProblem(opts.redisUrl);
  if (redis) missing.push(redis);
  if (!existsSync(`${opts.webDist}/index.html`)) {
    missing.push(`the web client is not built (${opts.webDist}): run pnpm build`);
  }
  return missing;
}

/** Connects; creates the database when the server is there but the database is not. */
async function ensureDatabase(url: string): Promise<string | null> {
  const where = redact(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return null;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== '3D000') {
      return `PostgreSQL is not reachable at ${where} (${(err as Error).message}): start it, or set DATABASE_URL`;
    }
  } finally {
    await client.end().catch(() => {});
  }
  const name = new URL(url).pathname.slice(1);
  if (!/^[A-Za-z0-9_]+$/.test(name))
    return `the database in DATABASE_URL (${where}) does not exist: create it`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const creator = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await creator.connect();
    await creator.query(`create database ${name}`);
    return null;
  } catch (err) {
    return `the database in DATABASE_URL (${where}) does not exist and could not be created: ${(err as Error).message}`;
  } finally {
    await creator.end().catch(() => {});
  }
}

async function redisProblem(url: string): Promise<string | null> {
  const problem = await probeRedis(url);
  return (
    problem &&
    `Redis is not reachable at ${redact(url)} (${problem.message}): start it (redis-server), or set REDIS_URL`
  );
}

interface NodeProcess {
  id: string;
  port: number;
  child: ChildProcess;
  exited: Promise<void>;
}

/**
 * A cluster on this machine, for development and trials: `nodes` server processes on ports after
 * `port`, each with its own NODE_ID, sharing the database, Redis and a session secret made for
 * this run, behind HAProxy on `port`.
 */
export class LocalCluster {
  private constructor(
    readonly url: string,
    readonly nodes: readonly NodeProcess[],
    private readonly haproxy: HaproxyProcess,
  ) {}

  static async start(opts: LocalClusterOptions): Promise<LocalCluster> {
    const secret = randomBytes(32).toString('base64url');
    const nodes: NodeProcess[] = [];
    try {
      // One after the other: the first migrates the schema, and a failure shows at once.
      for (let i = 1; i <= opts.nodes; i++) {
        nodes.push(await startNode(opts, `node-${i}`, await portNear(opts.port + i), secret));
      }
      const haproxy = await HaproxyProcess.start({
        bind: { host: opts.host, port: opts.port },
        nodes: nodes.map((n) => ({ id: n.id, host: '127.0.0.1', port: n.port })),
      });
      const shown = opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
      return new LocalCluster(`http://${shown}:${opts.port}`, nodes, haproxy);
    } catch (err) {
      await stopNodes(nodes);
      throw err;
    }
  }

  /** Stops HAProxy, then every node gracefully (each drains first). */
  async stop(): Promise<void> {
    await this.haproxy.stop();
    await stopNodes(this.nodes);
  }
}

async function startNode(
  opts: LocalClusterOptions,
  id: string,
  port: number,
  secret: string,
): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', orphanGuard, 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      NODE_ID: id,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      AUTH_SECRET: secret,
      ADMIN_TOKEN: opts.adminToken,
      WEB_DIST: opts.webDist,
      LOG_PRETTY: 'false',
      // Every request comes through HAProxy on this machine, which names the player's address in
      // X-Forwarded-For: the per-address session limits then count players, not the proxy.
      TRUST_PROXY: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.channel?.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let listening: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    listening = resolve;
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      if (line.includes('"msg":"listening"')) listening();
      opts.print(id, line);
    });
  }
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
  ]);
  if (outcome === 'exited') throw new Error(`${id} exited before listening (its output is above)`);
  return { id, port, child, exited };
}

/** `wanted` when it is free on loopback, else any free port. */
function portNear(wanted: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const { port: got } = server.address() as AddressInfo;
        server.close(() => resolve(got));
      });
    });
  return tryPort(wanted).then((port) => port ?? tryPort(0).then((any) => any ?? wanted));
}

async function stopNodes(nodes: readonly NodeProcess[]): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      if (node.child.exitCode !== null || node.child.signalCode !== null) return;
      node.child.kill('SIGTERM');
      const timer = setTimeout(() => node.child.kill('SIGKILL'), STOP_GRACE_MS);
      await node.exited;
      clearTimeout(timer);
    }),
  );
}
