import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, real, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
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
    /** The owner's key for the build request: the same key again is the same build, not another. */
    requestId: text('request_id'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('structures_sector_live').on(t.sector).where(sql`state in ('building', 'active')`),
    uniqueIndex('structures_owner_request').on(t.ownerId, t.requestId),
  ],
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

/**
 * The audit log of live tuning: who changed which content values, when, from what to what. The
 * latest row's `tuned` is the tuning in force (values set on top of the content files), so a
 * restarted or added node runs with it too; a revert is a new row.
 */
export const contentTuningChanges = pgTable('content_tuning_changes', {
  id: serial('id').primaryKey(),
  at: at('at').notNull().defaultNow(),
  actorId: text('actor_id').notNull(),
  actorName: text('actor_name').notNull(),
  /** What changed: [{ path, before, after, wasTuned }]. */
  edits: jsonb('edits').$type<unknown>().notNull(),
  note: text('note'),
  /** The change this one reverted, if it is a revert. */
  revertOf: integer('revert_of'),
  /** Every tuned value after this change (dotted path → value). */
  tuned: jsonb('tuned').$type<unknown>().notNull(),
  /** The content version the change produced. */
  version: text('version').notNull(),
});

/**
 * The audit log of the admin console: every operator action (an announcement, a message, a kick,
 * a raid triggered or called off, a drain), who took it and on which node. Kept in the store so
 * every node of a cluster shows the same log.
 */
export const adminActions = pgTable(
  'admin_actions',
  {
    id: serial('id').primaryKey(),
    at: at('at').notNull().defaultNow(),
    /** The operator's player id, or "admin-token" for the bare ADMIN_TOKEN. */
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    /** The player, sector, channel or node the action was about. */
    target: text('target'),
    detail: text('detail'),
    node: text('node').notNull(),
  },
  (t) => [index('admin_actions_at').on(t.at)],
);
