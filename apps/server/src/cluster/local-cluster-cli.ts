import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterPrerequisites, LocalCluster } from './local-cluster.js';

const USAGE = `usage: pnpm cluster [-- --nodes N] [--port PORT] [--host HOST]

Starts a Perihelion cluster on this machine: N server nodes (default 3) behind HAProxy on one port
(default 3000; the nodes take the ports after it), on this machine's PostgreSQL and Redis.
  DATABASE_URL   default postgres://postgres@127.0.0.1:5432/perihelion_cluster (created if missing)
  REDIS_URL      default redis://127.0.0.1:6379
  ADMIN_TOKEN    default: one made up for this run, printed
Ctrl-C stops everything (each node drains first).`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

function options() {
  const argv = process.argv.slice(2);
  try {
    return parseArgs({
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        nodes: { type: 'string', default: '3' },
        port: { type: 'string', default: '3000' },
        host: { type: 'string', default: '127.0.0.1' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${USAGE}`);
  }
}

const values = options();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const nodes = Number(values.nodes);
const port = Number(values.port);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16)
  fail(`--nodes takes 1 to 16, got ${values.nodes}\n\n${USAGE}`);
if (!Number.isInteger(port) || port < 1 || port + nodes > 65535)
  fail(`--port: bad port ${values.port}\n\n${USAGE}`);

const settings = {
  databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/perihelion_cluster',
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  webDist: process.env.WEB_DIST || fileURLToPath(new URL('../../../web/dist', import.meta.url)),
};
const missing = await clusterPrerequisites(settings);
if (missing.length > 0) {
  fail(`pnpm cluster cannot start:\n${missing.map((m) => `  - ${m}`).join('\n')}`, 1);
}
const adminToken = process.env.ADMIN_TOKEN || randomBytes(18).toString('base64url');
console.log(`starting ${nodes} nodes and HAProxy…`);
let cluster: LocalCluster;
try {
  cluster = await LocalCluster.start({
    ...settings,
    nodes,
    port,
    host: values.host,
    adminToken,
    print: (node, line) => console.log(`[${node}] ${line}`),
  });
} catch (err) {
  fail(`pnpm cluster could not start: ${(err as Error).message}`, 1);
}
console.log(`
  Perihelion cluster: ${cluster.url}  (${cluster.nodes.map((n) => `${n.id} on :${n.port}`).join(', ')})
  Pin a page to a node:  ${cluster.url}/?node=node-2
  See the nodes:         curl -H 'authorization: Bearer ${adminToken}' ${cluster.url}/api/admin/cluster
  Drain a node:          curl -X POST -H 'authorization: Bearer ${adminToken}' '${cluster.url}/api/admin/drain?node=node-2'
  Ctrl-C stops everything.
`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: draining and stopping every node…`);
  cluster.stop().then(
    () => process.exit(0),
    (err: unknown) => fail(`could not stop cleanly: ${(err as Error).message}`, 1),
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
