import { describe, expect, it } from 'vitest';
import {
  buildCost,
  buildDurationMs,
  type PlacementRequest,
  refundFor,
  refundOfPaid,
  validatePlacement,
} from './construction.js';
import { defaultContent as content } from './content.js';
import { resolveContent } from './content-profiles.js';
import type { StructureView } from './structures.js';
import { structureName } from './texts.js';

const core = content.structures['station-core']!;
const shield = content.structures['shield-module']!;
const { buildRange, minSpacing } = content.construction;

function structure(over: Partial<StructureView> & Pick<StructureView, 'id' | 'kind'>): StructureView {
  return { ownerId: 'me', x: 0, y: 0, state: 'active', hp: 100, ...over };
}

function place(over: Partial<PlacementRequest>) {
  return validatePlacement(
    { kind: 'station-core', x: 0, y: 0, ownerId: 'me', ship: { x: 0, y: 0 }, structures: [], ...over },
    content,
  );
}

describe('validatePlacement', () => {
  it('accepts a station core near the ship in open space', () => {
    expect(place({ x: 100, y: -50 })).toEqual({ ok: true });
  });

  it('refuses an unknown kind', () => {
    expect(place({ kind: 'death-star' })).toMatchObject({ ok: false, code: 'UNKNOWN_KIND' });
  });

  it('refuses a footprint that leaves the sector', () => {
    const edge = content.sector.width / 2;
    const ship = { x: edge - 50, y: 0 };
    expect(place({ x: edge - core.radius, ship })).toEqual({ ok: true });
    expect(place({ x: edge - core.radius + 1, ship })).toMatchObject({ ok: false, code: 'OUT_OF_BOUNDS' });
    expect(place({ x: Number.NaN })).toMatchObject({ ok: false, code: 'OUT_OF_BOUNDS' });
  });

  it('refuses a site beyond build range of the ship, or without a ship', () => {
    expect(place({ x: buildRange })).toEqual({ ok: true });
    const far = place({ x: buildRange + 1 });
    expect(far).toMatchObject({ ok: false, code: 'TOO_FAR' });
    expect(!far.ok && far.message).toContain(String(buildRange));
    expect(place({ ship: null })).toMatchObject({ ok: false, code: 'TOO_FAR' });
  });

  it('keeps minSpacing between the footprints of live structures', () => {
    const clearance = core.radius * 2 + minSpacing;
    const other = structure({ id: 'a', kind: 'station-core', ownerId: 'them' });
    expect(place({ x: clearance, structures: [other] })).toEqual({ ok: true });
    const close = place({ x: clearance - 1, structures: [other] });
    expect(close).toMatchObject({ ok: false, code: 'TOO_CLOSE' });
    expect(!close.ok && close.message).toMatch(/station core/);
  });

  it('counts buildings under construction but not cancelled or destroyed ones', () => {
    const at = (state: StructureView['state']) => [structure({ id: 'a', kind: 'station-core', state })];
    expect(place({ x: 10, structures: at('building') })).toMatchObject({ code: 'TOO_CLOSE' });
    expect(place({ x: 10, structures: at('cancelled') })).toEqual({ ok: true });
    expect(place({ x: 10, structures: at('destroyed') })).toEqual({ ok: true });
  });

  describe('a shield module', () => {
    const within = shield.requires!.within;
    const site = { kind: 'shield-module', x: within, y: 0, ship: { x: within, y: 0 } };

    it('is allowed within range of its owner’s active station core', () => {
      expect(place({ ...site, structures: [structure({ id: 'c', kind: 'station-core' })] })).toEqual({
        ok: true,
      });
    });

    it('needs that core to exist, be active, be the builder’s and be close enough', () => {
      const cases: StructureView[][] = [
        [],
        [structure({ id: 'c', kind: 'station-core', state: 'building' })],
        [structure({ id: 'c', kind: 'station-core', ownerId: 'them' })],
        [structure({ id: 'c', kind: 'station-core', x: -1 })],
      ];
      for (const structures of cases) {
        const result = place({ ...site, structures });
        expect(result).toMatchObject({ ok: false, code: 'REQUIRES' });
        expect(!result.ok && result.message).toBe(
          `A shield module needs your active station core within ${within} units`,
        );
      }
    });
  });
});

describe('costs', () => {
  it('reads cost and duration from content', () => {
    expect(buildCost('shield-module', content)).toEqual(shield.cost);
    expect(buildDurationMs('station-core', content)).toBe(core.buildSeconds * 1000);
    expect(buildDurationMs('station-core', resolveContent('fast'))).toBe(6000);
  });

  it('refunds the cost times refundRatio, rounded down', () => {
    const half = resolveContent({
      construction: { refundRatio: 0.5 },
      structures: { 'shield-module': { cost: { ore: 25, credits: 41 } } },
    });
    expect(refundFor('shield-module', half)).toEqual({ ore: 12, credits: 20 });
    const none = resolveContent({ construction: { refundRatio: 0 } });
    expect(refundFor('station-core', none)).toEqual({ ore: 0, credits: 0 });
  });

  it("refunds a share of what was paid, not of today's price", () => {
    const pricier = resolveContent({
      construction: { refundRatio: 0.5 },
      structures: { 'station-core': { cost: { ore: 400, credits: 0 } } },
    });
    expect(refundOfPaid({ ore: 40, credits: 9 }, pricier)).toEqual({ ore: 20, credits: 4 });
  });

  it('refuses to price an unknown kind, but refunds nothing for one instead of failing', () => {
    expect(() => buildCost('death-star', content)).toThrow(/death-star/);
    expect(() => buildDurationMs('death-star', content)).toThrow(/death-star/);
    expect(refundFor('death-star', content)).toEqual({ ore: 0, credits: 0 });
  });

  it('names kinds, falling back to the id', () => {
    expect(structureName('station-core', content)).toBe('Station core');
    expect(structureName('constructor', content)).toBe('constructor');
  });
});
