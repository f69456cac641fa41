import { contentTuningChanges, type Db, type Executor } from '@perihelion/db';
import {
  type TuningChange,
  type TuningEdit,
  tuningEditSchema,
  tuningValueSchema,
} from '@perihelion/protocol';
import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tuned } from './live-content.js';

/** A stored edit also says whether the value was tuned before (a revert then un-tunes it). */
export const storedEditSchema = tuningEditSchema.extend({ wasTuned: z.boolean() });
export type StoredEdit = z.infer<typeof storedEditSchema>;

const tunedSchema = z.record(z.string(), tuningValueSchema);

export interface StoredChange {
  change: TuningChange;
  edits: StoredEdit[];
  tuned: Tuned;
}

type Row = typeof contentTuningChanges.$inferSelect;

function fromRow(row: Row): StoredChange {
  const edits = z.array(storedEditSchema).catch([]).parse(row.edits);
  return {
    edits,
    tuned: tunedSchema.catch({}).parse(row.tuned),
    change: {
      id: row.id,
      at: row.at.toISOString(),
      by: { playerId: row.actorId, name: row.actorName },
      edits: edits.map(({ path, before, after }): TuningEdit => ({ path, before, after })),
      note: row.note,
      revertOf: row.revertOf,
      version: row.version,
    },
  };
}

/** Any constant: serializes tuning changes across the nodes of a cluster (one at a time). */
const TUNING_LOCK = 0x7475_6e65;

/** The audit log of live tuning in the store; its latest row is the tuning in force. */
export class TuningStore {
  constructor(private readonly db: Db) {}

  async latest(exec: Executor = this.db): Promise<StoredChange | null> {
    const [row] = await exec
      .select()
      .from(contentTuningChanges)
      .orderBy(desc(contentTuningChanges.id))
      .limit(1);
    return row ? fromRow(row) : null;
  }

  async find(id: number): Promise<StoredChange | null> {
    const [row] = await this.db.select().from(contentTuningChanges).where(eq(contentTuningChanges.id, id));
    return row ? fromRow(row) : null;
  }

  /** The newest changes first. */
  async history(limit: number): Promise<TuningChange[]> {
    const rows = await this.db
      .select()
      .from(contentTuningChanges)
      .orderBy(desc(contentTuningChanges.id))
      .limit(limit);
    return rows.map((row) => fromRow(row).change);
  }

  /**
   * Runs `decide` on the tuning in force, alone (an advisory lock across nodes), and stores the
   * change it returns, if any. Deciding from the stored state rather than a node's memory means
   * two operators tuning through two nodes at once never undo each other.
   */
  async change<T>(
    decide: (
      current: Tuned,
    ) => { record: Omit<typeof contentTuningChanges.$inferInsert, 'id' | 'at'>; result: T } | { refuse: T },
  ): Promise<{ stored: StoredChange | null; result: T }> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${TUNING_LOCK})`);
      const current = (await this.latest(tx))?.tuned ?? {};
      const decision = decide(current);
      if ('refuse' in decision) return { stored: null, result: decision.refuse };
      const [row] = await tx.insert(contentTuningChanges).values(decision.record).returning();
      return { stored: row ? fromRow(row) : null, result: decision.result };
    });
  }
}
