import { ByteWriter, encodeSnapshot, type SnapshotFrame, type WireEntity } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { BaselineStore } from './baseline-store.js';

const writer = new ByteWriter();

function ent(handle: number, qx: number, qy = 0): WireEntity {
  return { handle, kind: 1, variant: 0, qx, qy, qa: 0 };
}

function frame(id: number, entities: WireEntity[], own: number[] | null = null): SnapshotFrame {
  return { id, tick: id * 2, ackSeq: id, own, entities };
}

function encode(f: SnapshotFrame, baseline: SnapshotFrame | null): Uint8Array {
  encodeSnapshot(writer, f, baseline);
  return writer.toBytes();
}

describe('BaselineStore', () => {
  it('decodes a keyframe, then deltas against frames it has kept', () => {
    const store = new BaselineStore();
    const f1 = frame(1, [ent(1, 0), ent(2, 10)], [1.5, 2.5]);
    const f2 = frame(2, [ent(1, 4), ent(3, 7)]);
    const f3 = frame(3, [ent(1, 8), ent(3, 7)]);
    expect(store.decode(encode(f1, null))).toMatchObject({ id: 1, own: [1.5, 2.5], entities: f1.entities });
    expect(store.decode(encode(f2, f1))?.entities).toEqual(f2.entities);
    // Against an older acknowledged frame, not just the newest one.
    expect(store.decode(encode(f3, f1))?.entities).toEqual(f3.entities);
    expect(store.newestId).toBe(3);
  });

  it('drops a delta whose baseline it never had, and recovers on the next keyframe', () => {
    const store = new BaselineStore();
    const f1 = frame(1, [ent(1, 0)]);
    const f2 = frame(2, [ent(1, 2)]);
    expect(store.decode(encode(f2, f1))).toBeNull();
    expect(store.dropped['missing-baseline']).toBe(1);
    expect(store.newestId).toBe(0);
    const f3 = frame(3, [ent(1, 4)]);
    expect(store.decode(encode(f3, null))?.entities).toEqual(f3.entities);
    expect(store.newestId).toBe(3);
  });

  it('keeps only the newest frames as baselines', () => {
    const store = new BaselineStore(4);
    const frames = Array.from({ length: 10 }, (_, i) => frame(i + 1, [ent(1, i)]));
    store.decode(encode(frames[0]!, null));
    for (let i = 1; i < 10; i++) store.decode(encode(frames[i]!, frames[i - 1]!));
    expect(store.size).toBe(4);
    expect(store.has(6)).toBe(false);
    expect(store.has(7)).toBe(true);
    const late = frame(11, [ent(1, 99)]);
    expect(store.decode(encode(late, frames[2]!))).toBeNull();
    expect(store.decode(encode(late, frames[8]!))?.entities).toEqual(late.entities);
  });

  it('ignores frames older than the newest it decoded', () => {
    const store = new BaselineStore();
    store.decode(encode(frame(5, [ent(1, 0)]), null));
    expect(store.decode(encode(frame(4, [ent(1, 1)]), null))).toBeNull();
    expect(store.dropped.stale).toBe(1);
    expect(store.newestId).toBe(5);
  });

  it('drops garbage without throwing', () => {
    const store = new BaselineStore();
    expect(store.decode(new Uint8Array([9, 9, 9]))).toBeNull();
    expect(store.decode(new Uint8Array([]))).toBeNull();
    const full = encode(frame(1, [ent(1, 0), ent(2, 5)]), null);
    expect(store.decode(full.subarray(0, full.length - 2))).toBeNull();
    expect(store.dropped.malformed).toBe(3);
  });

  it('starts over after reset() (a new join numbers snapshots from 1 again)', () => {
    const store = new BaselineStore();
    const f1 = frame(40, [ent(1, 0)]);
    store.decode(encode(f1, null));
    store.reset();
    expect(store.newestId).toBe(0);
    expect(store.decode(encode(frame(41, [ent(1, 1)]), f1))).toBeNull();
    expect(store.decode(encode(frame(1, [ent(1, 2)]), null))?.id).toBe(1);
  });
});
