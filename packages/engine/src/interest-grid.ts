import type { WireEntity } from '@perihelion/protocol';

/**
 * Uniform grid over quantized positions, rebuilt once per snapshot, so each member's "what is
 * near me" query touches a few cells instead of every entity in the room.
 *
 * Cells hold indices into the handle-sorted entity list; a query collects matching indices and
 * sorts them with the typed-array numeric sort (no comparator calls), which yields the entities
 * in handle order, as the delta encoder needs them.
 */
export class InterestGrid {
  private readonly cells = new Map<number, number[]>();
  private entities: readonly WireEntity[] = [];
  private scratch = new Int32Array(256);

  /** Half the view radius: the cells a query visits hug its circle more tightly than radius-sized ones. */
  constructor(private readonly cellSize: number) {}

  rebuild(entities: WireEntity[]): void {
    entities.sort((a, b) => a.handle - b.handle);
    this.entities = entities;
    for (const list of this.cells.values()) list.length = 0;
    for (let i = 0; i < entities.length; i++) {
      const e = entities[i]!;
      const key = this.key(Math.floor(e.qx / this.cellSize), Math.floor(e.qy / this.cellSize));
      let list = this.cells.get(key);
      if (!list) {
        list = [];
        this.cells.set(key, list);
      }
      list.push(i);
    }
  }

  /** Entities within `radius` of (qx, qy), sorted by handle, excluding the one with handle `exclude`. */
  query(qx: number, qy: number, radius: number, exclude: number): WireEntity[] {
    if (this.scratch.length < this.entities.length) this.scratch = new Int32Array(this.entities.length * 2);
    const scratch = this.scratch;
    const all = this.entities;
    let count = 0;
    const r2 = radius * radius;
    const cx0 = Math.floor((qx - radius) / this.cellSize);
    const cx1 = Math.floor((qx + radius) / this.cellSize);
    const cy0 = Math.floor((qy - radius) / this.cellSize);
    const cy1 = Math.floor((qy + radius) / this.cellSize);
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const list = this.cells.get(this.key(cx, cy));
        if (!list) continue;
        for (let j = 0; j < list.length; j++) {
          const i = list[j]!;
          const e = all[i]!;
          const dx = e.qx - qx;
          const dy = e.qy - qy;
          if (dx * dx + dy * dy <= r2 && e.handle !== exclude) scratch[count++] = i;
        }
      }
    }
    const picked = scratch.subarray(0, count).sort();
    const out = new Array<WireEntity>(count);
    for (let k = 0; k < count; k++) out[k] = all[picked[k]!]!;
    return out;
  }

  private key(cx: number, cy: number): number {
    // Cells stay well inside ±2^15 for any sane world size and cell size.
    return (cx + 0x8000) * 0x10000 + (cy + 0x8000);
  }
}
