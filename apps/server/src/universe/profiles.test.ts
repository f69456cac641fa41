import { inventories, players } from '@perihelion/db';
import { testStoreTargets } from '@perihelion/db/testing';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { StoredProfiles } from './profiles.js';

const targets = await testStoreTargets();

describe.each(targets)('stored profiles on $name', (target) => {
  it.skipIf(target.skipReason !== null)(
    'guests arriving together are stored together, each with its own token and inventory',
    async () => {
      const store = await target.open();
      try {
        let n = 0;
        const profiles = new StoredProfiles(
          store.db,
          () => 250,
          () => `Guest ${++n}`,
        );
        const guests = await Promise.all(Array.from({ length: 60 }, () => profiles.identify({})));
        expect(new Set(guests.map((g) => g.playerId)).size).toBe(60);
        expect(new Set(guests.map((g) => g.token)).size).toBe(60);
        expect(await store.db.$count(players)).toBe(60);
        expect(await store.db.$count(inventories)).toBe(60);
        for (const guest of [guests[0]!, guests[59]!]) {
          expect(await profiles.profile(guest.playerId)).toEqual({
            id: guest.playerId,
            name: guest.name,
            ore: 0,
            credits: 250,
          });
          const again = await profiles.identify({ token: guest.token });
          expect(again.playerId).toBe(guest.playerId);
        }
      } finally {
        await store.destroy();
      }
    },
  );

  it.skipIf(target.skipReason !== null)(
    'profiles read together (one batched query) are each their own, as stored when asked',
    async () => {
      const store = await target.open();
      try {
        const profiles = new StoredProfiles(
          store.db,
          () => 100,
          () => 'Guest',
        );
        const guests = await Promise.all(Array.from({ length: 40 }, () => profiles.identify({})));
        await store.db
          .update(inventories)
          .set({ ore: 7 })
          .where(eq(inventories.playerId, guests[3]!.playerId));
        const read = await Promise.all([
          ...guests.map((g) => profiles.profile(g.playerId)),
          profiles.profile('nobody'),
        ]);
        expect(read.at(-1)).toBeNull();
        expect(read.slice(0, 40).map((p) => p?.id)).toEqual(guests.map((g) => g.playerId));
        expect(read[3]?.ore).toBe(7);
        expect(read.filter((p) => p?.ore === 0)).toHaveLength(39);
      } finally {
        await store.destroy();
      }
    },
  );
});
