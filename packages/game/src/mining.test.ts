import { describe, expect, it } from 'vitest';
import { defaultContent } from './content.js';
import { asteroidOre, findMiningTarget, MinedOreLedger } from './mining.js';

const range = defaultContent.mining.range;

describe('findMiningTarget', () => {
  it('picks an asteroid whose surface is within range of the ship', () => {
    const rock = { x: range + 30 - 1, y: 0, radius: 30, ore: 5 };
    expect(findMiningTarget({ x: 0, y: 0 }, [rock], defaultContent)).toBe(rock);
  });

  it('ignores asteroids whose surface is out of range', () => {
    const rock = { x: range + 30 + 1, y: 0, radius: 30, ore: 5 };
    expect(findMiningTarget({ x: 0, y: 0 }, [rock], defaultContent)).toBeNull();
  });

  it('picks the nearest surface, not the nearest centre', () => {
    const small = { x: 60, y: 0, radius: 10, ore: 5 }; // surface 50 away
    const big = { x: 0, y: 100, radius: 70, ore: 5 }; // surface 30 away
    expect(findMiningTarget({ x: 0, y: 0 }, [small, big], defaultContent)).toBe(big);
  });

  it('skips empty asteroids and treats unknown ore (a client) as minable', () => {
    const empty = { x: 40, y: 0, radius: 10, ore: 0 };
    const unknown = { x: 0, y: 80, radius: 10 };
    expect(findMiningTarget({ x: 0, y: 0 }, [empty, unknown], defaultContent)).toBe(unknown);
    expect(findMiningTarget({ x: 0, y: 0 }, [empty], defaultContent)).toBeNull();
  });

  it('sizes ore by radius', () => {
    expect(asteroidOre(20, defaultContent)).toBe(Math.round(20 * defaultContent.asteroids.orePerRadius));
  });
});

describe('MinedOreLedger', () => {
  it('drains whole units per player and keeps the fractions', () => {
    const ledger = new MinedOreLedger();
    for (let i = 0; i < 25; i++) ledger.credit('a', 0.1);
    ledger.credit('b', 0.5);
    expect(ledger.drain()).toEqual(new Map([['a', 2]]));
    expect(ledger.drain()).toEqual(new Map());
    for (let i = 0; i < 5; i++) ledger.credit('a', 0.1);
    ledger.credit('b', 0.5);
    expect(ledger.drain()).toEqual(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
  });

  it('counts thirty steps of a thirtieth as one whole unit despite float error', () => {
    const ledger = new MinedOreLedger();
    for (let i = 0; i < 30; i++) ledger.credit('a', 1 / 30);
    expect(ledger.drain().get('a')).toBe(1);
    expect(ledger.drain().size).toBe(0);
  });
});
