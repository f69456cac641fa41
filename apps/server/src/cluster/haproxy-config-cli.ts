import { parseArgs } from 'node:util';
import { type ClusterNode, haproxyConfig } from './haproxy-config.js';

const USAGE = `usage: pnpm haproxy-config -- --bind HOST:PORT --node ID=HOST:PORT [--node …] [--tls PEM] [--admin-socket PATH]

Prints an HAProxy (2.6+) configuration for a Perihelion cluster: one public port for the page, /api
and Socket.IO (WebSocket and long-polling), new sessions round-robin over the nodes whose /readyz
answers 200, every later request of a session to the node its id names. ID is each node's NODE_ID.
  --tls PEM            the public port speaks TLS (certificate and key concatenated in one file)
  --admin-socket PATH  HAProxy's runtime API, e.g. to drain a node by hand`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function hostPort(text: string, what: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) fail(`${what}: expected HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: match[1]!, port };
}

/** The options, or a usage error (exit 2). */
function parseCommandLine() {
  const argv = process.argv.slice(2);
  try {
    return parseArgs({
      // `pnpm haproxy-config -- …` hands the "--" on.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        bind: { type: 'string' },
        node: { type: 'string', multiple: true },
        tls: { type: 'string' },
        'admin-socket': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (err) {
    return fail((err as Error).message);
  }
}

const values = parseCommandLine();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.bind) fail('--bind is required');
if (!values.node?.length) fail('at least one --node is required');
const nodes: ClusterNode[] = values.node.map((spec) => {
  const eq = spec.indexOf('=');
  if (eq <= 0) fail(`--node: expected ID=HOST:PORT, got ${JSON.stringify(spec)}`);
  return { id: spec.slice(0, eq), ...hostPort(spec.slice(eq + 1), '--node') };
});
try {
  process.stdout.write(
    haproxyConfig({
      bind: hostPort(values.bind, '--bind'),
      nodes,
      ...(values.tls ? { tlsPem: values.tls } : {}),
      ...(values['admin-socket'] ? { adminSocket: values['admin-socket'] } : {}),
    }),
  );
} catch (err) {
  fail((err as Error).message);
}
