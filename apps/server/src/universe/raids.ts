import type { Tx } from '@perihelion/db';
import { structures, timers } from '@perihelion/db';
import type { FiringTimer } from '@perihelion/engine';
import {
  type Content,
  raidCalledOffText,
  raidDamage,
  raidDamageText,
  raidEndText,
  raidStartText,
  raidWarningText,
  type SectorSimulation,
} from '@perihelion/game';
import type { WorldEvent } from '@perihelion/protocol';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { UniverseContext } from './context.js';

const WARNING = 'raid.warning';
const START = 'raid.start';
const END = 'raid.end';
const keyOf = (sector: string) => `raid:${sector}`;

interface RaidPayload {
  sector: string;
  startsAt: number;
  endsAt: number;
}

/** What an operator's trigger or cancel did (see Raids.trigger, Raids.cancel). */
export type RaidControlResult =
  | { ok: true; outcome: 'warning' | 'cancelled' | 'postponed'; nextAt: number }
  | { ok: false; status: 404 | 409; message: string };

type RaidRules = Pick<Content['raids'], 'enabled' | 'intervalSeconds' | 'warningSeconds'>;

const conflict = (message: string): RaidControlResult => ({ ok: false, status: 409, message });

/**
 * Space-dragon raids, one cycle per sector, every step a durable timer: a warning announced ahead
 * of time, the raid itself (dragons fly in the simulation) and its end, when unshielded structures
 * take damage. Each step schedules the next inside its own claiming transaction (one pending
 * timer per sector, by key), so the cycle survives restarts and never runs twice.
 */
export class Raids {
  /** The announced or running raid of each sector. */
  private readonly current = new Map<string, WorldEvent>();

  constructor(private readonly ctx: UniverseContext) {
    ctx.scheduler.on(WARNING, (t, tx) => this.warn(t, tx));
    ctx.scheduler.on(START, (t, tx) => this.start(t, tx));
    ctx.scheduler.on(END, (t, tx) => this.end(t, tx));
  }

  get enabled(): boolean {
    return this.ctx.content.raids.enabled;
  }

  /** Rebuilds what is announced or running from the pending timers (at start). */
  async load(): Promise<void> {
    const rows = await this.ctx.db
      .select()
      .from(timers)
      .where(
        and(eq(timers.state, 'pending'), like(timers.key, 'raid:%'), inArray(timers.kind, [START, END])),
      );
    for (const row of rows) {
      const p = row.payload as RaidPayload;
      this.current.set(p.sector, this.event(p, row.kind === START ? 'warning' : 'active'));
    }
  }

  /** A sector's simulation came up: resume a raid in progress and make sure a cycle is scheduled. */
  sectorOpened(sector: string, sim: SectorSimulation): void {
    if (!this.enabled) return;
    const running = this.current.get(sector);
    if (running?.phase === 'active') sim.startRaid(Math.max(1, (running.endsAt - Date.now()) / 1000));
    const { intervalSeconds, warningSeconds } = this.ctx.content.raids;
    const dueAt = new Date(Date.now() + Math.max(1, intervalSeconds - warningSeconds) * 1000);
    this.ctx.scheduler
      .schedule(this.ctx.db, { kind: WARNING, key: keyOf(sector), dueAt, payload: { sector } })
      .catch((err: unknown) => this.ctx.logger.error({ err, sector }, 'could not schedule the raid cycle'));
  }

  /**
   * An operator's raid, now: the sector's pending cycle step is replaced, in one transaction, by a
   * warning due at once, which whichever node claims it fires (exactly once, like every step).
   * Refused while a raid is announced or running.
   */
  async trigger(sector: string): Promise<RaidControlResult> {
    if (!this.enabled) return conflict('raids are off in this content (raids.enabled)');
    return this.ctx.db.transaction(async (tx) => {
      const pending = await this.pendingStep(tx, sector);
      if (pending && pending.kind !== WARNING) {
        return conflict(
          `a raid is already ${pending.kind === START ? 'announced' : 'under way'} in ${sector}`,
        );
      }
      if (pending && !(await this.ctx.scheduler.cancel(tx, pending.id))) {
        return conflict('the raid cycle moved on meanwhile; try again');
      }
      const dueAt = new Date();
      const scheduled = await this.ctx.scheduler.schedule(tx, {
        kind: WARNING,
        key: keyOf(sector),
        dueAt,
        payload: { sector },
      });
      if (!scheduled) return conflict('the raid cycle moved on meanwhile; try again');
      this.ctx.logger.info({ sector }, 'raid triggered by an operator');
      return { ok: true, outcome: 'warning', nextAt: dueAt.getTime() };
    });
  }

  /**
   * Calls off the sector's announced or running raid (no damage: the dragons leave now) and starts
   * its cycle again; with none announced, puts the next one off by a whole interval. The pending
   * step is cancelled and the next scheduled in one transaction, so a step firing at the same
   * moment either happens before (and is then called off) or not at all.
   */
  async cancel(sector: string): Promise<RaidControlResult> {
    const done = await this.ctx.db.transaction(async (tx) => {
      const pending = await this.pendingStep(tx, sector);
      if (!pending)
        return { result: { ok: false, status: 404, message: `no raid cycle runs in ${sector}` } as const };
      if (!(await this.ctx.scheduler.cancel(tx, pending.id))) {
        return { result: conflict('the raid cycle moved on meanwhile; try again') };
      }
      const { intervalSeconds, warningSeconds } = this.ctx.content.raids;
      const dueAt = new Date(Date.now() + Math.max(1, intervalSeconds - warningSeconds) * 1000);
      await this.ctx.scheduler.schedule(tx, {
        kind: WARNING,
        key: keyOf(sector),
        dueAt,
        payload: { sector },
      });
      const nextAt = dueAt.getTime();
      if (pending.kind === WARNING) return { result: { ok: true, outcome: 'postponed', nextAt } as const };
      return {
        result: { ok: true, outcome: 'cancelled', nextAt } as const,
        calledOff: pending.payload as RaidPayload,
      };
    });
    // After the commit, as a fired step announces: every node recalls the dragons and tells players.
    if ('calledOff' in done && done.calledOff) {
      this.announce({ ...this.event(done.calledOff, 'over'), text: raidCalledOffText() });
    }
    return done.result;
  }

  /**
   * The raid schedule was tuned (live content): in each sector this node runs, the next warning
   * moves to a whole new interval from now, so a designer sees the new rhythm at once rather than
   * after the old interval; switched off, the pending warning is dropped (a raid already announced
   * or under way plays out); switched on, a cycle starts. Only the sector's owner does this, once.
   */
  async scheduleChanged(before: RaidRules, after: RaidRules, sectors: Iterable<string>): Promise<void> {
    const same =
      before.enabled === after.enabled &&
      before.intervalSeconds === after.intervalSeconds &&
      before.warningSeconds === after.warningSeconds;
    if (same) return;
    for (const sector of sectors) {
      await this.ctx.db.transaction(async (tx) => {
        const pending = await this.pendingStep(tx, sector);
        if (pending && pending.kind !== WARNING) return;
        if (pending && !(await this.ctx.scheduler.cancel(tx, pending.id))) return;
        if (!after.enabled) return;
        const dueAt = new Date(Date.now() + Math.max(1, after.intervalSeconds - after.warningSeconds) * 1000);
        await this.ctx.scheduler.schedule(tx, {
          kind: WARNING,
          key: keyOf(sector),
          dueAt,
          payload: { sector },
        });
      });
    }
  }

  /** The sector's pending raid step, locked until the transaction ends. */
  private async pendingStep(tx: Tx, sector: string) {
    const [row] = await tx
      .select({ id: timers.id, kind: timers.kind, payload: timers.payload })
      .from(timers)
      .where(and(eq(timers.key, keyOf(sector)), eq(timers.state, 'pending')))
      .for('update');
    return row ?? null;
  }

  eventIn(sector: string): WorldEvent | null {
    const event = this.current.get(sector);
    return event && event.endsAt > Date.now() ? event : null;
  }

  private async warn(timer: FiringTimer, tx: Tx) {
    const { sector } = timer.payload as { sector: string };
    // Raids were switched off after this step was scheduled: the cycle ends here (switching them
    // on again starts it anew, see scheduleChanged).
    if (!this.enabled) return;
    const { warningSeconds, durationSeconds } = this.ctx.content.raids;
    const startsAt = Math.max(Date.now(), timer.dueAt.getTime() + warningSeconds * 1000);
    const payload: RaidPayload = { sector, startsAt, endsAt: startsAt + durationSeconds * 1000 };
    await this.ctx.scheduler.schedule(tx, {
      kind: START,
      key: keyOf(sector),
      dueAt: new Date(startsAt),
      payload,
    });
    return () => this.announce(this.event(payload, 'warning'));
  }

  private async start(timer: FiringTimer, tx: Tx) {
    const payload = timer.payload as RaidPayload;
    await this.ctx.scheduler.schedule(tx, {
      kind: END,
      key: keyOf(payload.sector),
      dueAt: new Date(payload.endsAt),
      payload,
    });
    return () => this.announce(this.event(payload, 'active'));
  }

  /** The raid is over: unshielded structures take their damage, owners hear about it, next cycle. */
  private async end(timer: FiringTimer, tx: Tx) {
    const { ctx } = this;
    const payload = timer.payload as RaidPayload;
    const { sector } = payload;
    const live = and(eq(structures.sector, sector), inArray(structures.state, ['building', 'active']));
    // No row locks here: the locks come in the same order as a completing build takes them
    // (its timer, then its structure), so a raid ending as a build completes cannot deadlock.
    // Raids of one sector never overlap (one pending timer per sector), so nothing else changes hp.
    const rows = await tx.select().from(structures).where(live);
    const changed: (typeof structures.$inferSelect)[] = [];
    for (const hit of raidDamage(rows, ctx.content)) {
      const row = rows.find((r) => r.id === hit.id);
      if (!row) continue;
      if (hit.destroyed && row.state === 'building' && row.timerId)
        await ctx.scheduler.cancel(tx, row.timerId);
      const [updated] = await tx
        .update(structures)
        .set({
          hp: Math.max(0, hit.hp),
          // Not the state read above: a build may have completed since (kept as it is now).
          state: hit.destroyed ? 'destroyed' : sql`${structures.state}`,
          updatedAt: new Date(),
        })
        .where(and(eq(structures.id, row.id), inArray(structures.state, ['building', 'active'])))
        .returning();
      if (!updated) continue;
      await ctx.inbox.post(tx, row.ownerId, {
        kind: hit.destroyed ? 'raid.destroyed' : 'raid.damaged',
        text: raidDamageText(row.kind, row.x, row.y, Math.max(0, hit.hp), hit.destroyed, ctx.content),
        data: { structureId: row.id, sector, hp: Math.max(0, hit.hp) },
      });
      changed.push(updated);
    }
    const { intervalSeconds, warningSeconds, durationSeconds } = ctx.content.raids;
    const nextWarning = Math.max(1, intervalSeconds - warningSeconds - durationSeconds) * 1000;
    await ctx.scheduler.schedule(tx, {
      kind: WARNING,
      key: keyOf(sector),
      dueAt: new Date(Date.now() + nextWarning),
      payload: { sector },
    });
    return () => {
      for (const row of changed) {
        ctx.changes.structure(ctx.structures.wire(row, ctx.structures.get(sector, row.id)?.ownerName ?? ''));
      }
      this.announce(this.event(payload, 'over'));
      for (const owner of new Set(changed.map((r) => r.ownerId))) void ctx.inbox.flush(owner);
    };
  }

  private event(p: RaidPayload, phase: WorldEvent['phase']): WorldEvent {
    const text =
      phase === 'warning'
        ? raidWarningText(Math.max(0, Math.round((p.startsAt - Date.now()) / 1000)))
        : phase === 'active'
          ? raidStartText()
          : raidEndText();
    return {
      id: `raid:${p.sector}:${p.startsAt}`,
      sector: p.sector,
      kind: 'raid',
      phase,
      text,
      startsAt: p.startsAt,
      endsAt: p.endsAt,
    };
  }

  /** Tells every node (see applied), whichever node's timer fired. */
  private announce(event: WorldEvent): void {
    this.ctx.changes.worldEvent(event);
    this.ctx.logger.info({ sector: event.sector, phase: event.phase }, 'raid %s', event.phase);
  }

  /**
   * A raid step announced by any node: every node keeps it (a sector opening later resumes it);
   * the node running the sector flies or recalls the dragons and tells its players.
   */
  applied(event: WorldEvent): void {
    if (event.phase === 'over') this.current.delete(event.sector);
    else this.current.set(event.sector, event);
    const sim = this.ctx.sims.get(event.sector);
    if (event.phase === 'active') sim?.startRaid(Math.max(1, (event.endsAt - Date.now()) / 1000));
    if (event.phase === 'over') sim?.endRaid();
    this.ctx.send.toSector(event.sector, 'world:event', event);
  }
}
