import { describe, expect, it } from 'vitest';
import { defaultContent, parseContent } from './content.js';
import rawDefault from './content.json';
import { contentProfileNames, contentProfiles, deepMerge, resolveContent } from './content-profiles.js';

describe('content profiles', () => {
  it('the default profile is the default content', () => {
    expect(resolveContent('default')).toEqual(defaultContent);
    expect(contentProfiles.default).toBe(defaultContent);
    expect(contentProfileNames).toEqual(['default', 'fast']);
  });

  it('default content has hour-scale timings and the two structure kinds', () => {
    const c = defaultContent;
    expect(c.profile.startingCredits).toBe(100);
    expect(c.raids.intervalSeconds).toBe(2700);
    expect(c.structures['station-core']).toMatchObject({
      name: 'Station core',
      cost: { ore: 40, credits: 0 },
    });
    expect(c.structures['shield-module']?.requires).toEqual({ kind: 'station-core', within: 600 });
    expect(c.structures['shield-module']?.buildSeconds).toBeGreaterThanOrEqual(60);
  });

  it('fast only shortens timings: costs, sizes and flight stay the same', () => {
    const fast = resolveContent('fast');
    expect(fast.structures['station-core']?.buildSeconds).toBe(6);
    expect(fast.structures['shield-module']?.buildSeconds).toBe(10);
    expect(fast.raids).toMatchObject({ intervalSeconds: 90, warningSeconds: 20, durationSeconds: 20 });
    expect(fast.mining.respawnSeconds).toBeLessThan(defaultContent.mining.respawnSeconds);
    expect(fast.ship).toEqual(defaultContent.ship);
    expect(fast.structures['shield-module']?.cost).toEqual(defaultContent.structures['shield-module']?.cost);
    expect(fast.raids.damage).toBe(defaultContent.raids.damage);
  });

  it('merges an override object onto the default content', () => {
    const c = resolveContent({ raids: { enabled: false }, structures: { 'station-core': { hp: 999 } } });
    expect(c.raids.enabled).toBe(false);
    expect(c.raids.intervalSeconds).toBe(defaultContent.raids.intervalSeconds);
    expect(c.structures['station-core']).toEqual({ ...defaultContent.structures['station-core'], hp: 999 });
    expect(c.structures['shield-module']).toEqual(defaultContent.structures['shield-module']);
  });

  it('adds a new structure kind through an override', () => {
    const outpost = { name: 'Outpost', cost: { ore: 5, credits: 0 }, buildSeconds: 30, hp: 50, radius: 20 };
    expect(resolveContent({ structures: { outpost } }).structures.outpost).toEqual(outpost);
  });

  it('rejects a bad override with an error naming the path', () => {
    expect(() => resolveContent({ mining: { rate: -1 } })).toThrow(/mining\.rate/);
    expect(() => resolveContent({ structures: { 'station-core': { cost: { ore: 'lots' } } } })).toThrow(
      /structures\.station-core\.cost\.ore/,
    );
    expect(() => resolveContent({ construction: { refundRatio: 2 } })).toThrow(/construction\.refundRatio/);
  });

  it('rejects misspelt keys instead of ignoring them', () => {
    expect(() => resolveContent({ raid: { enabled: false } })).toThrow(/raid/);
    expect(() => resolveContent({ raids: { intervalSecs: 10 } })).toThrow(/intervalSecs/);
  });

  it('rejects inconsistent content', () => {
    expect(() => resolveContent({ raids: { intervalSeconds: 100, warningSeconds: 90 } })).toThrow(
      /raids\.intervalSeconds/,
    );
    expect(() =>
      resolveContent({ structures: { 'shield-module': { requires: { kind: 'nothing', within: 5 } } } }),
    ).toThrow(/structures\.shield-module\.requires\.kind/);
  });

  it('rejects unknown profile names and non-objects', () => {
    expect(() => resolveContent('turbo' as 'fast')).toThrow(/unknown content profile "turbo"/);
    expect(() => resolveContent([] as unknown as Record<string, unknown>)).toThrow(/JSON object/);
  });

  it('keeps a "__proto__" key from JSON a plain (rejected) key', () => {
    const override = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(() => resolveContent(override)).toThrow(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('deepMerge replaces arrays and scalars and leaves its inputs alone', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 1 };
    const merged = deepMerge(base, { a: { c: [3] } });
    expect(merged).toEqual({ a: { b: 1, c: [3] }, d: 1 });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 1 });
  });

  it('the JSON default parses as it is', () => {
    expect(parseContent(rawDefault)).toEqual(defaultContent);
  });
});
