import type { WireEntity } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { InterestGrid } from './interest-grid.js';

const at = (handle: number, qx: number, qy: number): WireEntity => ({
  handle,
  kind: 1,
  variant: 0,
  qx,
  qy,
  qa: 0,
});

describe('InterestGrid', () => {
  it('returns exactly the entities within the radius, in handle order, without the viewer', () => {
    const entities: WireEntity[] = [];
    let h = 1000;
    for (let x = -2000; x <= 2000; x += 137)
      for (let y = -2000; y <= 2000; y += 151) entities.push(at(h--, x, y));
    const grid = new InterestGrid(250);
    grid.rebuild([...entities]);
    const viewer = entities[200]!;
    const got = grid.query(viewer.qx, viewer.qy, 500, viewer.handle);
    const expected = entities
      .filter((e) => e !== viewer && (e.qx - viewer.qx) ** 2 + (e.qy - viewer.qy) ** 2 <= 500 ** 2)
      .sort((a, b) => a.handle - b.handle);
    expect(got).toEqual(expected);
    expect(got.length).toBeGreaterThan(10);
  });
});
