import { z } from 'zod';
import { chatMessageSchema, chatTextSchema } from './chat.js';
import { sectorIdSchema } from './events.js';
import { worldEventSchema } from './universe.js';

/*
 * The admin console's HTTP API (under ADMIN_API_PREFIX): one overview the console polls, and one
 * endpoint per operator action. Every endpoint needs "Authorization: Bearer <an admin session's
 * access token, or the ADMIN_TOKEN itself>"; every action is logged with who took it.
 */

export const ADMIN_API_PREFIX = '/api/admin';
/** Where the server serves the console page (the built `admin.html`). */
export const ADMIN_CONSOLE_PATH = '/admin';

/** A node of the cluster as its last load report (sent every second) describes it. */
export const adminNodeSchema = z.object({
  node: z.string(),
  players: z.number().int().min(0),
  connections: z.number().int().min(0),
  sectors: z.array(z.string()),
  draining: z.boolean(),
});
export type AdminNode = z.infer<typeof adminNodeSchema>;

/** A running sector: who runs it, who is in it, and what it costs. */
export const adminSectorSchema = z.object({
  id: z.string(),
  node: z.string(),
  /** Players whose ships are in it; null when its node did not answer in time (cluster). */
  players: z.number().int().min(0).nullable(),
  /** Mean time of one tick over the last few seconds (simulation and snapshots), ms. */
  tickMs: z.number().min(0).nullable(),
  /** Snapshot bytes sent per second over the last few seconds (before Socket.IO framing). */
  bytesPerSecond: z.number().min(0).nullable(),
  /** The raid announced or running there, if any. */
  raid: worldEventSchema.nullable(),
});
export type AdminSector = z.infer<typeof adminSectorSchema>;

export const adminTransportSchema = z.enum(['websocket', 'polling']);

/** A player with a game connection (a player with two tabs is one row; `tabs` counts them). */
export const adminPlayerSchema = z.object({
  playerId: z.string(),
  name: z.string(),
  /** Where the player's ship is; null while connected without a ship (e.g. before the join). */
  sector: z.string().nullable(),
  node: z.string(),
  /** The transport of the tab that flies the ship (else the first tab). */
  transport: adminTransportSchema.nullable(),
  /** Round trip of the transport's last heartbeat (every PING_INTERVAL_MS); null until the first. */
  pingMs: z.number().min(0).nullable(),
  tabs: z.number().int().min(1),
});
export type AdminPlayer = z.infer<typeof adminPlayerSchema>;

/** A durable timer still to fire (a construction, a step of a sector's raid cycle). */
export const adminTimerSchema = z.object({
  id: z.string(),
  kind: z.string(),
  key: z.string().nullable(),
  /** ms since the epoch. */
  dueAt: z.number(),
  /** The sector it is about, when its payload names one. */
  sector: z.string().nullable(),
  attempts: z.number().int().min(0),
});
export type AdminTimer = z.infer<typeof adminTimerSchema>;

/** A channel with its last messages (direct and team channels are not shown: they are private). */
export const adminChannelSchema = z.object({
  name: z.string(),
  kind: z.string(),
  /** The newest offset given out. */
  head: z.number().int().min(0),
  /** Players subscribed now, on every node (read-only channels keep no presence: 0). */
  present: z.number().int().min(0),
  recent: z.array(chatMessageSchema),
});
export type AdminChannel = z.infer<typeof adminChannelSchema>;

/**
 * A counter of GET /metrics over the last minutes: how much it grew in each sampling interval,
 * oldest first (a gauge: its value at each sample).
 */
export const adminChartSchema = z.object({
  metric: z.string(),
  label: z.string(),
  kind: z.enum(['counter', 'gauge']),
  everyMs: z.number().int().positive(),
  points: z.array(z.number()),
  /** The counter's value (or the gauge's) now. */
  now: z.number(),
  /** How many nodes' samples it adds up (every node that answered the console in time). */
  nodes: z.number().int().positive(),
});
export type AdminChart = z.infer<typeof adminChartSchema>;

export const adminActionKindSchema = z.enum([
  'announce',
  'message',
  'kick',
  'raid.trigger',
  'raid.cancel',
  'drain',
]);
export type AdminActionKind = z.infer<typeof adminActionKindSchema>;

/** An operator's action, as the audit log keeps it. */
export const adminActionSchema = z.object({
  id: z.number().int(),
  /** ms since the epoch. */
  at: z.number(),
  by: z.object({ playerId: z.string(), name: z.string() }),
  action: adminActionKindSchema,
  /** The player, sector, channel or node it was about. */
  target: z.string().nullable(),
  /** What it said or did, in a few words. */
  detail: z.string().nullable(),
  /** The node that carried it out. */
  node: z.string(),
});
export type AdminAction = z.infer<typeof adminActionSchema>;

/** GET /api/admin/overview: everything the console shows, as the answering node sees it now. */
export const adminOverviewSchema = z.object({
  /** The node that answered. */
  node: z.string(),
  /** ms since the epoch, on the server's clock. */
  at: z.number(),
  clustered: z.boolean(),
  draining: z.boolean(),
  nodes: z.array(adminNodeSchema),
  /** Nodes that did not answer in time: their sectors and players are missing or partial. */
  unanswered: z.array(z.string()),
  sectors: z.array(adminSectorSchema),
  players: z.array(adminPlayerSchema),
  timers: z.array(adminTimerSchema),
  /** Pending timers in all (the list holds the earliest). */
  timersPending: z.number().int().min(0),
  channels: z.array(adminChannelSchema),
  charts: z.array(adminChartSchema),
  actions: z.array(adminActionSchema),
});
export type AdminOverview = z.infer<typeof adminOverviewSchema>;

/** POST /api/admin/announcements: a message in the read-only `announcements` channel. */
export const adminAnnouncementSchema = z.strictObject({
  text: chatTextSchema,
  /** Shown as the sender; default the operator's name. */
  senderName: z.string().trim().min(1).max(40).optional(),
});
export type AdminAnnouncement = z.infer<typeof adminAnnouncementSchema>;

export const adminAnnouncedSchema = z.object({
  channel: z.string(),
  offset: z.number().int().positive(),
  at: z.number(),
});
export type AdminAnnounced = z.infer<typeof adminAnnouncedSchema>;

/** POST /api/admin/players/:playerId/messages: a notification in the player's inbox. */
export const adminMessageSchema = z.strictObject({ text: chatTextSchema });
export type AdminMessage = z.infer<typeof adminMessageSchema>;

export const adminMessageSentSchema = z.object({
  playerId: z.string(),
  seq: z.number().int().positive(),
  /** "live": a game connection of the player was there to receive it; "inbox": it waits. */
  delivered: z.enum(['live', 'inbox']),
});
export type AdminMessageSent = z.infer<typeof adminMessageSentSchema>;

/** POST /api/admin/players/:playerId/kick. */
export const adminKickSchema = z.strictObject({
  /** Told to the player. */
  reason: z.string().trim().min(1).max(200).optional(),
});
export type AdminKick = z.infer<typeof adminKickSchema>;

export const adminKickedSchema = z.object({
  playerId: z.string(),
  /** Game connections closed, on every node. */
  connections: z.number().int().min(0),
});
export type AdminKicked = z.infer<typeof adminKickedSchema>;

/** The path parameter of the raid endpoints. */
export const adminRaidParamsSchema = z.object({ sector: sectorIdSchema });

/**
 * POST /api/admin/raids/:sector/trigger and …/cancel. Trigger: the warning goes out now and the
 * raid starts after the content's warning time. Cancel: an announced or running raid is called
 * off (no damage), or, with none announced, the next one is put off by a whole interval.
 */
export const adminRaidResultSchema = z.object({
  sector: z.string(),
  outcome: z.enum(['warning', 'cancelled', 'postponed']),
  /** When the next step of the sector's raid cycle is due, ms since the epoch. */
  nextAt: z.number(),
});
export type AdminRaidResult = z.infer<typeof adminRaidResultSchema>;

/** POST /api/admin/drain. */
export const adminDrainedSchema = z.object({
  node: z.string(),
  draining: z.literal(true),
  /** The node was draining already. */
  already: z.boolean(),
});
export type AdminDrained = z.infer<typeof adminDrainedSchema>;
