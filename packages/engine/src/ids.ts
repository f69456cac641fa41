import { randomBytes } from 'node:crypto';

/**
 * Random, unguessable ids: never reused within (or across) a server's life, unlike counters of
 * "clients so far", and safe to hand out as secrets where they serve as tokens.
 */
export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}
