import type { KnownNode } from '@perihelion/engine';
import type { AdminDrained } from '@perihelion/protocol';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http-errors.js';
import { requireAdmin } from './admin-access.js';
import type { AdminAudit } from './audit-log.js';
import type { CallerCredentials } from './caller.js';

/** Where the operator's endpoints for the cluster live. */
export const CLUSTER_ADMIN_PREFIX = '/api/admin';

export interface ClusterAdminOptions {
  /** An admin session's access token or the ADMIN_TOKEN; without ADMIN_TOKEN the endpoints answer 503. */
  credentials: CallerCredentials;
  /** Where a drain is recorded with who asked for it. */
  audit: AdminAudit | null;
  nodeId: string;
  /** The live nodes with their last load report (this one first). */
  nodes(): KnownNode[];
  /** Starts draining this node; resolves once its sectors are handed over. */
  drain(): Promise<void>;
  /** Whether this node is draining (or drained). */
  draining(): boolean;
}

/**
 * The operator's view of the cluster, for admins (see requireAdmin): GET /api/admin/cluster lists
 * the live nodes, their load and the sectors each runs; POST /api/admin/drain drains the node that
 * answers (through a load balancer, pin it with ?node=<id>): it takes no new players, hands every
 * sector it runs to the least loaded other node with its live state, and sends its players there.
 */
export async function clusterAdmin(app: FastifyInstance, opts: ClusterAdminOptions): Promise<void> {
  app.get('/cluster', async (req, reply) => {
    if (!(await requireAdmin(req, reply, opts.credentials))) return reply;
    return {
      node: opts.nodeId,
      nodes: opts.nodes().map(({ heardAt: _heardAt, ...load }) => ({ ...load, sectors: load.rooms.length })),
    };
  });

  app.post('/drain', async (req, reply) => {
    const caller = await requireAdmin(req, reply, opts.credentials);
    if (!caller) return reply;
    // ?node=<id> routes the request through the load balancer; a node it reaches by mistake
    // (that node is gone, the balancer chose another) must not drain itself instead.
    const meant = (req.query as { node?: unknown } | undefined)?.node;
    if (typeof meant === 'string' && meant !== opts.nodeId) {
      return sendError(reply, 409, 'CONFLICT', `this is ${opts.nodeId}, not ${meant}: nothing was drained`);
    }
    const already = opts.draining();
    req.log.warn(
      { node: opts.nodeId, already, by: caller.playerId },
      'drain requested through the admin API',
    );
    // Answered at once: the hand-over goes on (GET /cluster shows it), the caller need not wait.
    opts.drain().catch((err: unknown) => req.log.error({ err }, 'drain failed'));
    if (!already) {
      await opts.audit?.record(caller, { action: 'drain', target: opts.nodeId, detail: null });
    }
    const answer: AdminDrained = { node: opts.nodeId, draining: true, already };
    return reply.code(202).send(answer);
  });
}
