import { sectors } from '@perihelion/db';
import { type SectorSimulation, sectorCheckpointSchema } from '@perihelion/game';
import type { UniverseContext } from './context.js';

/**
 * Sector state that is not worth a write per change (ore left in asteroids, respawn countdowns)
 * is checkpointed every few seconds and on shutdown, and restored when the sector starts again.
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

  async load(): Promise<void> {
    for (const row of await this.ctx.db.select().from(sectors)) this.loaded.set(row.id, row.state);
  }

  restoreInto(sector: string, sim: SectorSimulation): void {
    const parsed = sectorCheckpointSchema.safeParse(this.loaded.get(sector));
    if (parsed.success) sim.restore(parsed.data);
    else if (this.loaded.has(sector))
      this.ctx.logger.warn({ sector }, 'ignoring an unreadable sector checkpoint');
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
      const state = sim.checkpoint();
      const json = JSON.stringify(state);
      if (this.saved.get(id) === json) continue;
      try {
        await this.ctx.db
          .insert(sectors)
          .values({ id, state, updatedAt: new Date() })
          .onConflictDoUpdate({ target: sectors.id, set: { state, updatedAt: new Date() } });
        this.saved.set(id, json);
      } catch (err) {
        this.ctx.logger.warn({ err, sector: id }, 'could not checkpoint the sector; will retry');
      }
    }
  }
}
