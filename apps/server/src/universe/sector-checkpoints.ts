import { sectors } from '@perihelion/db';
import { type CarriedAvatar, carriedAvatarsSchema } from '@perihelion/engine';
import { type SectorSimulation, sectorCheckpointSchema } from '@perihelion/game';
import { and, eq, lte, sql } from 'drizzle-orm';
import type { UniverseContext } from './context.js';

/**
 * Sector state that is not worth a write per change (ore left in asteroids, respawn countdowns,
 * where the players' ships are) is checkpointed every few seconds, on shutdown and when the sector
 * is handed to another node, and restored when the sector starts again. Every write carries the
 * fence of the lease it was made under: a node that lost the sector (and has not noticed yet)
 * cannot overwrite what the new owner wrote.
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
   * restoreInto; returns the players' avatars it holds. Throws when a later grant has already
   * written the sector.
   */
  async claim(sector: string, fence: number): Promise<{ avatars: CarriedAvatar[] }> {
    const [row] = await this.ctx.db
      .update(sectors)
      .set({ fence })
      .where(and(eq(sectors.id, sector), lte(sectors.fence, fence)))
      .returning({ state: sectors.state, avatars: sectors.avatars });
    this.saved.delete(sector);
    if (row) {
      this.loaded.set(sector, row.state);
      const avatars = carriedAvatarsSchema.safeParse(row.avatars);
      if (!avatars.success)
        this.ctx.logger.warn({ sector }, 'ignoring unreadable avatars in a sector checkpoint');
      return { avatars: avatars.success ? avatars.data : [] };
    }
    this.loaded.delete(sector);
    const [newer] = await this.ctx.db
      .select({ fence: sectors.fence })
      .from(sectors)
      .where(eq(sectors.id, sector));
    if (newer)
      throw new Error(`sector ${sector} was written under a later lease (${newer.fence} > ${fence})`);
    return { avatars: [] };
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

  /** Saves one sector now (before it is handed over); throws when it could not. */
  saveNow(sector: string): Promise<void> {
    const run = this.saving.then(() => this.writeOne(sector, true));
    this.saving = run.catch(() => {});
    return run;
  }

  /** Saves run one after another: on a pool, two overlapping saves could commit the older last. */
  private save(): Promise<void> {
    this.saving = this.saving.then(() => this.write());
    return this.saving;
  }

  private async write(): Promise<void> {
    for (const id of [...this.ctx.sims.keys()]) {
      try {
        await this.writeOne(id, false);
      } catch (err) {
        this.ctx.logger.warn({ err, sector: id }, 'could not checkpoint the sector; will retry');
      }
    }
  }

  private async writeOne(id: string, mustWrite: boolean): Promise<void> {
    const sim = this.ctx.sims.get(id);
    const fence = this.ctx.fenceOf(id);
    // No longer ours (lost or lapsed): the new owner writes it now.
    if (!sim || fence === null) {
      if (mustWrite) throw new Error(`sector ${id} no longer runs here`);
      return;
    }
    const state = sim.checkpoint();
    const avatars = this.ctx.avatarsIn(id);
    const json = JSON.stringify([state, avatars]);
    if (this.saved.get(id) === json) return;
    const written = await this.ctx.db
      .insert(sectors)
      .values({ id, state, avatars, fence, updatedAt: new Date() })
      .onConflictDoUpdate({
        target: sectors.id,
        set: { state, avatars, fence, updatedAt: new Date() },
        setWhere: sql`${sectors.fence} <= excluded.fence`,
      })
      .returning({ id: sectors.id });
    if (written.length === 0) {
      this.ctx.logger.warn({ sector: id, fence }, 'checkpoint refused: another node owns the sector now');
      if (mustWrite) throw new Error(`sector ${id} was written under a later lease`);
      return;
    }
    this.saved.set(id, json);
  }
}
