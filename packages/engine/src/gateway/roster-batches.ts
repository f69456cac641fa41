import type { RosterChange, RosterEntry } from '@perihelion/protocol';

/** How long joins and leaves gather before one batch goes to the sector. */
export const ROSTER_BATCH_MS = 100;

interface Pending {
  joined: Map<string, RosterEntry>;
  left: Set<string>;
}

/**
 * Joins and leaves per sector, sent as one `roster` batch every ROSTER_BATCH_MS instead of one
 * broadcast per arrival: a crowd of N arriving costs about N / batch-size broadcasts, not N.
 * Within a batch the latest word about a player wins (joined then left = left, and the reverse).
 */
export class RosterBatches {
  private readonly pending = new Map<string, Pending>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (sector: string, change: RosterChange) => void,
    private readonly batchMs = ROSTER_BATCH_MS,
  ) {}

  joined(sector: string, entry: RosterEntry): void {
    const p = this.batch(sector);
    p.left.delete(entry.id);
    p.joined.set(entry.id, entry);
  }

  left(sector: string, playerId: string): void {
    const p = this.batch(sector);
    p.joined.delete(playerId);
    p.left.add(playerId);
  }

  /** Sends every pending batch now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [sector, p] of batches) {
      if (p.joined.size + p.left.size > 0)
        this.send(sector, { joined: [...p.joined.values()], left: [...p.left] });
    }
  }

  /** Drops what is pending for one sector (it no longer runs here). */
  forget(sector: string): void {
    this.pending.delete(sector);
  }

  /** Drops what is pending (the server is stopping). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  private batch(sector: string): Pending {
    let p = this.pending.get(sector);
    if (!p) {
      p = { joined: new Map(), left: new Set() };
      this.pending.set(sector, p);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.batchMs);
      this.timer.unref?.();
    }
    return p;
  }
}
