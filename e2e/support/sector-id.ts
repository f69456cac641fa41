import { randomBytes } from 'node:crypto';
import { MAX_SECTOR_ID_LENGTH } from '@perihelion/protocol';

/**
 * A sector id no other test (or earlier run against the same server) uses, so tests never share a
 * world. Ids must be short, lowercase and dashed (the protocol's rule), hence the clipped label.
 */
export function uniqueSector(label: string): string {
  const suffix = randomBytes(4).toString('hex');
  const room = MAX_SECTOR_ID_LENGTH - 'e2e-'.length - suffix.length - 1;
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, room)
    .replace(/-+$/, '');
  return `e2e-${slug}-${suffix}`;
}
