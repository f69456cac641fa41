import { describe, expect, it } from 'vitest';
import { ByteWriter } from './bytes.js';
import {
  decodeSnapshot,
  encodeSnapshot,
  MissingBaselineError,
  readSnapshotHeader,
  type WireEntity,
} from './snapshot.js';

const entity = (handle: number, qx: number, qy: number, qa = 0, kind = 1, variant = 0): WireEntity => ({
  handle,
  kind,
  variant,
  qx,
  qy,
  qa,
});

function roundTrip(
  frame: Parameters<typeof encodeSnapshot>[1],
  baseline: { id: number; entities: readonly WireEntity[] } | null,
) {
  const w = new ByteWriter(16);
  const stats = encodeSnapshot(w, frame, baseline);
  const bytes = w.toBytes();
  const decoded = decodeSnapshot(bytes, (id) =>
    baseline && baseline.id === id ? baseline.entities : undefined,
  );
  return { decoded, bytes, stats };
}

describe('snapshot codec', () => {
  it('round-trips a keyframe with own state and negative coordinates', () => {
    const entities = [entity(1, -4000, 12000, 255, 2, 7), entity(5, 0, -1, 3)];
    const { decoded } = roundTrip(
      { id: 1, tick: 90, ackSeq: 12, own: [1.5, -2.25, 100, -3, 0.5], entities },
      null,
    );
    expect(decoded.baselineId).toBe(0);
    expect(decoded.tick).toBe(90);
    expect(decoded.ackSeq).toBe(12);
    expect(decoded.own).toEqual([1.5, -2.25, 100, -3, 0.5]);
    expect(decoded.entities).toEqual(entities);
  });

  it('reconstructs moved, added and removed entities from a delta', () => {
    const base = [entity(1, 10, 10), entity(2, 20, 20), entity(3, 30, 30)];
    const next = [entity(1, 12, 9, 4), entity(3, 30, 30), entity(9, 99, -99, 1, 2, 3)];
    const { decoded, stats } = roundTrip(
      { id: 2, tick: 2, ackSeq: 0, own: null, entities: next },
      { id: 1, entities: base },
    );
    expect(decoded.baselineId).toBe(1);
    expect(decoded.entities).toEqual(next);
    // Entity 3 did not change and is not written at all.
    expect(stats.changed).toBe(2);
  });

  it('spends under 8 bytes per moving entity per snapshot', () => {
    // 200 ships moving at max speed (≈ 56 quanta per snapshot at 15 Hz) in varied directions.
    const base: WireEntity[] = [];
    const next: WireEntity[] = [];
    for (let h = 1; h <= 200; h++) {
      const a = (h * 2.399) % (Math.PI * 2);
      base.push(entity(h * 3, h * 100, -h * 50, h % 256));
      next.push(
        entity(
          h * 3,
          h * 100 + Math.round(Math.cos(a) * 56),
          -h * 50 + Math.round(Math.sin(a) * 56),
          (h + 3) % 256,
        ),
      );
    }
    const { decoded, stats } = roundTrip(
      { id: 8, tick: 8, ackSeq: 0, own: null, entities: next },
      { id: 7, entities: base },
    );
    expect(decoded.entities).toEqual(next);
    expect(stats.changed).toBe(200);
    expect(stats.recordBytes / stats.changed).toBeLessThan(8);
  });

  it('refuses a delta against a baseline it does not have', () => {
    const w = new ByteWriter();
    encodeSnapshot(
      w,
      { id: 3, tick: 3, ackSeq: 0, own: null, entities: [entity(1, 1, 1)] },
      { id: 2, entities: [] },
    );
    expect(() => decodeSnapshot(w.toBytes(), () => undefined)).toThrow(MissingBaselineError);
  });

  it('rejects truncated or garbage input without hanging', () => {
    const w = new ByteWriter();
    encodeSnapshot(w, { id: 1, tick: 1, ackSeq: 0, own: [1, 2], entities: [entity(1, 1, 1)] }, null);
    const bytes = w.toBytes();
    expect(() => decodeSnapshot(bytes.subarray(0, bytes.length - 2), () => undefined)).toThrow(RangeError);
    expect(() => decodeSnapshot(new Uint8Array([99, 1, 2]), () => undefined)).toThrow(RangeError);
  });

  it('reads the header alone, for keyframes and deltas, as the full decode does', () => {
    const base = { id: 4, entities: [entity(1, 10, 10), entity(2, 20, 20)] };
    const frame = { id: 9, tick: 300, ackSeq: 77, own: [1, 2, 3], entities: [entity(2, 21, 20)] };
    for (const baseline of [null, base]) {
      const { decoded, bytes } = roundTrip(frame, baseline);
      expect(readSnapshotHeader(bytes)).toEqual({
        id: decoded.id,
        baselineId: decoded.baselineId,
        tick: decoded.tick,
        ackSeq: decoded.ackSeq,
      });
    }
    expect(readSnapshotHeader(roundTrip(frame, base).bytes).baselineId).toBe(4);
    expect(() => readSnapshotHeader(new Uint8Array([99, 1, 2]))).toThrow(RangeError);
    expect(() => readSnapshotHeader(new Uint8Array([1, 0x80]))).toThrow(RangeError);
  });
});
