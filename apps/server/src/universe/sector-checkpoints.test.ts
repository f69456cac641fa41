import { sectors } from '@perihelion/db';
import { testStoreTargets } from '@perihelion/db/testing';
import { defaultContent, SectorSimulation } from '@perihelion/game';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { UniverseContext } from './context.js';
import { SectorCheckpoints } from './sector-checkpoints.js';

const targets = await testStoreTargets();

describe.each(targets)('sector checkpoints under leases on $name', (target) => {
  it.skipIf(target.skipReason !== null)(
    "a node that lost the sector cannot overwrite the new owner's state, and cannot take it back with its old grant",
    async () => {
      const store = await target.open();
      try {
        // Two nodes' views of one sector: the old owner (fence 10) and the new one (fence 20).
        const node = (fence: { value: number | null }) => {
          const sims = new Map<string, SectorSimulation>();
          const ctx = {
            db: store.db,
            logger: pino({ level: 'silent' }),
            sims,
            fenceOf: () => fence.value,
            avatarsIn: () => avatars,
          } as unknown as UniverseContext;
          return { sims, fence, checkpoints: new SectorCheckpoints(ctx, 60_000) };
        };
        const sector = 'contested';
        const avatars = [{ playerId: 'p1', handle: 12, own: [1, 2, 3, 4, 5], lastInputSeq: 77 }];
        const oldOwner = node({ value: 10 });
        const newOwner = node({ value: 20 });
        /** A sector whose ore left in its one asteroid the test sets. */
        const sim = (n: ReturnType<typeof node>) => {
          const world = { ore: 10 };
          const checkpoint = () => ({ version: 1, asteroids: [{ ore: world.ore, respawnSeconds: 0 }] });
          n.sims.set(sector, { checkpoint } as unknown as SectorSimulation);
          return world;
        };

        await oldOwner.checkpoints.claim(sector, 10);
        const oldSim = sim(oldOwner);
        await oldOwner.checkpoints.stop();
        const stored = async () =>
          (await store.db.select().from(sectors).where(eq(sectors.id, sector)))[0] ?? null;
        expect((await stored())?.fence).toBe(10);

        // The new owner takes over from what the old one stored (the ships too): from now on the
        // row carries its fence.
        expect(await newOwner.checkpoints.claim(sector, 20)).toEqual({ avatars });
        const restored = new SectorSimulation(sector, 30, defaultContent);
        newOwner.checkpoints.restoreInto(sector, restored);
        expect(restored.checkpoint().asteroids[0]?.ore).toBe(10);
        const newSim = sim(newOwner);
        expect((await stored())?.fence).toBe(20);

        // The old owner, not knowing yet, writes a changed state under its old grant: refused.
        oldSim.ore = 1;
        await oldOwner.checkpoints.stop();
        expect((await stored())?.state).toEqual({ version: 1, asteroids: [{ ore: 10, respawnSeconds: 0 }] });
        expect((await stored())?.fence).toBe(20);

        // Nor can it claim the sector again with a grant older than the one that wrote it.
        await expect(oldOwner.checkpoints.claim(sector, 15)).rejects.toThrow(/later lease/);
        // The new owner's own writes go through.
        newSim.ore = 3;
        await newOwner.checkpoints.stop();
        expect((await stored())?.state).toEqual({ version: 1, asteroids: [{ ore: 3, respawnSeconds: 0 }] });
        expect((await stored())?.fence).toBe(20);
      } finally {
        await store.destroy();
      }
    },
  );
});
