import { type Content, structureSpec } from './content.js';
import { distanceBetween, isLive, type StructureView } from './structures.js';

/**
 * Whether an active shield (any active structure whose kind has a `shieldRadius`) covers
 * `structure`. A shield protects every structure within its radius whoever owns it, and itself
 * too: a shield that needed another shield to survive would be a chore to keep, as credits are
 * scarce. One still under construction protects nothing, not even itself.
 */
export function isShielded(
  structure: Pick<StructureView, 'x' | 'y'>,
  structures: readonly StructureView[],
  content: Content,
): boolean {
  return structures.some((s) => {
    if (s.state !== 'active') return false;
    const shieldRadius = structureSpec(s.kind, content)?.shieldRadius;
    return shieldRadius !== undefined && distanceBetween(s, structure) <= shieldRadius;
  });
}

export interface RaidHit {
  id: string;
  /** HP after the raid; at most 0 when destroyed. */
  hp: number;
  destroyed: boolean;
}

/**
 * What a raid does to a sector: every live structure no active shield covers loses
 * `raids.damage` hp and is destroyed at 0 (an active shield covers itself, so it is never hit).
 * Nothing happens when damage is 0.
 */
export function raidDamage(structures: readonly StructureView[], content: Content): RaidHit[] {
  const damage = content.raids.damage;
  if (damage <= 0) return [];
  return structures
    .filter((s) => isLive(s) && !isShielded(s, structures, content))
    .map((s) => {
      const hp = s.hp - damage;
      return { id: s.id, hp, destroyed: hp <= 0 };
    });
}
