import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, real, text } from 'drizzle-orm/pg-core';
import { timestampColumn as at, players } from './engine-schema.js';

/* The game's world: what Perihelion stores beside the engine's tables. */

/** What a player carries between visits. */
export const inventories = pgTable('inventories', {
  playerId: text('player_id')
    .primaryKey()
    .references(() => players.id, { onDelete: 'cascade' }),
  ore: integer('ore').notNull().default(0),
  credits: integer('credits').notNull().default(0),
});

export const STRUCTURE_STATES = ['building', 'active', 'cancelled', 'destroyed'] as const;
export type StructureState = (typeof STRUCTURE_STATES)[number];

export const structures = pgTable(
  'structures',
  {
    id: text('id').primaryKey(),
    sector: text('sector').notNull(),
    ownerId: text('owner_id')
      .notNull()
      .references(() => players.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    x: real('x').notNull(),
    y: real('y').notNull(),
    state: text('state', { enum: STRUCTURE_STATES }).notNull(),
    hp: integer('hp').notNull(),
    startedAt: at('started_at').notNull(),
    completesAt: at('completes_at').notNull(),
    /** What the owner paid, so a refund is a share of that whatever the prices are now. */
    paidOre: integer('paid_ore').notNull().default(0),
    paidCredits: integer('paid_credits').notNull().default(0),
    /** The construction timer while building. */
    timerId: text('timer_id'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('structures_sector_live').on(t.sector).where(sql`state in ('building', 'active')`)],
);

/** Checkpointed sector state that is not worth a write per change (e.g. ore left in asteroids). */
export const sectors = pgTable('sectors', {
  id: text('id').primaryKey(),
  state: jsonb('state').$type<unknown>().notNull(),
  /**
   * The fence of the lease under which `state` was written (see the engine's RoomLeases): a write
   * with a smaller fence comes from a node that lost the sector, and is refused.
   */
  fence: bigint('fence', { mode: 'number' }).notNull().default(0),
  /**
   * The players' avatars (ships) when `state` was written, in the engine's CarriedAvatar shape: a
   * restarted or moved sector puts its players back where they were.
   */
  avatars: jsonb('avatars').$type<unknown>().notNull().default([]),
  updatedAt: at('updated_at').notNull().defaultNow(),
});
