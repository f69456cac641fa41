import { sectors } from '@perihelion/db';
import { type SectorSimulation, sectorCheckpointSchema } from '@perihelion/game';
import { and, eq, lte, sql } from 'drizzle-orm';
import type { UniverseContext } from './context.js';

/**
 * Sector state that is not worth a write per change (ore left in asteroids, respawn countdowns)
 * is checkpointed every few seconds and on shutdown, and restored when the sector starts again.
 * Every write carries the fence of the lease it was made under: a node that lost the sector (and
 * has not noticed yet) cannot overwrite what the new owner wrote.
 */
export class SectorCheckpoints {
  private readonly saved = new Map<string, string>();
  private readonly loaded = new Map<string, unknown>();
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: UniverseContext,
    private readonly intervalMs = 5000,
  ) {}

  /**
   * Takes the sector's stored state over for a new grant of its lease: marks the row with the
   * fence (from then on, writes under an older grant are refused) and keeps its state for
   * restoreInto. Throws when a later grant has already written the sector.
   */
  async claim(sector: string, fence: number): Promise<void> {
    const [row] = await this.ctx.db
      .update(sectors)
      .set({ fence })
      .where(and(eq(sectors.id, sector), lte(sectors.fence, fence)))
      .returning({ state: sectors.state });
    this.saved.delete(sector);
    if (row) {
      this.loaded.set(sector, row.state);
      return;
    }
    this.loaded.delete(sector);
    const [newer] = await this.ctx.db
      .select({ fence: sectors.fence })
      .from(sectors)
      .where(eq(sectors.id, sector));
    if (newer)
      throw new Error(`sector ${sector} was written under a later lease (${newer.fence} > ${fence})`);
  }

  restoreInto(sector: string, sim: SectorSimulation): void {
    const parsed = sectorCheckpointSchema.safeParse(this.loaded.get(sector));
    if (parsed.success) sim.restore(parsed.data);
    else if (this.loaded.has(sector))
      this.ctx.logger.warn({ sector }, 'ignoring an unreadable sector checkpoint');
    this.loaded.delete(sector);
  }

  start(): void {
    this.timer = setInterval(() => void this.save(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.save();
  }

  /** Saves run one after another: on a pool, two overlapping saves could commit the older last. */
  private save(): Promise<void> {
    this.saving = this.saving.then(() => this.write());
    return this.saving;
  }

  private async write(): Promise<void> {
    for (const [id, sim] of this.ctx.sims) {
      const fence = this.ctx.fenceOf(id);
      // No longer ours (lost or lapsed): the new owner writes it now.
      if (fence === null) continue;
      const state = sim.checkpoint();
      const json = JSON.stringify(state);
      if (this.saved.get(id) === json) continue;
      try {
        const written = await this.ctx.db
          .insert(sectors)
          .values({ id, state, fence, updatedAt: new Date() })
          .onConflictDoUpdate({
            target: sectors.id,
            set: { state, fence, updatedAt: new Date() },
            setWhere: sql`${sectors.fence} <= excluded.fence`,
          })
          .returning({ id: sectors.id });
        if (written.length === 0) {
          this.ctx.logger.warn({ sector: id, fence }, 'checkpoint refused: another node owns the sector now');
          continue;
        }
        this.saved.set(id, json);
      } catch (err) {
        this.ctx.logger.warn({ err, sector: id }, 'could not checkpoint the sector; will retry');
      }
    }
  }
}
