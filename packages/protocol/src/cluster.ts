import { z } from 'zod';

/** A node id of the cluster: in session ids, in routing hints and in redirects. */
export const nodeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'node id: 1-64 letters, digits, _ or -');

/** Between the node id and the random part of an Engine.IO session id. */
export const SESSION_ID_SEPARATOR = '.';

/**
 * The query parameter that asks the load balancer for a node when a connection starts (a routing
 * hint): a client sent to the node that runs its sector reconnects with it.
 */
export const NODE_HINT_PARAM = 'node';

/** The node that holds an Engine.IO session, from its id (null for an id without a node). */
export function nodeOfSessionId(sid: string): string | null {
  const at = sid.indexOf(SESSION_ID_SEPARATOR);
  return at > 0 ? sid.slice(0, at) : null;
}
