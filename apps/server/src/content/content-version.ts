import { createHash } from 'node:crypto';
import type { Content } from '@perihelion/game';

/**
 * A content's version: a digest of its values, so every node of a cluster (and every restart)
 * names the same content alike, and equal content is never announced as a change.
 */
export function contentVersion(content: Content): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 12);
}
