import { type Db, structures, timers } from '@perihelion/db';
import type { AdminTimer } from '@perihelion/protocol';
import { asc, count, eq } from 'drizzle-orm';

/**
 * The durable timers still to fire, earliest first, with the sector each is about: a
 * construction's (from its structure) or a raid step's (from its payload). From the store, so in a
 * cluster every node lists the same timers whichever node will fire them.
 */
export async function pendingTimers(db: Db, limit: number): Promise<{ timers: AdminTimer[]; total: number }> {
  const pending = eq(timers.state, 'pending');
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: timers.id,
        kind: timers.kind,
        key: timers.key,
        dueAt: timers.dueAt,
        attempts: timers.attempts,
        payload: timers.payload,
        structureSector: structures.sector,
      })
      .from(timers)
      .leftJoin(structures, eq(structures.timerId, timers.id))
      .where(pending)
      .orderBy(asc(timers.dueAt))
      .limit(limit),
    db.select({ n: count() }).from(timers).where(pending),
  ]);
  return {
    timers: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      key: row.key,
      dueAt: row.dueAt.getTime(),
      sector: row.structureSector ?? sectorOf(row.payload),
      attempts: row.attempts,
    })),
    total: total?.n ?? 0,
  };
}

function sectorOf(payload: unknown): string | null {
  if (typeof payload !== 'object' || payload === null || !('sector' in payload)) return null;
  const sector = (payload as { sector: unknown }).sector;
  return typeof sector === 'string' ? sector : null;
}
