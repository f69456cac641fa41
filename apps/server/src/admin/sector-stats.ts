import type { RoomStats, SnapshotTotals } from '@perihelion/engine';

/** How long one measuring window lasts: long enough to smooth, short enough to be "now". */
const WINDOW_MS = 2000;

interface Running {
  ticks: number;
  tickMs: number;
  bytes: number;
}

/** One sector's cost over the last complete window. */
export interface SectorCost {
  /** Mean time of one tick (simulation and snapshots), ms. */
  tickMs: number;
  /** Snapshot bytes sent per second (before Socket.IO framing). */
  bytesPerSecond: number;
}

/**
 * Per-sector tick time and snapshot bandwidth for the admin console, beside the process-wide
 * Prometheus metrics: `wrap` passes every report on to those and adds it to the sector's running
 * window; every WINDOW_MS the window is closed and becomes what `of` answers. Sectors that stop
 * reporting (stopped, moved to another node) are forgotten at the next close.
 */
export class SectorStats {
  private readonly running = new Map<string, Running>();
  private readonly last = new Map<string, SectorCost>();
  private windowStart = performance.now();
  private timer: NodeJS.Timeout | null = null;

  wrap(inner: RoomStats): RoomStats {
    return {
      recordTick: (durationMs, room) => {
        inner.recordTick(durationMs, room);
        const r = this.window(room);
        r.ticks++;
        r.tickMs += durationMs;
      },
      recordSnapshots: (totals: SnapshotTotals, room) => {
        inner.recordSnapshots(totals, room);
        this.window(room).bytes += totals.bytes;
      },
    };
  }

  start(): void {
    this.timer ??= setInterval(() => this.close(), WINDOW_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The sector's cost over the last window; null when it did not tick here then. */
  of(sector: string): SectorCost | null {
    return this.last.get(sector) ?? null;
  }

  private window(room: string): Running {
    let r = this.running.get(room);
    if (!r) {
      r = { ticks: 0, tickMs: 0, bytes: 0 };
      this.running.set(room, r);
    }
    return r;
  }

  private close(): void {
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.windowStart) / 1000);
    this.windowStart = now;
    this.last.clear();
    for (const [room, r] of this.running) {
      if (r.ticks === 0) continue;
      this.last.set(room, {
        tickMs: Math.round((r.tickMs / r.ticks) * 1000) / 1000,
        bytesPerSecond: Math.round(r.bytes / seconds),
      });
    }
    this.running.clear();
  }
}
