/** Hooks a room reports its work to (the server wires them to Prometheus metrics). */
export interface RoomStats {
  recordTick(durationMs: number): void;
  /** `changed` entity records took `recordBytes` of the snapshot's `bytes`. */
  recordSnapshot(bytes: number, changed: number, recordBytes: number, isDelta: boolean): void;
}
