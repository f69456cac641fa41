import { describe, expect, it } from 'vitest';
import { defaultContent as content } from './content.js';
import { resolveContent } from './content-profiles.js';
import { isShielded, raidDamage } from './raids.js';
import type { StructureView } from './structures.js';

const shieldRadius = content.structures['shield-module']!.shieldRadius!;
const damage = content.raids.damage;

function s(id: string, kind: string, x: number, over: Partial<StructureView> = {}): StructureView {
  return { id, kind, ownerId: 'me', x, y: 0, state: 'active', hp: 300, ...over };
}

describe('isShielded', () => {
  const module = s('m', 'shield-module', 0);

  it('covers structures within an active shield module’s radius, whoever owns them', () => {
    expect(isShielded(s('a', 'station-core', shieldRadius), [module], content)).toBe(true);
    expect(isShielded(s('a', 'station-core', shieldRadius, { ownerId: 'them' }), [module], content)).toBe(
      true,
    );
    expect(isShielded(s('a', 'station-core', shieldRadius + 1), [module], content)).toBe(false);
  });

  it('covers the module itself, but not while it is being built', () => {
    expect(isShielded(module, [module], content)).toBe(true);
    const building = { ...module, state: 'building' as const };
    expect(isShielded(building, [building], content)).toBe(false);
  });

  it('does not count structures without a shield, or dead shields', () => {
    expect(isShielded(s('a', 'station-core', 10), [s('c', 'station-core', 0)], content)).toBe(false);
    expect(isShielded(s('a', 'station-core', 10), [{ ...module, state: 'destroyed' }], content)).toBe(false);
  });
});

describe('raidDamage', () => {
  it('damages every live unshielded structure and spares shielded and dead ones', () => {
    const structures = [
      s('module', 'shield-module', 0),
      s('covered', 'station-core', 100),
      s('exposed', 'station-core', 5000),
      s('site', 'station-core', -5000, { state: 'building' }),
      s('gone', 'station-core', 3000, { state: 'destroyed' }),
    ];
    expect(raidDamage(structures, content)).toEqual([
      { id: 'exposed', hp: 300 - damage, destroyed: false },
      { id: 'site', hp: 300 - damage, destroyed: false },
    ]);
  });

  it('destroys a structure whose hp reaches zero', () => {
    const hits = raidDamage(
      [s('a', 'station-core', 0, { hp: damage }), s('b', 'station-core', 900, { hp: 1 })],
      content,
    );
    expect(hits).toEqual([
      { id: 'a', hp: 0, destroyed: true },
      { id: 'b', hp: 1 - damage, destroyed: true },
    ]);
  });

  it('does nothing when raids deal no damage', () => {
    expect(raidDamage([s('a', 'station-core', 0)], resolveContent({ raids: { damage: 0 } }))).toEqual([]);
  });
});
