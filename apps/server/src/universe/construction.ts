import type { Tx } from '@perihelion/db';
import { inventories, isUniqueViolation, players, structures } from '@perihelion/db';
import type { FiringTimer, PlayerConnection } from '@perihelion/engine';
import { randomId } from '@perihelion/engine';
import {
  buildCost,
  buildDurationMs,
  constructionCompleteText,
  refundOfPaid,
  structureName,
  validatePlacement,
} from '@perihelion/game';
import {
  type BuildRequest,
  type BuildResult,
  type CancelRequest,
  type CancelResult,
  type ErrorCode,
  protocolError,
  type Structure,
} from '@perihelion/protocol';
import { and, eq, gte, sql } from 'drizzle-orm';
import type { UniverseContext } from './context.js';
import { KeyedLock } from './keyed-lock.js';

export const CONSTRUCTION_TIMER = 'construction.complete';

/** What a build costs and when it runs, decided before the transaction. */
interface BuildPlan {
  cost: { ore: number; credits: number };
  now: Date;
  completesAt: Date;
  maxHp: number;
}

const refuse = (code: ErrorCode, message: string, event: string) =>
  ({ ok: false, error: protocolError(code, message, event) }) as const;

/**
 * Building and cancelling structures. Spending ore, creating the structure and scheduling its
 * completion are one transaction: a crash can lose none of them alone. Completion is a durable
 * timer whose claim, the structure's activation and the owner's notification commit together.
 */
export class Construction {
  private readonly sectorLock = new KeyedLock();
  constructor(
    private readonly ctx: UniverseContext,
    /** Credits ore mined but not yet written, so what the player sees is what they can spend. */
    private readonly flushMining: (playerId: string) => Promise<void>,
  ) {
    ctx.scheduler.on(CONSTRUCTION_TIMER, (timer, tx) => this.complete(timer, tx));
  }

  async build(conn: PlayerConnection, req: BuildRequest): Promise<BuildResult> {
    const sector = conn.sector;
    if (!sector) return refuse('NOT_IN_SECTOR', 'join a sector before building', 'build');
    // Placement is checked against the sector's structures in memory, which change only after a
    // commit: builds in one sector go one at a time, or two could claim the same spot.
    return this.sectorLock.run(sector, () => this.buildIn(sector, conn, req));
  }

  private async buildIn(sector: string, conn: PlayerConnection, req: BuildRequest): Promise<BuildResult> {
    const { ctx } = this;
    // A request sent again (its answer was lost with a connection): the build it already started.
    const earlier = req.requestId ? await this.startedBy(conn.playerId, req.requestId) : null;
    if (earlier) return { ok: true, structure: earlier };
    const ship = ctx.sims.get(sector)?.focus(conn.playerId) ?? null;
    const placement = validatePlacement(
      {
        kind: req.kind,
        x: req.x,
        y: req.y,
        ownerId: conn.playerId,
        ship,
        structures: ctx.structures.in(sector),
      },
      ctx.content,
    );
    if (!placement.ok) return refuse('INVALID_PLACEMENT', placement.message, 'build');
    await this.flushMining(conn.playerId);

    const cost = buildCost(req.kind, ctx.content);
    const now = new Date();
    const completesAt = new Date(now.getTime() + buildDurationMs(req.kind, ctx.content));
    const maxHp = ctx.structures.maxHp(req.kind);
    const created = await this.payAndStart(sector, conn.playerId, req, { cost, now, completesAt, maxHp });
    if (created === 'duplicate') {
      // The same request on another connection (or node) committed first: answer with its build.
      const first = req.requestId ? await this.startedBy(conn.playerId, req.requestId) : null;
      if (first) return { ok: true, structure: first };
      return refuse('INTERNAL', 'the build could not be found after a duplicate request', 'build');
    }
    if (!created) {
      return refuse(
        'INSUFFICIENT_FUNDS',
        `${structureName(req.kind, ctx.content)} costs ${cost.ore} ore${cost.credits ? ` and ${cost.credits} credits` : ''}`,
        'build',
      );
    }
    ctx.changes.structure(created);
    await ctx.pushProfile(conn.playerId);
    ctx.logger.info(
      { player: conn.playerId, sector, kind: req.kind, id: created.id },
      'construction started',
    );
    return { ok: true, structure: created };
  }

  /** The structure this player's request `requestId` started, as it is now; null if none. */
  private async startedBy(playerId: string, requestId: string): Promise<Structure | null> {
    const [found] = await this.ctx.db
      .select({ s: structures, ownerName: players.name })
      .from(structures)
      .innerJoin(players, eq(players.id, structures.ownerId))
      .where(and(eq(structures.ownerId, playerId), eq(structures.requestId, requestId)));
    return found ? this.ctx.structures.wire(found.s, found.ownerName) : null;
  }

  /**
   * Pays, creates the structure and schedules its completion in one transaction. Null: the player
   * cannot afford it; 'duplicate': a structure with the same request id exists (nothing was paid).
   */
  private async payAndStart(
    sector: string,
    playerId: string,
    req: BuildRequest,
    plan: BuildPlan,
  ): Promise<Structure | null | 'duplicate'> {
    try {
      return await this.insertPaid(sector, playerId, req, plan);
    } catch (err) {
      if (req.requestId && isUniqueViolation(err)) return 'duplicate';
      throw err;
    }
  }

  private insertPaid(
    sector: string,
    playerId: string,
    req: BuildRequest,
    { cost, now, completesAt, maxHp }: BuildPlan,
  ): Promise<Structure | null> {
    const { ctx } = this;
    return ctx.db.transaction(async (tx) => {
      const [paid] = await tx
        .update(inventories)
        .set({
          ore: sql`${inventories.ore} - ${cost.ore}`,
          credits: sql`${inventories.credits} - ${cost.credits}`,
        })
        .where(
          and(
            eq(inventories.playerId, playerId),
            gte(inventories.ore, cost.ore),
            gte(inventories.credits, cost.credits),
          ),
        )
        .returning();
      if (!paid) return null;
      const id = randomId('s');
      const timer = await ctx.scheduler.schedule(tx, {
        kind: CONSTRUCTION_TIMER,
        dueAt: completesAt,
        payload: { structureId: id },
      });
      const [row] = await tx
        .insert(structures)
        .values({
          id,
          sector,
          ownerId: playerId,
          kind: req.kind,
          x: req.x,
          y: req.y,
          state: 'building',
          hp: maxHp,
          startedAt: now,
          completesAt,
          paidOre: cost.ore,
          paidCredits: cost.credits,
          timerId: timer?.id ?? null,
          requestId: req.requestId ?? null,
        })
        .returning();
      const [owner] = await tx.select({ name: players.name }).from(players).where(eq(players.id, playerId));
      return row ? ctx.structures.wire(row, owner?.name ?? '') : null;
    });
  }

  async cancel(conn: PlayerConnection, req: CancelRequest): Promise<CancelResult> {
    const { ctx } = this;
    // Lock order is timer, then structure, as in completion (claim, then activate): never the
    // reverse, so a cancel racing a completion cannot deadlock; the timer decides who wins.
    const outcome = await ctx.db.transaction(async (tx) => {
      const [row] = await tx.select().from(structures).where(eq(structures.id, req.id));
      if (!row || row.state === 'cancelled' || row.state === 'destroyed') {
        return refuse('NOT_FOUND', 'there is no such structure', 'cancel');
      }
      if (row.ownerId !== conn.playerId)
        return refuse('FORBIDDEN', 'you can only cancel your own builds', 'cancel');
      if (row.state !== 'building' || !row.timerId || !(await ctx.scheduler.cancel(tx, row.timerId))) {
        return refuse('CONFLICT', 'that construction has already finished', 'cancel');
      }
      const [updated] = await tx
        .update(structures)
        .set({ state: 'cancelled', updatedAt: new Date() })
        .where(and(eq(structures.id, row.id), eq(structures.state, 'building')))
        .returning();
      if (!updated) return refuse('CONFLICT', 'that construction is no longer under way', 'cancel');
      const refund = refundOfPaid({ ore: updated.paidOre, credits: updated.paidCredits }, ctx.content);
      await tx
        .update(inventories)
        .set({
          ore: sql`${inventories.ore} + ${refund.ore}`,
          credits: sql`${inventories.credits} + ${refund.credits}`,
        })
        .where(eq(inventories.playerId, conn.playerId));
      return { ok: true as const, refund, row: updated };
    });
    if (!outcome.ok) return outcome;
    const wire = ctx.structures.wire(
      outcome.row,
      ctx.structures.get(outcome.row.sector, outcome.row.id)?.ownerName ?? '',
    );
    ctx.changes.structure(wire);
    await ctx.pushProfile(conn.playerId);
    return { ok: true, refund: outcome.refund };
  }

  /** The construction timer's handler: runs inside the timer's claiming transaction. */
  private async complete(timer: FiringTimer, tx: Tx): Promise<(() => void) | undefined> {
    const { ctx } = this;
    const { structureId } = timer.payload as { structureId: string };
    const [row] = await tx
      .update(structures)
      .set({ state: 'active', updatedAt: new Date() })
      .where(and(eq(structures.id, structureId), eq(structures.state, 'building')))
      .returning();
    if (!row) return undefined;
    const [owner] = await tx.select({ name: players.name }).from(players).where(eq(players.id, row.ownerId));
    await ctx.inbox.post(tx, row.ownerId, {
      kind: 'construction.complete',
      text: constructionCompleteText(row.kind, row.x, row.y, ctx.content),
      data: { structureId: row.id, sector: row.sector, kind: row.kind, x: row.x, y: row.y },
    });
    const wire = ctx.structures.wire(row, owner?.name ?? '');
    return () => {
      ctx.changes.structure(wire);
      ctx.logger.info({ id: wire.id, sector: wire.sector, kind: wire.kind }, 'construction complete');
      void ctx.inbox.flush(row.ownerId);
    };
  }
}
