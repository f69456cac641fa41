import { z } from 'zod';
import { sessionRenewSchema } from './auth.js';
import { nodeIdSchema } from './cluster.js';
import { decodeInput, type InputStep } from './codec/input.js';
import { type ErrorPayload, errorPayloadSchema } from './errors.js';
import { type InboxMessage, inboxAckSchema, inboxMessageSchema } from './inbox.js';
import { MAX_SECTOR_ID_LENGTH } from './limits.js';

export { playerNameSchema } from './names.js';

/** The namespace that carries the real-time game traffic. */
export const GAME_NAMESPACE = '/game';

export const sectorIdSchema = z
  .string()
  .regex(
    new RegExp(`^[a-z0-9][a-z0-9-]{0,${MAX_SECTOR_ID_LENGTH - 1}}$`),
    `sector id must be 1-${MAX_SECTOR_ID_LENGTH} lowercase letters, digits or dashes`,
  );

// ---- client → server -------------------------------------------------------------------------

export const joinRequestSchema = z.object({ sector: sectorIdSchema });
export type JoinRequest = z.infer<typeof joinRequestSchema>;

/**
 * One fixed step of player input, sent every tick as the few bytes of `encodeInput`
 * ([sequence, button bits, last snapshot id received]); validated into that tuple on arrival.
 */
export const inputSchema = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected input bytes')
  .transform((bytes, ctx) => {
    const step = decodeInput(bytes);
    if (step) return step;
    ctx.issues.push({ code: 'custom', message: 'malformed input step', input: bytes });
    return z.NEVER;
  });
/** The decoded step: [sequence, button bits, last snapshot id received]. */
export type InputMessage = InputStep;

export const pingSchema = z.number().finite();

// ---- server → client -------------------------------------------------------------------------

export const rosterEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The entity handle of this player's ship in snapshots. */
  handle: z.number().int(),
});
export type RosterEntry = z.infer<typeof rosterEntrySchema>;

export const joinAcceptedSchema = z.object({
  ok: z.literal(true),
  playerId: z.string(),
  name: z.string(),
  sector: z.string(),
  handle: z.number().int(),
  tickRate: z.number(),
  snapshotRate: z.number(),
  /** Last input sequence the server applied for this player (inputs continue after it). */
  lastInputSeq: z.number().int(),
  /** Own-entity state at join, so prediction starts from the authoritative spot. */
  own: z.array(z.number()),
  /** The server's wall clock (ms since the epoch) when it answered, for durable timestamps. */
  serverTime: z.number(),
  /** Secret for the unload beacon that ends the session at once (POST /api/leave). */
  leaveToken: z.string(),
  roster: z.array(rosterEntrySchema),
});
export type JoinAccepted = z.infer<typeof joinAcceptedSchema>;

export const joinRejectedSchema = z.object({
  ok: z.literal(false),
  error: errorPayloadSchema,
  /** With SECTOR_ELSEWHERE: the node that runs the sector (reconnect with it as the routing hint). */
  node: nodeIdSchema.optional(),
});
export const joinResultSchema = z.discriminatedUnion('ok', [joinAcceptedSchema, joinRejectedSchema]);
export type JoinResult = z.infer<typeof joinResultSchema>;

export const pongSchema = z.object({ t: z.number(), tick: z.number().int() });
export type Pong = z.infer<typeof pongSchema>;

/**
 * Who joined and left a sector lately, in one batch per sector every ~100 ms (a crowd arriving is
 * not one message per arrival to everyone). Idempotent: a joined entry replaces the one with the
 * same id, a left id not in the roster changes nothing.
 */
export const rosterChangeSchema = z.object({
  joined: z.array(rosterEntrySchema),
  left: z.array(z.string()),
});
export type RosterChange = z.infer<typeof rosterChangeSchema>;

/** Who the server's session says this connection is, sent first on every game connection. */
export const identitySchema = z.object({
  playerId: z.string(),
  name: z.string(),
  role: z.enum(['player', 'admin']),
});
export type IdentityMessage = z.infer<typeof identitySchema>;

/** Another connection of the same player joined the sector and took over its avatar. */
export const displacedSchema = z.object({ sector: z.string() });
export type Displaced = z.infer<typeof displacedSchema>;

/**
 * The sector this connection was in now runs on another node (this one lost or handed over its
 * lease): reconnect, with `node` as the routing hint when it is known, and join again.
 */
export const movedSchema = z.object({ sector: z.string(), node: nodeIdSchema.nullable() });
export type Moved = z.infer<typeof movedSchema>;

/** Schemas for every client → server event; the server validates each message against these. */
export const clientEventSchemas = {
  join: joinRequestSchema,
  i: inputSchema,
  ping: pingSchema,
  leave: z.undefined(),
  'inbox:ack': inboxAckSchema,
  'session:renew': sessionRenewSchema,
} as const;
export type ClientEventName = keyof typeof clientEventSchemas;

/**
 * Shortcuts for the hottest client events (an input arrives 30 times a second from every player):
 * each returns the same value its schema would, or undefined for anything it does not accept at
 * a glance. The schema stays the definition; whatever a shortcut refuses is parsed by the schema,
 * which words the error.
 */
export const clientEventShortcuts: Readonly<Record<string, (value: unknown) => unknown>> = {
  i: (value) => (value instanceof Uint8Array ? (decodeInput(value) ?? undefined) : undefined),
};

/** Schemas for server → client events (the client validates the JSON ones on arrival). */
export const serverEventSchemas = {
  roster: rosterChangeSchema,
  'server:error': errorPayloadSchema,
  displaced: displacedSchema,
  moved: movedSchema,
  identity: identitySchema,
  inbox: inboxMessageSchema,
} as const;

/** Typed event maps for Socket.IO's generics: a renamed field breaks the build, not the game. */
export interface ClientToServerEvents {
  join: (req: JoinRequest, ack: (res: JoinResult) => void) => void;
  i: (input: Uint8Array) => void;
  ping: (clientTime: number, ack: (pong: Pong) => void) => void;
  leave: () => void;
  'inbox:ack': (ack: { upTo: number }) => void;
  'session:renew': (req: { accessToken: string }, ack: (res: unknown) => void) => void;
}

export interface ServerToClientEvents {
  /** Binary snapshot (see codec/snapshot.ts); volatile except for the first one after a join. */
  s: (frame: Uint8Array) => void;
  roster: (change: RosterChange) => void;
  'server:error': (err: ErrorPayload) => void;
  displaced: (msg: Displaced) => void;
  moved: (msg: Moved) => void;
  identity: (msg: IdentityMessage) => void;
  /** A durable notification; acknowledged with 'inbox:ack' once shown. */
  inbox: (msg: InboxMessage) => void;
}

/**
 * Unload beacon: a page that is closing POSTs this (navigator.sendBeacon) so its player leaves at
 * once, even over long-polling where the server would otherwise wait for a ping timeout.
 */
export const LEAVE_BEACON_PATH = '/api/leave';
export const leaveBeaconSchema = z.object({ token: z.string().min(1).max(64) });
