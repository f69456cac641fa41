import { describe, expect, it } from 'vitest';
import { ByteWriter } from './bytes.js';
import { EntityColumns } from './entity-columns.js';
import { encodeSnapshotSelection, type WireEntity } from './snapshot.js';

const entity = (handle: number): WireEntity => ({
  handle,
  kind: handle % 3,
  variant: handle % 5,
  qx: handle * 37 - 900,
  qy: 400 - handle * 11,
  qa: (handle * 13) % 256,
});

describe('entity columns', () => {
  it('hold rows of any order sorted by handle, growing as needed', () => {
    const handles = Array.from({ length: 100 }, (_, i) => (i * 37) % 101);
    const table = EntityColumns.of(handles.map(entity));
    expect(table.length).toBe(100);
    expect(Array.from({ length: 100 }, (_, i) => table.row(i))).toEqual(
      [...handles].sort((a, b) => a - b).map(entity),
    );
    // Refilled in another order (its sort buffers reused), and grown past them.
    table.reset(0);
    const more = Array.from({ length: 150 }, (_, i) => 1_000_000 - i * 7);
    for (const e of more.map(entity)) table.push(e.handle, e.kind, e.variant, e.qx, e.qy, e.qa);
    table.sortByHandle();
    expect(Array.from({ length: 150 }, (_, i) => table.row(i))).toEqual(
      [...more].sort((a, b) => a - b).map(entity),
    );
  });

  it('encode a delta between selections of two tables, byte for byte', () => {
    const before = EntityColumns.of([
      { handle: 1, kind: 1, variant: 0, qx: 10, qy: 10, qa: 0 },
      { handle: 2, kind: 1, variant: 0, qx: 20, qy: 20, qa: 9 },
      { handle: 9, kind: 1, variant: 0, qx: 0, qy: 0, qa: 0 },
    ]);
    const now = EntityColumns.of([
      { handle: 2, kind: 1, variant: 0, qx: 23, qy: 20, qa: 9 },
      { handle: 4, kind: 1, variant: 0, qx: 0, qy: 0, qa: 0 },
      { handle: 5, kind: 2, variant: 1, qx: -2, qy: 64, qa: 7 },
      { handle: 9, kind: 1, variant: 0, qx: 0, qy: 0, qa: 0 },
    ]);
    const w = new ByteWriter(8);
    // Handle 4 is in the table but not selected; handle 9 is selected before and now, unchanged.
    encodeSnapshotSelection(
      w,
      { id: 7, tick: 300, ackSeq: 5, own: null },
      { table: now, rows: Int32Array.from([0, 2, 3]), count: 3 },
      { id: 6, entities: { table: before, rows: Int32Array.from([0, 1, 2]), count: 3 } },
    );
    expect([...w.toBytes()]).toEqual([
      2, // delta
      7, // id
      6, // baseline id
      0xac,
      0x02, // tick 300
      5, // ack seq
      0, // no own state
      1,
      1, // one removal: handle 1
      2, // two records
      2,
      2,
      6, // handle 2 (gap 2): x changed by +3 (zigzag 6)
      3,
      1,
      2,
      1,
      3,
      128,
      1,
      7, // handle 5 (gap 3): new, kind 2, variant 1, x -2, y 64, angle 7
    ]);
  });
});
