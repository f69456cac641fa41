import { z } from 'zod';
import { errorPayloadSchema } from './errors.js';
import { tuningEventSchemas } from './tuning.js';

/*
 * The persistent universe's messages (profiles, structures, world events, build commands). They
 * travel beside the engine's events on the same game namespace: reliable, JSON, validated on
 * arrival by whichever side receives them.
 */

export const profileSchema = z.object({
  id: z.string(),
  name: z.string(),
  ore: z.number().int(),
  credits: z.number().int(),
});
export type Profile = z.infer<typeof profileSchema>;

export const structureStateSchema = z.enum(['building', 'active', 'cancelled', 'destroyed']);
export type StructureStateName = z.infer<typeof structureStateSchema>;

export const structureSchema = z.object({
  id: z.string(),
  sector: z.string(),
  kind: z.string(),
  ownerId: z.string(),
  ownerName: z.string(),
  x: z.number(),
  y: z.number(),
  state: structureStateSchema,
  hp: z.number().int(),
  maxHp: z.number().int(),
  /** Construction start and end, ms since the epoch on the server's clock. */
  startedAt: z.number(),
  completesAt: z.number(),
});
export type Structure = z.infer<typeof structureSchema>;

/** Every live structure of a sector, sent after each join. */
export const structureListSchema = z.object({ sector: z.string(), structures: z.array(structureSchema) });
export type StructureList = z.infer<typeof structureListSchema>;

export const worldEventSchema = z.object({
  id: z.string(),
  sector: z.string(),
  kind: z.string(),
  phase: z.enum(['warning', 'active', 'over']),
  text: z.string(),
  /** When the event starts and ends, ms since the epoch on the server's clock. */
  startsAt: z.number(),
  endsAt: z.number(),
});
export type WorldEvent = z.infer<typeof worldEventSchema>;

const kindIdSchema = z.string().min(1).max(40);
const coordinateSchema = z.number().finite().min(-1e6).max(1e6);

export const buildRequestSchema = z.object({
  kind: kindIdSchema,
  x: coordinateSchema,
  y: coordinateSchema,
  /**
   * A key the client picks for this build (a UUID, say): sent again, after an answer that never
   * came, it is answered with the structure the first request started instead of a second build.
   */
  requestId: z.string().min(1).max(64).optional(),
});
export type BuildRequest = z.infer<typeof buildRequestSchema>;

export const cancelRequestSchema = z.object({ id: z.string().min(1).max(64) });
export type CancelRequest = z.infer<typeof cancelRequestSchema>;

const refusedSchema = z.object({ ok: z.literal(false), error: errorPayloadSchema });

export const buildResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), structure: structureSchema }),
  refusedSchema,
]);
export type BuildResult = z.infer<typeof buildResultSchema>;

export const cancelResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), refund: z.object({ ore: z.number().int(), credits: z.number().int() }) }),
  refusedSchema,
]);
export type CancelResult = z.infer<typeof cancelResultSchema>;

/** Client → server commands of the universe (each answered through its ack). */
export const universeCommandSchemas = {
  build: buildRequestSchema,
  cancel: cancelRequestSchema,
} as const;
export type UniverseCommand = keyof typeof universeCommandSchemas;

/** Server → client universe events. */
export const universeEventSchemas = {
  ...tuningEventSchemas,
  profile: profileSchema,
  structures: structureListSchema,
  structure: structureSchema,
  'world:event': worldEventSchema,
} as const;
export type UniverseEvent = keyof typeof universeEventSchemas;
