import { EntityColumns, type WireEntity } from '@perihelion/protocol';
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

/** A grid over `entities` (in any order), asked through the same API the room uses. */
function gridOf(cellSize: number, entities: readonly WireEntity[]) {
  const grid = new InterestGrid(cellSize);
  let table = EntityColumns.of(entities);
  grid.rebuild(table);
  return {
    rebuild(next: readonly WireEntity[]) {
      table = EntityColumns.of(next);
      grid.rebuild(table);
    },
    query(qx: number, qy: number, radius: number, exclude: number): WireEntity[] {
      const rows = new Int32Array(table.length);
      const count = grid.query(qx, qy, radius, exclude, rows);
      return Array.from(rows.subarray(0, count), (row) => table.row(row));
    },
  };
}

/** A seeded generator (Park–Miller), so a failure replays; the engine does not depend on the game. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16_807) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

describe('InterestGrid', () => {
  it('returns exactly the entities within the radius, in handle order, without the viewer', () => {
    const entities: WireEntity[] = [];
    let h = 1000;
    for (let x = -2000; x <= 2000; x += 137)
      for (let y = -2000; y <= 2000; y += 151) entities.push(at(h--, x, y));
    const grid = gridOf(250, entities);
    const viewer = entities[200]!;
    const got = grid.query(viewer.qx, viewer.qy, 500, viewer.handle);
    const expected = entities
      .filter((e) => e !== viewer && (e.qx - viewer.qx) ** 2 + (e.qy - viewer.qy) ** 2 <= 500 ** 2)
      .sort((a, b) => a.handle - b.handle);
    expect(got).toEqual(expected);
    expect(got.length).toBeGreaterThan(10);
  });

  it.each([
    ['a crowd in one place', 600, 3000],
    ['a few entities very far apart (coarser cells)', 40, 5_000_000],
  ])('matches a brute-force search for %s, query points inside and outside the crowd', (_case, n, spread) => {
    const random = seeded(n);
    const entities = Array.from({ length: n }, (_, i) =>
      at(i * 7 + 3, Math.round((random() - 0.5) * spread), Math.round((random() - 0.5) * spread)),
    );
    const grid = gridOf(400, [...entities].reverse());
    for (let q = 0; q < 50; q++) {
      const qx = Math.round((random() - 0.5) * spread * 1.5);
      const qy = Math.round((random() - 0.5) * spread * 1.5);
      const radius = q % 2 === 0 ? 800 : spread / 3;
      const exclude = entities[q % n]!.handle;
      const expected = entities
        .filter((e) => e.handle !== exclude && (e.qx - qx) ** 2 + (e.qy - qy) ** 2 <= radius ** 2)
        .sort((a, b) => a.handle - b.handle);
      expect(grid.query(qx, qy, radius, exclude)).toEqual(expected);
    }
  });

  it('answers nothing for an empty world, and forgets entities that are gone', () => {
    const grid = gridOf(100, []);
    expect(grid.query(0, 0, 1000, 0)).toEqual([]);
    grid.rebuild([at(1, 0, 0), at(2, 10, 10)]);
    grid.rebuild([at(2, 10, 10)]);
    expect(grid.query(0, 0, 1000, 0)).toEqual([at(2, 10, 10)]);
  });
});
