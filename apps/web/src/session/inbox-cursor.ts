import type { InboxCursorStore } from '@perihelion/client';
import { readStored, writeStored } from './storage.js';

const keyOf = (playerId: string) => `perihelion.inbox.${playerId}`;

/**
 * Remembers, per player, the last notification this browser has shown, so a reload does not show
 * it again. Memory backs storage up: the highest of the two wins.
 */
export function storedInboxCursor(): InboxCursorStore {
  const memory = new Map<string, number>();
  return {
    load(playerId) {
      const stored = Number.parseInt(readStored(keyOf(playerId)) ?? '', 10);
      return Math.max(memory.get(playerId) ?? 0, Number.isSafeInteger(stored) && stored > 0 ? stored : 0);
    },
    save(playerId, seq) {
      if (seq <= (memory.get(playerId) ?? 0)) return;
      memory.set(playerId, seq);
      writeStored(keyOf(playerId), String(seq));
    },
  };
}
