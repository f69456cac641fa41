import type { EntityColumns } from '@perihelion/protocol';

/** More cells than this per entity means the entities are spread thin: cells are made coarser. */
const MAX_CELLS_PER_ENTITY = 4;
const MIN_CELL_BUDGET = 4096;

/**
 * Uniform grid over quantized positions, rebuilt once per tick that sends snapshots, so each
 * member's "what is near me" query touches a few cells instead of every entity in the room.
 *
 * Laid out for the query loop, which runs for every member 20 times a second: positions in typed
 * arrays, and cells as one dense array over the entities' bounding box (cell c holds
 * items[start[c]] … items[start[c + 1] - 1]), so a query does no hashing and no allocation.
 * Cells hold row numbers of the handle-sorted table; a query sorts the rows it collects with the
 * typed-array numeric sort, which yields them in handle order, as the delta encoder needs them.
 */
export class InterestGrid {
  private table: EntityColumns | null = null;
  private cellOf = new Int32Array(256);
  private items = new Int32Array(256);
  private start = new Int32Array(MIN_CELL_BUDGET + 1);
  private scratch = new Int32Array(256);
  private size = 0;
  private minCx = 0;
  private minCy = 0;
  private cols = 0;
  private rows = 0;

  /** Half the view radius: the cells a query visits hug its circle more tightly than radius-sized ones. */
  constructor(private readonly cellSize: number) {}

  /** Indexes `table` (sorted by handle), which must not change until the next rebuild. */
  rebuild(table: EntityColumns): void {
    this.table = table;
    const n = table.length;
    if (this.cellOf.length < n) this.grow(n * 2);
    const { qx: xs, qy: ys } = table;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (n === 0) {
      this.cols = 0;
      this.rows = 0;
      return;
    }
    // Entities far apart would need a huge dense grid: coarser cells keep it bounded (queries
    // then test a few more entities, and stay exact).
    const budget = Math.max(MIN_CELL_BUDGET, n * MAX_CELLS_PER_ENTITY);
    let size = this.cellSize;
    while (((maxX - minX) / size + 2) * ((maxY - minY) / size + 2) > budget) size *= 2;
    this.size = size;
    this.minCx = Math.floor(minX / size);
    this.minCy = Math.floor(minY / size);
    this.cols = Math.floor(maxX / size) - this.minCx + 1;
    this.rows = Math.floor(maxY / size) - this.minCy + 1;
    const cells = this.cols * this.rows;
    if (this.start.length < cells + 1)
      this.start = new Int32Array(Math.max(cells + 1, this.start.length * 2));
    const start = this.start;
    start.fill(0, 0, cells + 1);
    // Counting sort of entity indices by cell: counts, prefix sums, then placement (ascending index).
    for (let i = 0; i < n; i++) {
      const c = (Math.floor(xs[i]! / size) - this.minCx) * this.rows + Math.floor(ys[i]! / size) - this.minCy;
      this.cellOf[i] = c;
      start[c + 1]!++;
    }
    for (let c = 0; c < cells; c++) start[c + 1]! += start[c]!;
    const next = this.scratchFor(cells);
    next.set(start.subarray(0, cells));
    for (let i = 0; i < n; i++) this.items[next[this.cellOf[i]!]!++] = i;
  }

  /**
   * Rows of the entities within `radius` of (qx, qy), excluding the one with handle `exclude`,
   * written ascending (so in handle order) into `into`; returns how many. `into` must have room
   * for every row of the table.
   */
  query(qx: number, qy: number, radius: number, exclude: number, into: Int32Array): number {
    const table = this.table;
    if (this.cols === 0 || table === null) return 0;
    const size = this.size;
    const cx0 = Math.max(0, Math.floor((qx - radius) / size) - this.minCx);
    const cx1 = Math.min(this.cols - 1, Math.floor((qx + radius) / size) - this.minCx);
    const cy0 = Math.max(0, Math.floor((qy - radius) / size) - this.minCy);
    const cy1 = Math.min(this.rows - 1, Math.floor((qy + radius) / size) - this.minCy);
    const { qx: xs, qy: ys, handle: handles } = table;
    const { items, start } = this;
    const r2 = radius * radius;
    let count = 0;
    for (let cx = cx0; cx <= cx1; cx++) {
      const column = cx * this.rows;
      for (let k = start[column + cy0]!, end = start[column + cy1 + 1]!; k < end; k++) {
        // Cells of one column are contiguous in `items`, so a column's run is one loop.
        const i = items[k]!;
        const dx = xs[i]! - qx;
        const dy = ys[i]! - qy;
        if (dx * dx + dy * dy <= r2 && handles[i] !== exclude) into[count++] = i;
      }
    }
    into.subarray(0, count).sort();
    return count;
  }

  private scratchFor(length: number): Int32Array {
    if (this.scratch.length < length) this.scratch = new Int32Array(length * 2);
    return this.scratch;
  }

  private grow(capacity: number): void {
    this.cellOf = new Int32Array(capacity);
    this.items = new Int32Array(capacity);
  }
}
