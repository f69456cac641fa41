import { test } from '../fixtures/test.js';
import { expectHudShows } from '../support/hud.js';
import { uniqueSector } from '../support/sector-id.js';

test('the HUD of a player on long-polling says polling', async ({ players }) => {
  const bob = await players.join({ name: 'Bob', sector: uniqueSector('hud-polling'), transport: 'polling' });
  await bob.waitForState('uses long-polling', (s) => s.transport === 'polling');
  await expectHudShows(bob.page, /polling/i);
});

test('the HUD says reconnecting while the network is down', async ({ players, faultProxy }) => {
  const carol = await players.join({
    name: 'Carol',
    sector: uniqueSector('hud-drop'),
    baseUrl: faultProxy.url,
  });
  faultProxy.setOffline(true);
  await carol.waitForState('notices the connection is gone', (s) => !s.connected);
  await expectHudShows(carol.page, /reconnecting/i);
});
