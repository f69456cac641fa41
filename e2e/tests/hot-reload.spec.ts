import { expect, test } from '../fixtures/test.js';
import { DevServer } from '../fixtures/vite-dev-server.js';
import { ships } from '../support/qa-state.js';
import { uniqueSector } from '../support/sector-id.js';

test('a hot-reloaded scene keeps one canvas, one connection and the same player', async ({
  players,
  gameServer,
}) => {
  const dev = await DevServer.start(gameServer.url);
  try {
    const sector = uniqueSector('hmr');
    const designer = await players.join({ name: 'Designer', sector, baseUrl: dev.url });
    const before = await designer.state();

    for (const file of ['src/game/scenes/play-scene.ts', 'src/game/world/ship-view.ts']) {
      // Phaser pools canvas elements, so the new game may draw on the very element the old one
      // used; what proves a replacement is the old game taking its canvas out of the page.
      await designer.page.evaluate(() => {
        const seen = { removed: 0, added: 0 };
        (window as unknown as { canvasSwaps: typeof seen }).canvasSwaps = seen;
        new MutationObserver((records) => {
          for (const r of records) {
            for (const n of r.removedNodes) if (n instanceof HTMLCanvasElement) seen.removed++;
            for (const n of r.addedNodes) if (n instanceof HTMLCanvasElement) seen.added++;
          }
        }).observe(document.body, { childList: true, subtree: true });
      });
      await dev.hotUpdate(file);
      await designer.page.waitForFunction(() => {
        const { removed, added } = (window as unknown as { canvasSwaps: { removed: number; added: number } })
          .canvasSwaps;
        return removed >= 1 && added >= 1 && document.querySelectorAll('canvas').length === 1;
      });
      const after = await designer.waitForState(
        `draws again after reloading ${file}`,
        (s) => s.connected && s.entities.some((e) => e.id === before.playerId),
      );
      expect(after.playerId).toBe(before.playerId);
      expect(after.sector).toBe(sector);
      // A second socket would be a second player, and a second ship in this sector.
      expect(ships(after).map((s) => s.id)).toEqual([before.playerId]);
    }
    expect(await designer.page.locator('canvas').count()).toBe(1);
    expect(designer.pageErrors).toEqual([]);
  } finally {
    await dev.close();
  }
});
