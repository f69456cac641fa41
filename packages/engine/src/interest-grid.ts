import type { WireEntity } from '@perihelion/protocol';

/**
 * Uniform grid over quantized positions, rebuilt once per snapshot, so each member's "what is
 * near me" query touches a few cells instead of every entity in the room.
 */
export class InterestGrid {
  private readonly cells = new Map<number, WireEntity[]>();

  constructor(private readonly cellSize: number) {}

  rebuild(entities: readonly WireEntity[]): void {
    for (const list of this.cells.values()) list.length = 0;
    for (const e of entities) {
      const key = this.key(Math.floor(e.qx / this.cellSize), Math.floor(e.qy / this.cellSize));
      let list = this.cells.get(key);
      if (!list) {
        list = [];
        this.cells.set(key, list);
      }
      list.push(e);
    }
  }

  /** Entities within `radius` of (qx, qy), sorted by handle, excluding `exclude`. */
  query(qx: number, qy: number, radius: number, exclude: number): WireEntity[] {
    const out: WireEntity[] = [];
    const r2 = radius * radius;
    const cx0 = Math.floor((qx - radius) / this.cellSize);
    const cx1 = Math.floor((qx + radius) / this.cellSize);
    const cy0 = Math.floor((qy - radius) / this.cellSize);
    const cy1 = Math.floor((qy + radius) / this.cellSize);
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const list = this.cells.get(this.key(cx, cy));
        if (!list) continue;
        for (const e of list) {
          if (e.handle === exclude) continue;
          const dx = e.qx - qx;
          const dy = e.qy - qy;
          if (dx * dx + dy * dy <= r2) out.push(e);
        }
      }
    }
    out.sort((a, b) => a.handle - b.handle);
    return out;
  }

  private key(cx: number, cy: number): number {
    // Cells stay well inside ±2^15 for any sane world size and cell size.
    return (cx + 0x8000) * 0x10000 + (cy + 0x8000);
  }
}
