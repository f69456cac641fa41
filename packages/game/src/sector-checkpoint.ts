import { z } from 'zod';

/**
 * What a sector keeps across a restart: the ore left in each asteroid slot and the countdown of
 * slots waiting to respawn. Positions are not kept; the field is rebuilt from the sector's seed.
 * Plain JSON, so the server can store it as is.
 */
export const sectorCheckpointSchema = z.object({
  version: z.literal(1),
  asteroids: z.array(
    z.object({
      ore: z.number().finite().min(0),
      respawnSeconds: z.number().finite().min(0),
    }),
  ),
});

export type SectorCheckpoint = z.infer<typeof sectorCheckpointSchema>;
