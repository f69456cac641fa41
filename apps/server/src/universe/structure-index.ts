import { type Db, players, structures } from '@perihelion/db';
import { isLive } from '@perihelion/game';
import type { Structure } from '@perihelion/protocol';
import { eq, inArray } from 'drizzle-orm';

type StructureRow = typeof structures.$inferSelect;

export function toWire(row: StructureRow, ownerName: string, maxHp: number): Structure {
  return {
    id: row.id,
    sector: row.sector,
    kind: row.kind,
    ownerId: row.ownerId,
    ownerName,
    x: row.x,
    y: row.y,
    state: row.state,
    hp: row.hp,
    maxHp,
    startedAt: row.startedAt.getTime(),
    completesAt: row.completesAt.getTime(),
  };
}

/**
 * The live structures (building or active) of every sector, in memory: read on every join, spawn
 * and raid, written only after the store has committed the change it mirrors.
 */
export class StructureIndex {
  private readonly bySector = new Map<string, Map<string, Structure>>();

  constructor(readonly maxHp: (kind: string) => number) {}

  /** Loads every live structure from the store (at start). */
  async load(db: Db): Promise<void> {
    const rows = await db
      .select({ s: structures, ownerName: players.name })
      .from(structures)
      .innerJoin(players, eq(players.id, structures.ownerId))
      .where(inArray(structures.state, ['building', 'active']));
    for (const { s, ownerName } of rows) this.put(toWire(s, ownerName, this.maxHp(s.kind)));
  }

  wire(row: StructureRow, ownerName: string): Structure {
    return toWire(row, ownerName, this.maxHp(row.kind));
  }

  /** Mirrors a committed change; cancelled and destroyed structures leave the index. */
  put(structure: Structure): void {
    let sector = this.bySector.get(structure.sector);
    if (!sector) {
      sector = new Map();
      this.bySector.set(structure.sector, sector);
    }
    if (isLive(structure)) sector.set(structure.id, structure);
    else sector.delete(structure.id);
  }

  get(sector: string, id: string): Structure | undefined {
    return this.bySector.get(sector)?.get(id);
  }

  in(sector: string): Structure[] {
    return [...(this.bySector.get(sector)?.values() ?? [])];
  }

  sectors(): string[] {
    return [...this.bySector.keys()];
  }
}
