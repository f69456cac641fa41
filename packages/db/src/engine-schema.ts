import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/*
 * The engine's tables: players, durable timers, inboxes and channels. They know nothing of the
 * game, so another game can run on the engine's store with its own tables beside these (see
 * game-schema.ts for ours). Leases and the bus live in Redis, sessions in signed tokens.
 */

/** A timestamp column as the engine and the game store them. */
export const timestampColumn = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const at = timestampColumn;

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
    /** The sender's idempotency key: a retried post with the same key is stored once. */
    nonce: text('nonce'),
  },
  (t) => [
    primaryKey({ columns: [t.playerId, t.seq] }),
    uniqueIndex('notifications_nonce').on(t.playerId, t.nonce),
  ],
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

/**
 * Accounts of an outside identity provider (OpenID Connect): the subject an issuer vouches for,
 * and the profile it signs in to. Subjects are unique per issuer only, so the pair is the key; a
 * profile has at most one account, which makes linking a guest profile a claim the store enforces.
 */
export const accountLinks = pgTable(
  'account_links',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    playerId: text('player_id')
      .notNull()
      .unique()
      .references(() => players.id, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull().defaultNow(),
    lastSignInAt: at('last_sign_in_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] })],
);

/**
 * One row per sign-in with an ID token (a device): the profile token it handed out, as a hash,
 * renews that account's sessions until it expires. Removing the account link ends them all.
 */
export const accountSessions = pgTable(
  'account_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    playerId: text('player_id')
      .notNull()
      .references(() => accountLinks.playerId, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('account_sessions_player').on(t.playerId)],
);
