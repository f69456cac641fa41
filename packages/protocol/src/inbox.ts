import { z } from 'zod';

/**
 * A durable notification from the player's inbox. Sequence numbers are per player, start at 1 and
 * have no gaps, so a client can tell what it has already shown.
 */
export const inboxMessageSchema = z.object({
  seq: z.number().int().positive(),
  kind: z.string(),
  text: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** When it was created (ms since the epoch). */
  at: z.number(),
});
export type InboxMessage = z.infer<typeof inboxMessageSchema>;

/** "I have shown everything up to and including this sequence number." */
export const inboxAckSchema = z.object({
  upTo: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
});
export type InboxAck = z.infer<typeof inboxAckSchema>;
