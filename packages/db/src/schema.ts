import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/*
 * One schema for both stores (PGlite and PostgreSQL). The engine's tables (players, durable timers,
 * inboxes, channels) know nothing of the game; the rest hold the game's world.
 */

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A player's durable identity. The browser keeps the token; the store keeps only its hash. */
export const players = pgTable('players', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  name: text('name').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
  lastSeenAt: at('last_seen_at').notNull().defaultNow(),
  /** Highest notification sequence number given out to this player. */
  inboxSeq: integer('inbox_seq').notNull().default(0),
  /** Highest sequence number the player's client has acknowledged showing. */
  inboxAcked: integer('inbox_acked').notNull().default(0),
});

/** Durable notifications, numbered per player; those above players.inbox_acked are undelivered. */
export const notifications = pgTable(
  'notifications',
  {
    playerId: text('player_id')
      .notNull()
      .references(() => players.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(),
    text: text('text').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.playerId, t.seq] })],
);

export const TIMER_STATES = ['pending', 'done', 'cancelled', 'failed'] as const;
export type TimerState = (typeof TIMER_STATES)[number];

/**
 * Durable timers: a row per scheduled action. A timer leaves 'pending' exactly once, through a
 * conditional update inside the transaction that applies its effect.
 */
export const timers = pgTable(
  'timers',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    /** Optional: at most one pending timer per key (idempotent scheduling across processes). */
    key: text('key'),
    payload: jsonb('payload').$type<unknown>().notNull(),
    dueAt: at('due_at').notNull(),
    state: text('state', { enum: TIMER_STATES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    firedBy: text('fired_by'),
    firedAt: at('fired_at'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('timers_pending_due').on(t.dueAt).where(sql`state = 'pending'`),
    uniqueIndex('timers_pending_key').on(t.key).where(sql`state = 'pending'`),
  ],
);

/**
 * Message channels (the engine's): one row per channel that ever had a message, with the last
 * offset given out. Offsets are per channel, start at 1 and have no gaps.
 */
export const channels = pgTable('channels', {
  name: text('name').primaryKey(),
  kind: text('kind').notNull(),
  head: integer('head').notNull().default(0),
  createdAt: at('created_at').notNull().defaultNow(),
});

/** Retained channel history; rows at or below head - retention are pruned. */
export const channelMessages = pgTable(
  'channel_messages',
  {
    channel: text('channel')
      .notNull()
      .references(() => channels.name, { onDelete: 'cascade' }),
    offset: integer('offset').notNull(),
    /** A player id, or 'system' for the server and the publish API. */
    senderId: text('sender_id').notNull(),
    senderName: text('sender_name').notNull(),
    text: text('text').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    /** The sender's id for this publish (what makes a retry idempotent is channel_nonces). */
    nonce: text('nonce'),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.offset] })],
);

/**
 * Which publish (channel, sender, nonce) was stored under which offset, written by the statement
 * that stores the message: a retried publish is answered with that offset instead of being stored
 * again. Kept by age (a day), not by the channel's retention, so a retry still matches after its
 * message was pruned.
 */
export const channelNonces = pgTable(
  'channel_nonces',
  {
    channel: text('channel')
      .notNull()
      .references(() => channels.name, { onDelete: 'cascade' }),
    senderId: text('sender_id').notNull(),
    nonce: text('nonce').notNull(),
    offset: integer('offset').notNull(),
    /** When the message was stored (its `at`): what the age-based pruning reads. */
    at: at('at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.senderId, t.nonce] }), index('channel_nonces_at').on(t.at)],
);

/** Members of private channels (and participants of direct ones, once a message was sent). */
export const channelMembers = pgTable(
  'channel_members',
  {
    channel: text('channel').notNull(),
    playerId: text('player_id')
      .notNull()
      .references(() => players.id, { onDelete: 'cascade' }),
    addedAt: at('added_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.playerId] }), index('channel_members_player').on(t.playerId)],
);

/** How far each player has read each channel (unread counts that follow the player across devices). */
export const channelReads = pgTable(
  'channel_reads',
  {
    playerId: text('player_id')
      .notNull()
      .references(() => players.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    readUpTo: integer('read_up_to').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.playerId, t.channel] })],
);

// ---- the game's world ---------------------------------------------------------------------------

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
