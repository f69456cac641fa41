import { inventories } from '@perihelion/db';
import { eq, sql } from 'drizzle-orm';
import type { UniverseContext } from './context.js';

/**
 * Moves ore mined in the simulations into the store, every `intervalMs` and whenever a player's
 * ore is about to be spent or they leave. Mined ore is tick data until then: a crash loses at most
 * one interval of it; ore that failed to save stays pending and is retried.
 */
export class MiningBank {
  private readonly pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: UniverseContext,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Writes everything mined so far (for one player, or everyone); serialised with other flushes. */
  flush(onlyPlayer?: string): Promise<void> {
    const run = this.flushing.then(() => this.write(onlyPlayer));
    this.flushing = run.catch(() => {});
    return run;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Takes what the simulations mined into the pending ore (written at the next flush). */
  collect(): void {
    for (const sim of this.ctx.sims.values()) {
      for (const [playerId, ore] of sim.drainMinedOre()) {
        this.pending.set(playerId, (this.pending.get(playerId) ?? 0) + ore);
      }
    }
  }

  private async write(onlyPlayer?: string): Promise<void> {
    this.collect();
    const batch = [...this.pending].filter(([p, ore]) => ore > 0 && (!onlyPlayer || p === onlyPlayer));
    // Profiles are pushed after every save of the pass, together: their reads share one batch
    // instead of each waiting for its own before the next player's save.
    const pushes: Promise<void>[] = [];
    for (const [playerId, ore] of batch) {
      try {
        await this.ctx.db
          .update(inventories)
          .set({ ore: sql`${inventories.ore} + ${ore}` })
          .where(eq(inventories.playerId, playerId));
        this.pending.set(playerId, (this.pending.get(playerId) ?? ore) - ore);
        if (this.pending.get(playerId) === 0) this.pending.delete(playerId);
      } catch (err) {
        this.ctx.logger.warn({ err, player: playerId, ore }, 'could not save mined ore; will retry');
        continue;
      }
      pushes.push(
        this.ctx
          .pushProfile(playerId)
          .catch((err: unknown) =>
            this.ctx.logger.warn({ err, player: playerId }, 'could not push a profile'),
          ),
      );
    }
    await Promise.all(pushes);
  }
}
