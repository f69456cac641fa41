import { z } from 'zod';

/**
 * What a sector keeps across a restart or a move to another node: the ore left in each asteroid
 * slot and the countdown of slots waiting to respawn. Positions are not kept; the field is rebuilt
 * from the sector's seed. Plain JSON, so the server can store it as is.
 */
export const sectorCheckpointSchema = z.object({
  version: z.literal(1),
  /**
   * The next entity handle the sector would give out: the restored sector goes on from there, so
   * the ships that come back keep their handles and no new entity takes one of them. Absent in
   * checkpoints written before it existed.
   */
  nextHandle: z.number().int().min(1).optional(),
  asteroids: z.array(
    z.object({
      ore: z.number().finite().min(0),
      respawnSeconds: z.number().finite().min(0),
    }),
  ),
});

export type SectorCheckpoint = z.infer<typeof sectorCheckpointSchema>;
