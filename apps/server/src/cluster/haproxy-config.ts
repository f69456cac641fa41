/** One game server behind the load balancer. */
export interface ClusterNode {
  /** The node's NODE_ID: also HAProxy's name for it, which session ids start with. */
  id: string;
  host: string;
  port: number;
}

export interface HaproxyConfigOptions {
  /** Where players connect. */
  bind: { host: string; port: number };
  nodes: readonly ClusterNode[];
  /** A PEM file holding the certificate and its key: the public port speaks TLS (https, wss). */
  tlsPem?: string;
  /** HAProxy's runtime API socket (e.g. to drain a node by hand); none when unset. */
  adminSocket?: string;
  /** How often each node's /readyz is checked, ms. Default 1000. */
  checkIntervalMs?: number;
}

/**
 * An HAProxy (2.6 or later) configuration for a Perihelion cluster: one public port for the page,
 * /api and Socket.IO over both transports; new sessions go round-robin to the nodes whose /readyz
 * answers 200; every later request of a session goes to the node named at the start of its
 * session id (`sid=<node>.<random>`), from any client address and with no cookie, and a new
 * connection may ask for a node with `?node=<id>` (a routing hint). A node whose /readyz answers
 * 404 (draining) gets no new sessions but keeps serving its own; one that stops answering is taken
 * out, and its sessions' requests go elsewhere, where the client is told to reconnect.
 */
export function haproxyConfig(opts: HaproxyConfigOptions): string {
  if (opts.nodes.length === 0) throw new Error('a cluster needs at least one node');
  for (const node of opts.nodes) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(node.id)) throw new Error(`bad node id ${JSON.stringify(node.id)}`);
  }
  const inter = opts.checkIntervalMs ?? 1000;
  const bind = `${opts.bind.host}:${opts.bind.port}`;
  return [
    'global',
    '  log stdout format raw local0 warning',
    ...(opts.adminSocket ? [`  stats socket ${opts.adminSocket} mode 600 level admin`] : []),
    ...(opts.tlsPem ? ['  ssl-default-bind-options ssl-min-ver TLSv1.2'] : []),
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option forwardfor',
    '  timeout connect 5s',
    // A long-polling GET is held up to the heartbeat interval: client/server timeouts must exceed it.
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-request 10s',
    // An upgraded WebSocket is a tunnel: this replaces the client/server timeouts for it.
    '  timeout tunnel 1h',
    '  timeout client-fin 30s',
    '',
    'frontend players',
    opts.tlsPem ? `  bind ${bind} ssl crt ${opts.tlsPem} alpn http/1.1` : `  bind ${bind}`,
    '  default_backend nodes',
    '',
    'backend nodes',
    '  balance roundrobin',
    // A new session sent to a node that has just died is tried once more on another.
    '  retries 2',
    '  option redispatch 1',
    '  option httpchk GET /readyz',
    '  http-check disable-on-404',
    `  default-server inter ${inter} fall 2 rise 1`,
    // A session's requests: the node its id starts with (use-server skips only nodes that are down).
    '  use-server %[url_param(sid),field(1,.)] if { url_param(sid) -m found }',
    // A new connection's routing hint.
    '  use-server %[url_param(node)] if { url_param(node) -m found }',
    ...opts.nodes.map((n) => `  server ${n.id} ${n.host}:${n.port} check`),
    '',
  ].join('\n');
}
