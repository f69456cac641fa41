import { describe, expect, it } from 'vitest';
import { ByteWriter } from './bytes.js';
import { EntityColumns } from './entity-columns.js';
import { encodeSnapshot, encodeSnapshotSelection, type WireEntity } from './snapshot.js';

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
  });

  it('encode a selection of rows exactly as the same entities given as objects', () => {
    const now = EntityColumns.of(Array.from({ length: 40 }, (_, i) => entity(i + 1)));
    const before = EntityColumns.of(
      Array.from({ length: 40 }, (_, i) => ({ ...entity(i + 3), qx: entity(i + 3).qx + (i % 4) })),
    );
    const pick = (table: EntityColumns, rows: number[]) => ({
      table,
      rows: Int32Array.from(rows),
      count: rows.length,
    });
    const currentRows = [0, 2, 3, 9, 17, 30, 39];
    const baselineRows = [1, 2, 5, 15, 27, 35];
    const head = { id: 9, tick: 120, ackSeq: 44, own: [1, 2] };
    const a = new ByteWriter(64);
    encodeSnapshotSelection(a, head, pick(now, currentRows), {
      id: 7,
      entities: pick(before, baselineRows),
    });
    const b = new ByteWriter(64);
    encodeSnapshot(
      b,
      { ...head, entities: currentRows.map((r) => now.row(r)) },
      { id: 7, entities: baselineRows.map((r) => before.row(r)) },
    );
    expect(a.toBytes()).toEqual(b.toBytes());
  });
});
