/** Hooks a room reports its work to (the server wires them to Prometheus metrics). */
export interface RoomStats {
  /** `room`: the room's id, for a per-sector view (the admin console's tick time). */
  recordTick(durationMs: number, room: string): void;
  /** Totals for the snapshots of one tick, reported once per tick rather than per member. */
  recordSnapshots(totals: SnapshotTotals, room: string): void;
}

export interface SnapshotTotals {
  deltas: number;
  keyframes: number;
  bytes: number;
  /** Entity records (new or changed entities) written, and the bytes they took. */
  records: number;
  recordBytes: number;
}

export function emptySnapshotTotals(): SnapshotTotals {
  return { deltas: 0, keyframes: 0, bytes: 0, records: 0, recordBytes: 0 };
}
