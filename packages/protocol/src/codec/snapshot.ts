import { ByteReader, ByteWriter } from './bytes.js';
import { EntityColumns, type EntitySelection, selectAll } from './entity-columns.js';

/**
 * One entity in world units (positions) and radians (angle): what a game's simulation exposes and
 * what a client draws. `kind` and `variant` are opaque to the engine; the game gives them meaning.
 */
export interface EntityState {
  handle: number;
  kind: number;
  variant: number;
  x: number;
  y: number;
  angle: number;
}

/**
 * One entity as it travels on the wire: integer, quantized fields only (see quantize.ts).
 * `kind` and `variant` are opaque to the engine; the game gives them meaning.
 */
export interface WireEntity {
  readonly handle: number;
  readonly kind: number;
  readonly variant: number;
  readonly qx: number;
  readonly qy: number;
  readonly qa: number;
}

/**
 * A snapshot as seen by one client. `entities` is sorted by handle and contains only what is near
 * that client; `own` is the full-precision state of the client's own entity for reconciliation.
 */
export interface SnapshotFrame {
  /** Per-client, increasing from 1. */
  id: number;
  tick: number;
  /** Last input sequence applied for this client (0 = none yet). */
  ackSeq: number;
  own: readonly number[] | null;
  entities: readonly WireEntity[];
}

/** What an encoded snapshot spent on entity records (for bandwidth metrics). */
export interface EncodeStats {
  /** Entities written (new or changed). */
  changed: number;
  /** Bytes of those records, excluding the header and removals. */
  recordBytes: number;
}

const FORMAT_KEYFRAME = 1;
const FORMAT_DELTA = 2;

const F_NEW = 1;
const F_X = 2;
const F_Y = 4;
const F_ANGLE = 8;
const F_VARIANT = 16;

/** The fixed part of a snapshot being encoded: everything but the entities. */
export type SnapshotHead = Omit<SnapshotFrame, 'entities'>;

/**
 * Encodes `frame` as a delta against `baseline` (a frame the client has acknowledged), or as a
 * keyframe when there is none. Both lists must be sorted by handle. Convenience over
 * encodeSnapshotSelection for callers that hold objects (tests, tools).
 */
export function encodeSnapshot(
  out: ByteWriter,
  frame: SnapshotFrame,
  baseline: { id: number; entities: readonly WireEntity[] } | null,
): EncodeStats {
  return encodeSnapshotSelection(
    out,
    frame,
    selectAll(EntityColumns.of(frame.entities)),
    baseline ? { id: baseline.id, entities: selectAll(EntityColumns.of(baseline.entities)) } : null,
  );
}

/**
 * Encodes a snapshot of the rows `current` selects, as a delta against `baseline` (what the client
 * acknowledged) or as a keyframe when there is none. The two selections may point into different
 * tables (different ticks of the same world).
 *
 * Layout: u8 format, varuint id, varuint baselineId (delta only), varuint tick, varuint ackSeq,
 * u8 ownLength + f32s, varuint removedCount + handle gaps, varuint changedCount + records.
 * A record is a handle gap, a flag byte, then only the fields that changed (zigzag deltas).
 */
export function encodeSnapshotSelection(
  out: ByteWriter,
  head: SnapshotHead,
  current: EntitySelection,
  baseline: { id: number; entities: EntitySelection } | null,
): EncodeStats {
  out.reset();
  out.u8(baseline ? FORMAT_DELTA : FORMAT_KEYFRAME);
  out.varuint(head.id);
  if (baseline) out.varuint(baseline.id);
  out.varuint(head.tick);
  out.varuint(head.ackSeq);
  const own = head.own;
  out.u8(own ? own.length : 0);
  if (own) for (const v of own) out.f32(v);

  // One merge walk over both handle-sorted selections writes removals and records into scratch
  // buffers; counts go first on the wire so the reader knows how many of each follow.
  const cur = current.table;
  const curRows = current.rows;
  const curCount = current.count;
  const base = baseline ? baseline.entities.table : cur;
  const baseRows = baseline ? baseline.entities.rows : curRows;
  const baseCount = baseline ? baseline.entities.count : 0;
  removedScratch.reset();
  recordScratch.reset();
  const w = recordScratch;
  let removed = 0;
  let changed = 0;
  let prevRemoved = 0;
  let prev = 0;
  let i = 0;
  let j = 0;
  while (i < curCount || j < baseCount) {
    const c = i < curCount ? curRows[i]! : -1;
    const b = j < baseCount ? baseRows[j]! : -1;
    const handle = c >= 0 ? cur.handle[c]! : 0;
    const baseHandle = b >= 0 ? base.handle[b]! : 0;
    if (b >= 0 && (c < 0 || baseHandle < handle)) {
      removedScratch.varuint(baseHandle - prevRemoved);
      prevRemoved = baseHandle;
      removed++;
      j++;
      continue;
    }
    i++;
    const same = b >= 0 && baseHandle === handle;
    if (same) j++;
    let flags = F_NEW;
    if (same && base.kind[b] === cur.kind[c]) {
      // A different kind under the same handle cannot be expressed as a delta: sent in full.
      flags = 0;
      if (base.qx[b] !== cur.qx[c]) flags |= F_X;
      if (base.qy[b] !== cur.qy[c]) flags |= F_Y;
      if (base.qa[b] !== cur.qa[c]) flags |= F_ANGLE;
      if (base.variant[b] !== cur.variant[c]) flags |= F_VARIANT;
      if (flags === 0) continue;
    }
    changed++;
    w.varuint(handle - prev);
    prev = handle;
    if (flags === F_NEW) {
      w.u8(F_NEW);
      w.u8(cur.kind[c]!);
      w.u8(cur.variant[c]!);
      w.varint(cur.qx[c]!);
      w.varint(cur.qy[c]!);
      w.u8(cur.qa[c]!);
      continue;
    }
    w.u8(flags);
    if (flags & F_X) w.varint(cur.qx[c]! - base.qx[b]!);
    if (flags & F_Y) w.varint(cur.qy[c]! - base.qy[b]!);
    if (flags & F_ANGLE) w.u8(cur.qa[c]!);
    if (flags & F_VARIANT) w.u8(cur.variant[c]!);
  }
  out.varuint(removed);
  out.append(removedScratch);
  out.varuint(changed);
  out.append(recordScratch);
  return { changed, recordBytes: recordScratch.length };
}

// Encoding is synchronous, so one pair of scratch buffers serves every call.
const removedScratch = new ByteWriter(256);
const recordScratch = new ByteWriter(4096);

const EMPTY: readonly WireEntity[] = [];

export interface DecodedSnapshot extends SnapshotFrame {
  /** 0 for a keyframe. */
  baselineId: number;
}

/** The fixed part of an encoded snapshot: what a client acknowledges and times, without the world. */
export interface SnapshotHeader {
  id: number;
  /** 0 for a keyframe. */
  baselineId: number;
  tick: number;
  ackSeq: number;
}

/**
 * Reads only the header of an encoded snapshot (a few bytes), for tools that must acknowledge and
 * time snapshots but never draw them, such as load generators. Throws RangeError on a bad format.
 */
export function readSnapshotHeader(bytes: Uint8Array): SnapshotHeader {
  return readHeader(new ByteReader(bytes));
}

function readHeader(r: ByteReader): SnapshotHeader {
  const format = r.u8();
  if (format !== FORMAT_KEYFRAME && format !== FORMAT_DELTA) {
    throw new RangeError(`unknown snapshot format ${format}`);
  }
  const id = r.varuint();
  const baselineId = format === FORMAT_DELTA ? r.varuint() : 0;
  const tick = r.varuint();
  const ackSeq = r.varuint();
  return { id, baselineId, tick, ackSeq };
}

export class MissingBaselineError extends Error {
  constructor(readonly baselineId: number) {
    super(`snapshot delta refers to unknown baseline ${baselineId}`);
  }
}

/**
 * Decodes a snapshot into the full entity list. `baselines` returns an earlier decoded frame by id;
 * a delta whose baseline is unknown throws MissingBaselineError (the client then simply waits: the
 * server falls back to a keyframe once acknowledgements stop matching).
 */
export function decodeSnapshot(
  bytes: Uint8Array,
  baselines: (id: number) => readonly WireEntity[] | undefined,
): DecodedSnapshot {
  const r = new ByteReader(bytes);
  const { id, baselineId, tick, ackSeq } = readHeader(r);
  const ownLength = r.u8();
  let own: number[] | null = null;
  if (ownLength > 0) {
    own = new Array<number>(ownLength);
    for (let i = 0; i < ownLength; i++) own[i] = r.f32();
  }
  let base: readonly WireEntity[] = EMPTY;
  if (baselineId !== 0) {
    const found = baselines(baselineId);
    if (!found) throw new MissingBaselineError(baselineId);
    base = found;
  }

  const removedCount = r.varuint();
  const removed = new Set<number>();
  let prev = 0;
  for (let i = 0; i < removedCount; i++) {
    prev += r.varuint();
    removed.add(prev);
  }

  const changedCount = r.varuint();
  const changed: WireEntity[] = [];
  prev = 0;
  let bi = 0;
  for (let i = 0; i < changedCount; i++) {
    const handle = prev + r.varuint();
    prev = handle;
    const flags = r.u8();
    if (flags & F_NEW) {
      const kind = r.u8();
      const variant = r.u8();
      const qx = r.varint();
      const qy = r.varint();
      const qa = r.u8();
      changed.push({ handle, kind, variant, qx, qy, qa });
      continue;
    }
    while (bi < base.length && base[bi]!.handle < handle) bi++;
    const b = base[bi];
    if (!b || b.handle !== handle) throw new RangeError(`delta for unknown entity ${handle}`);
    const qx = flags & F_X ? b.qx + r.varint() : b.qx;
    const qy = flags & F_Y ? b.qy + r.varint() : b.qy;
    const qa = flags & F_ANGLE ? r.u8() : b.qa;
    const variant = flags & F_VARIANT ? r.u8() : b.variant;
    changed.push({ handle, kind: b.kind, variant, qx, qy, qa });
  }

  // Merge: baseline minus removed, overridden/extended by changed; both sorted by handle.
  const entities: WireEntity[] = [];
  let ci = 0;
  for (const b of base) {
    while (ci < changed.length && changed[ci]!.handle < b.handle) entities.push(changed[ci++]!);
    if (ci < changed.length && changed[ci]!.handle === b.handle) {
      entities.push(changed[ci++]!);
    } else if (!removed.has(b.handle)) {
      entities.push(b);
    }
  }
  while (ci < changed.length) entities.push(changed[ci++]!);

  return { id, baselineId, tick, ackSeq, own, entities };
}
