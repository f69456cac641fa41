import { createHash, randomBytes } from 'node:crypto';
import { type Db, type Executor, inventories, players } from '@perihelion/db';
import {
  Batcher,
  type IdentifyPolicy,
  type Identity,
  type IdentityProvider,
  randomId,
  STORE_BATCH_LINGER_MS,
} from '@perihelion/engine';
import type { Profile } from '@perihelion/protocol';
import { eq, inArray } from 'drizzle-orm';

/** Tokens are stored only as hashes: a leaked database does not let anyone play as its players. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Guest profiles in the store. The first visit creates a profile and hands the browser a token;
 * presenting it later is that player again, from any tab and after any restart.
 */
export class StoredProfiles implements IdentityProvider {
  /** New guests waiting for their batch's insert, by player id. */
  private readonly newGuests = new Map<string, { tokenHash: string; name: string }>();
  /**
   * Guests that arrive together are stored together: one transaction with two multi-row inserts
   * per batch instead of four statements per guest (a crowd arriving at once, a bench).
   */
  private readonly creations: Batcher<void>;
  /** Profiles read together (players connecting at once) share one query. */
  private readonly reads: Batcher<Profile | null>;

  constructor(
    private readonly db: Db,
    private readonly startingCredits: () => number,
    private readonly newName: () => string,
  ) {
    this.creations = new Batcher(
      async (_, ids) => {
        const rows = ids.map((id) => ({ id, ...this.newGuests.get(id)! }));
        for (const id of ids) this.newGuests.delete(id);
        await this.db.transaction(async (tx) => {
          await tx.insert(players).values(rows);
          await tx
            .insert(inventories)
            .values(rows.map(({ id }) => ({ playerId: id, ore: 0, credits: this.startingCredits() })));
        });
        return ids.map(() => undefined);
      },
      { lingerMs: STORE_BATCH_LINGER_MS },
    );
    this.reads = new Batcher(
      async (_, ids) => {
        const rows = await this.select(this.db).where(inArray(players.id, ids));
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { lingerMs: STORE_BATCH_LINGER_MS },
    );
  }

  async identify(
    claim: { token?: string | undefined; name?: string | undefined },
    policy?: IdentifyPolicy,
  ): Promise<Identity> {
    if (claim.token) {
      const [row] = await this.db
        .update(players)
        .set({ lastSeenAt: new Date(), ...(claim.name ? { name: claim.name } : {}) })
        .where(eq(players.tokenHash, hashToken(claim.token)))
        .returning({ id: players.id, name: players.name });
      if (row) return { playerId: row.id, name: row.name, token: claim.token };
      // An unknown token (e.g. the store was reset): a fresh guest, with a fresh token.
    }
    await policy?.beforeNewGuest?.();
    return this.create(claim.name ?? this.newName());
  }

  /**
   * The player's profile as stored now (batched with other reads; with a transaction `exec`, read
   * inside it).
   */
  async profile(playerId: string, exec?: Executor): Promise<Profile | null> {
    if (!exec || exec === this.db) return this.reads.load('', playerId);
    const [row] = await this.select(exec).where(eq(players.id, playerId));
    return row ?? null;
  }

  private select(exec: Executor) {
    return exec
      .select({ id: players.id, name: players.name, ore: inventories.ore, credits: inventories.credits })
      .from(players)
      .innerJoin(inventories, eq(inventories.playerId, players.id));
  }

  private async create(name: string): Promise<Identity> {
    const token = randomBytes(32).toString('base64url');
    const playerId = randomId('p');
    this.newGuests.set(playerId, { tokenHash: hashToken(token), name });
    await this.creations.load('', playerId);
    return { playerId, name, token };
  }
}
