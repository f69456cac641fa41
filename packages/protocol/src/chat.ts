import { z } from 'zod';
import { errorPayloadSchema } from './errors.js';

/*
 * Channels: named message streams on the `/chat` namespace (beside `/game`, over the same
 * connection). Every message a channel accepts is stored with the channel's next offset (1, 2, 3 …
 * without gaps); a client remembers the last offset it has per subscription and resubscribes with
 * it after any disconnect, and the server replays exactly what is missing, in order.
 */

export const CHAT_NAMESPACE = '/chat';

/** Longest chat text accepted (after trimming). */
export const MAX_CHAT_TEXT = 500;
export const MAX_CHANNEL_NAME = 100;
/** Client-chosen id of one publish, so a retry after a lost answer is stored once. */
export const MAX_NONCE_LENGTH = 64;

/**
 * Who may read and write a channel, decided on the server:
 * - public: anyone signed in reads and writes (e.g. `global`);
 * - readonly: anyone reads; only the server, admins and the publish API write (e.g. `announcements`);
 * - private: members only, both ways (e.g. `team:red`; members are managed by admins);
 * - sector: whoever is in that sector (`sector:<id>`);
 * - direct: the two players named in it (`dm:<playerA>:<playerB>`, ids sorted).
 */
export const channelKindSchema = z.enum(['public', 'readonly', 'private', 'sector', 'direct']);
export type ChannelKind = z.infer<typeof channelKindSchema>;

export const channelNameSchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9][A-Za-z0-9_:.-]{0,${MAX_CHANNEL_NAME - 1}}$`),
    `channel name must be 1-${MAX_CHANNEL_NAME} letters, digits or _ : . -`,
  );

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL_CHARS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f]/;

export const chatTextSchema = z
  .string()
  .trim()
  .min(1, 'message must not be empty')
  .max(MAX_CHAT_TEXT, `message must be at most ${MAX_CHAT_TEXT} characters`)
  .refine((s) => !CONTROL_CHARS_BUT_NEWLINE.test(s), 'message must not contain control characters');

export const offsetSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

/** The direct channel of two players: the same name whichever of them asks. */
export function directChannel(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}

/** The two player ids of a direct channel, or null when `channel` is not one. */
export function directParticipants(channel: string): [string, string] | null {
  if (!channel.startsWith('dm:')) return null;
  const parts = channel.slice(3).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1] || parts[0] >= parts[1]) return null;
  return [parts[0], parts[1]];
}

export function sectorChannel(sector: string): string {
  return `sector:${sector}`;
}

/** Who wrote a message. The server sets it from the connection's session, never from a payload. */
export const senderSchema = z.object({
  /** A player id, or `system` for the server and the publish API. */
  id: z.string(),
  name: z.string(),
});
export type Sender = z.infer<typeof senderSchema>;

export const chatMessageSchema = z.object({
  offset: z.number().int().positive(),
  sender: senderSchema,
  text: z.string(),
  /** Optional structured payload from the publish API (never from players). */
  data: z.record(z.string(), z.unknown()).optional(),
  /** When it was stored, ms since the epoch. */
  at: z.number(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const presenceEntrySchema = z.object({ id: z.string(), name: z.string() });
export type PresenceEntry = z.infer<typeof presenceEntrySchema>;

/**
 * Most players a channel's presence lists (in a subscribe answer or a `presence` batch). A channel
 * with more players present lists this many of them (the ones a page shows) and counts the rest:
 * sending everyone to everyone would cost every join a packet to every reader.
 */
export const PRESENCE_LIST_MAX = 50;

const presenceListSchema = z.array(presenceEntrySchema).max(PRESENCE_LIST_MAX);
const presenceCountSchema = z.number().int().min(0);

/** A channel the player belongs to, as listed in the directory. */
export const channelInfoSchema = z.object({
  name: z.string(),
  kind: channelKindSchema,
  /** For direct channels: the other player. */
  peer: presenceEntrySchema.optional(),
});
export type ChannelInfo = z.infer<typeof channelInfoSchema>;

// ---- client → server (on /chat) ----------------------------------------------------------------

export const subscribeRequestSchema = z.strictObject({
  channel: channelNameSchema,
  /** The last offset this client has; absent = "send me the recent history". */
  after: offsetSchema.optional(),
});
export type SubscribeRequest = z.infer<typeof subscribeRequestSchema>;

export const unsubscribeRequestSchema = z.strictObject({ channel: channelNameSchema });

export const publishRequestSchema = z.strictObject({
  channel: channelNameSchema,
  text: chatTextSchema,
  /** Unique per sender for this message: a retried publish with the same nonce is stored once. */
  nonce: z.string().min(1).max(MAX_NONCE_LENGTH),
});
export type PublishRequest = z.infer<typeof publishRequestSchema>;

/** "I have read this channel up to here" (kept per player, for unread counts on every device). */
export const readMarkSchema = z.strictObject({ channel: channelNameSchema, upTo: offsetSchema });
export type ReadMark = z.infer<typeof readMarkSchema>;

// ---- server → client (on /chat) ----------------------------------------------------------------

export const subscribeAcceptedSchema = z.object({
  ok: z.literal(true),
  channel: z.string(),
  kind: channelKindSchema,
  /** The channel's newest offset when subscribing (0 = empty). */
  head: offsetSchema,
  /** Oldest offset still stored; anything older is gone. */
  retainedFrom: offsetSchema,
  /**
   * True when `after` was older than the retained history: the client must drop what it has and
   * take the replay that follows as the channel's recent history (there is a hole before it).
   */
  gap: z.boolean(),
  /** This player's read mark (for unread counts). */
  readUpTo: offsetSchema,
  /**
   * Who is present, as last announced to the channel (at most PRESENCE_LIST_MAX players: all of
   * them when there are no more); `presence` batches keep it current from here.
   */
  presence: presenceListSchema,
  /** How many players are present (as last announced), listed or not. */
  presenceCount: presenceCountSchema,
});
export type SubscribeAccepted = z.infer<typeof subscribeAcceptedSchema>;

export const failureSchema = z.object({ ok: z.literal(false), error: errorPayloadSchema });

export const subscribeResultSchema = z.discriminatedUnion('ok', [subscribeAcceptedSchema, failureSchema]);
export type SubscribeResult = z.infer<typeof subscribeResultSchema>;

export const publishResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), channel: z.string(), offset: z.number().int().positive(), at: z.number() }),
  failureSchema,
]);
export type PublishResult = z.infer<typeof publishResultSchema>;

/** Messages of one channel, offsets ascending and contiguous after what this connection was sent. */
export const channelMessagesSchema = z.object({
  channel: z.string(),
  messages: z.array(chatMessageSchema),
});
export type ChannelMessages = z.infer<typeof channelMessagesSchema>;

/**
 * What changed in a channel's presence since its last batch (sent at most every few hundred ms per
 * channel, one broadcast to all its subscribers): players who entered the listed players (or were
 * renamed), ids who left it, and the new count. Idempotent: a join of a listed player or a leave of
 * an unlisted one changes nothing.
 */
export const presenceChangeSchema = z.object({
  channel: z.string(),
  joined: presenceListSchema,
  left: z.array(z.string()).max(PRESENCE_LIST_MAX),
  /** How many players are present now, listed or not. */
  count: presenceCountSchema,
});
export type PresenceChange = z.infer<typeof presenceChangeSchema>;

/** Every channel the player may subscribe to now; sent on connect and whenever it changes. */
export const channelDirectorySchema = z.object({ channels: z.array(channelInfoSchema) });
export type ChannelDirectory = z.infer<typeof channelDirectorySchema>;

/** The server ended a subscription (e.g. the player left that sector). */
export const channelClosedSchema = z.object({ channel: z.string(), reason: errorPayloadSchema });
export type ChannelClosed = z.infer<typeof channelClosedSchema>;

export const chatClientEventSchemas = {
  'channel:subscribe': subscribeRequestSchema,
  'channel:unsubscribe': unsubscribeRequestSchema,
  'channel:publish': publishRequestSchema,
  'channel:read': readMarkSchema,
} as const;

export const chatServerEventSchemas = {
  'channel:messages': channelMessagesSchema,
  presence: presenceChangeSchema,
  channels: channelDirectorySchema,
  'channel:closed': channelClosedSchema,
  'server:error': errorPayloadSchema,
} as const;

export interface ChatClientToServerEvents {
  'channel:subscribe': (req: SubscribeRequest, ack: (res: SubscribeResult) => void) => void;
  'channel:unsubscribe': (req: { channel: string }) => void;
  'channel:publish': (req: PublishRequest, ack: (res: PublishResult) => void) => void;
  'channel:read': (mark: ReadMark) => void;
  'session:renew': (req: { accessToken: string }, ack: (res: unknown) => void) => void;
}

export interface ChatServerToClientEvents {
  'channel:messages': (batch: ChannelMessages) => void;
  presence: (change: PresenceChange) => void;
  channels: (directory: ChannelDirectory) => void;
  'channel:closed': (closed: ChannelClosed) => void;
  'server:error': (err: { code: string; message: string; event?: string }) => void;
}

// ---- the publish API (HTTP, API key) -----------------------------------------------------------

export const PUBLISH_API_PREFIX = '/api/v1';

export const apiPublishSchema = z.strictObject({
  text: chatTextSchema,
  /** Shown as the sender's name (the sender id is always `system`). Default "Server". */
  senderName: z.string().trim().min(1).max(40).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  /**
   * Makes a retry safe: a second publish with the same key (within 24 hours) is not stored again;
   * the answer names the offset of the first.
   */
  idempotencyKey: z.string().min(1).max(MAX_NONCE_LENGTH).optional(),
});
export type ApiPublish = z.infer<typeof apiPublishSchema>;

export const apiSendToPlayerSchema = z.strictObject({
  text: chatTextSchema,
  /** The notification's kind as the client sees it. Default "message". */
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9_.-]{0,31}$/, 'kind must be 1-32 lowercase letters, digits or _ . -')
    .optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  /**
   * Makes a retry safe: a second message to the same player with the same key is not stored again
   * (for as long as the notification is kept); the answer names the sequence number of the first.
   */
  idempotencyKey: z.string().min(1).max(MAX_NONCE_LENGTH).optional(),
});
export type ApiSendToPlayer = z.infer<typeof apiSendToPlayerSchema>;

export const apiHistoryQuerySchema = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
