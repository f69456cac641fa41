import type { KnownNode } from '@perihelion/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendError } from '../http-errors.js';
import { sameSecret } from '../same-secret.js';

/** Where the operator's endpoints for the cluster live. */
export const CLUSTER_ADMIN_PREFIX = '/api/admin';

export interface ClusterAdminOptions {
  /** ADMIN_TOKEN: without it the endpoints answer 503. */
  adminToken: string | undefined;
  nodeId: string;
  /** The live nodes with their last load report (this one first). */
  nodes(): KnownNode[];
  /** Starts draining this node; resolves once its sectors are handed over. */
  drain(): Promise<void>;
  /** Whether this node is draining (or drained). */
  draining(): boolean;
}

function bearer(req: FastifyRequest): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization?.trim() ?? '');
  return match?.[1] ?? null;
}

/**
 * The operator's view of the cluster, behind the admin token: GET /api/admin/cluster lists the
 * live nodes, their load and the sectors each runs; POST /api/admin/drain drains the node that
 * answers (through a load balancer, pin it with ?node=<id>): it takes no new players, hands every
 * sector it runs to the least loaded other node with its live state, and sends its players there.
 */
export async function clusterAdmin(app: FastifyInstance, opts: ClusterAdminOptions): Promise<void> {
  app.addHook('onRequest', async (req, reply) => {
    if (!opts.adminToken) {
      return sendError(reply, 503, 'UNAVAILABLE', 'the admin API is disabled: set ADMIN_TOKEN on the server');
    }
    const given = bearer(req);
    if (!given) {
      return sendError(reply, 401, 'UNAUTHENTICATED', 'send "Authorization: Bearer <ADMIN_TOKEN>"');
    }
    if (!sameSecret(given, opts.adminToken))
      return sendError(reply, 401, 'UNAUTHENTICATED', 'wrong admin token');
  });

  app.get('/cluster', async () => ({
    node: opts.nodeId,
    nodes: opts.nodes().map(({ heardAt: _heardAt, ...load }) => ({ ...load, sectors: load.rooms.length })),
  }));

  app.post('/drain', async (req, reply) => {
    const already = opts.draining();
    req.log.warn({ node: opts.nodeId, already }, 'drain requested through the admin API');
    // Answered at once: the hand-over goes on (GET /cluster shows it), the caller need not wait.
    opts.drain().catch((err: unknown) => req.log.error({ err }, 'drain failed'));
    return reply.code(202).send({ node: opts.nodeId, draining: true, already });
  });
}
