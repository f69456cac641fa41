import { chatMessageSchema } from '@perihelion/protocol';
import { z } from 'zod';
import { busTopic } from '../cluster/bus.js';

/**
 * A message was stored: every node's feed of that channel broadcasts it to the connections it
 * holds. A log topic: a node that lost Redis for a moment reads on and misses none (its feed also
 * reads the store when offsets arrive out of order).
 */
export const CHAT_STORED = busTopic(
  'chat:stored',
  z.object({ channel: z.string().min(1), message: chatMessageSchema }),
  'log',
);

/**
 * These players' channel sets may have changed (a new direct conversation, a team change, another
 * sector): every node re-sends their directory to the connections it holds.
 */
export const CHAT_DIRECTORY = busTopic(
  'chat:directory',
  z.object({ players: z.array(z.string().min(1)).min(1) }),
  'log',
);
