import type { Player } from '../fixtures/player.js';
import { expect, test } from '../fixtures/test.js';
import type { QaState } from '../support/qa-state.js';
import { uniqueSector } from '../support/sector-id.js';
import { DEFAULT_STATE_TIMEOUT_MS } from '../support/wait-for-state.js';

const STATION_CORE = 'station-core';
/** The e2e content (fixtures/content.e2e.json): a station core costs 15 ore and takes 6 s. */
const CORE_ORE = 15;

const coreOf = (s: QaState, owner: string) =>
  s.structures.find((st) => st.kind === STATION_CORE && st.owner === owner);

type ConstructionSeen = { e2eCoreUnderConstruction?: boolean };

/**
 * A core is under construction for a few seconds only, and readings taken by the test can miss
 * that window on a busy machine. So the page is watched frame by frame, from before the build is
 * ordered; the function returned waits until one of its frames has shown `owner`'s core under
 * construction, with progress.
 */
async function watchForCoreUnderConstruction(player: Player, owner: string): Promise<() => Promise<void>> {
  await player.page.evaluate(
    ({ owner, kind }) => {
      const flags = window as unknown as ConstructionSeen;
      flags.e2eCoreUnderConstruction = false;
      const look = () => {
        const core = window.__QA__?.state().structures.find((st) => st.kind === kind && st.owner === owner);
        if (core?.state === 'building' && core.progress > 0 && core.progress < 1) {
          flags.e2eCoreUnderConstruction = true;
        } else {
          requestAnimationFrame(look);
        }
      };
      requestAnimationFrame(look);
    },
    { owner, kind: STATION_CORE },
  );
  return () =>
    test.step(`${player.name}: sees the miner's core under construction, with progress`, async () => {
      await player.page.waitForFunction(
        () => (window as unknown as ConstructionSeen).e2eCoreUnderConstruction === true,
        undefined,
        { timeout: DEFAULT_STATE_TIMEOUT_MS },
      );
    });
}

test('the universe remembers: mine, build and leave; others see it finish; the builder returns to it', async ({
  players,
}) => {
  const sector = uniqueSector('persist');
  const miner = await players.join({ name: 'Miner', sector });
  const watcher = await players.join({ name: 'Watcher', sector, transport: 'polling' });

  await test.step('the miner mines ore with Space', async () => {
    await miner.page.bringToFront();
    await miner.page.keyboard.down('Space');
    await miner.waitForState(`has mined ${CORE_ORE} ore`, (s) => (s.profile?.ore ?? 0) >= CORE_ORE);
    await miner.page.keyboard.up('Space');
  });

  await test.step('builds a station core with 1; both players see it under construction', async () => {
    const seenBy = await Promise.all([miner, watcher].map((p) => watchForCoreUnderConstruction(p, miner.id)));
    await miner.page.keyboard.press('1');
    await Promise.all(seenBy.map((seen) => seen()));
  });

  const before = await miner.state();
  const oreLeft = before.profile!.ore;
  const coreId = coreOf(before, miner.id)!.id;
  await miner.closeTab();

  await watcher.waitForState('sees the core finish while its owner is away', (s) => {
    const core = s.structures.find((st) => st.id === coreId);
    return core?.state === 'active' && core.progress === 1;
  });

  const back = await players.returning(miner);
  expect(back.id).toBe(miner.id);
  const returned = await back.waitForState(
    'finds its ore, its active core and the notification that waited for it',
    (s) =>
      s.profile?.ore === oreLeft &&
      s.structures.some((st) => st.id === coreId && st.state === 'active') &&
      s.notifications.some((n) => n.kind === 'construction.complete'),
  );
  // The HUD shows the stored ore (the first resource row is ore, the second credits).
  await expect(back.page.locator('.hud-resource').first()).toHaveText(String(oreLeft));
  const notes = returned.notifications.filter((n) => n.kind === 'construction.complete');
  expect(notes).toHaveLength(1);
  expect(notes[0]!.text).toMatch(/^Construction complete: Station core at \(-?\d+, -?\d+\)$/);
  await expect(back.page.getByText(notes[0]!.text).first()).toBeVisible();
});
