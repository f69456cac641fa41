import type { WireEntity } from './snapshot.js';

/** Rows a table can sort (keys are handle × ROW_SPAN + row, exact in a double). */
const ROW_SPAN = 2 ** 21;

/**
 * A world's quantized entities in columns (one typed array per field), sorted by handle: what a
 * server captures once per tick and every member's snapshot then points into. Rows are reused
 * from tick to tick, so encoding a crowd allocates nothing per entity.
 */
export class EntityColumns {
  handle = new Int32Array(0);
  kind = new Uint8Array(0);
  variant = new Uint8Array(0);
  qx = new Int32Array(0);
  qy = new Int32Array(0);
  qa = new Uint8Array(0);
  length = 0;
  private sortKeys = new Float64Array(0);
  private sortInts = new Int32Array(0);
  private sortBytes = new Uint8Array(0);
  private sortCopy = new Int32Array(0);

  /** Empties the table, keeping room for at least `capacity` rows. */
  reset(capacity: number): void {
    if (this.handle.length < capacity) this.grow(Math.max(capacity, this.handle.length * 2));
    this.length = 0;
  }

  /** Appends one row; the caller keeps handles ascending (or calls sortByHandle afterwards). */
  push(handle: number, kind: number, variant: number, qx: number, qy: number, qa: number): void {
    const i = this.length++;
    if (i >= this.handle.length) this.grow(Math.max(16, this.handle.length * 2));
    this.handle[i] = handle;
    this.kind[i] = kind;
    this.variant[i] = variant;
    this.qx[i] = qx;
    this.qy[i] = qy;
    this.qa[i] = qa;
  }

  /**
   * Sorts the rows by handle: one check when they already are; otherwise a numeric sort of
   * (handle, row) keys and a permutation through reused buffers, so a world listed in another
   * order (a game's entities by kind, say) costs no garbage per capture.
   */
  sortByHandle(): void {
    const n = this.length;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = this.handle[i - 1]! < this.handle[i]!;
    if (sorted) return;
    if (this.sortKeys.length < n) {
      this.sortKeys = new Float64Array(this.handle.length);
      this.sortInts = new Int32Array(this.handle.length);
    }
    // Handles are below 2^31 and rows below 2^21: the key is exact in a double.
    const keys = this.sortKeys.subarray(0, n);
    for (let i = 0; i < n; i++) keys[i] = this.handle[i]! * ROW_SPAN + i;
    keys.sort();
    const order = this.sortInts;
    for (let i = 0; i < n; i++) order[i] = keys[i]! % ROW_SPAN;
    this.permute(this.handle, order, n);
    this.permute(this.qx, order, n);
    this.permute(this.qy, order, n);
    this.permute(this.kind, order, n);
    this.permute(this.variant, order, n);
    this.permute(this.qa, order, n);
  }

  /** column[i] = column[order[i]] for the first n rows, through a reused copy. */
  private permute(column: Int32Array | Uint8Array, order: Int32Array, n: number): void {
    if (column instanceof Int32Array) {
      if (this.sortCopy.length < n) this.sortCopy = new Int32Array(this.handle.length);
      const copy = this.sortCopy;
      copy.set(column.subarray(0, n));
      for (let i = 0; i < n; i++) column[i] = copy[order[i]!]!;
    } else {
      if (this.sortBytes.length < n) this.sortBytes = new Uint8Array(this.handle.length);
      const copy = this.sortBytes;
      copy.set(column.subarray(0, n));
      for (let i = 0; i < n; i++) column[i] = copy[order[i]!]!;
    }
  }

  /** Row `i` as an object (tests and tools; the hot path reads the columns). */
  row(i: number): WireEntity {
    return {
      handle: this.handle[i]!,
      kind: this.kind[i]!,
      variant: this.variant[i]!,
      qx: this.qx[i]!,
      qy: this.qy[i]!,
      qa: this.qa[i]!,
    };
  }

  static of(entities: readonly WireEntity[]): EntityColumns {
    const table = new EntityColumns();
    table.reset(entities.length);
    for (const e of entities) table.push(e.handle, e.kind, e.variant, e.qx, e.qy, e.qa);
    table.sortByHandle();
    return table;
  }

  private grow(capacity: number): void {
    const widen = <T extends Int32Array | Uint8Array>(column: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(column.subarray(0, this.length));
      return next;
    };
    this.handle = widen(this.handle, (n) => new Int32Array(n));
    this.kind = widen(this.kind, (n) => new Uint8Array(n));
    this.variant = widen(this.variant, (n) => new Uint8Array(n));
    this.qx = widen(this.qx, (n) => new Int32Array(n));
    this.qy = widen(this.qy, (n) => new Int32Array(n));
    this.qa = widen(this.qa, (n) => new Uint8Array(n));
  }
}

/** Some rows of a table, ascending (so in handle order): what one member sees, or saw. */
export interface EntitySelection {
  readonly table: EntityColumns;
  readonly rows: Int32Array;
  readonly count: number;
}

/** Every row of a table, in order (keyframes and tests). */
export function selectAll(table: EntityColumns): EntitySelection {
  const rows = new Int32Array(table.length);
  for (let i = 0; i < rows.length; i++) rows[i] = i;
  return { table, rows, count: rows.length };
}
