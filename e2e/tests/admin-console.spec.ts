import { describeExit, GameServer } from '@perihelion/server/testing';
import { test as base, expect } from '../fixtures/test.js';
import { e2eContent, webDist } from '../support/paths.js';
import { uniqueSector } from '../support/sector-id.js';

/** The console's server: the suites' content, with an ADMIN_TOKEN to sign in with. */
const ADMIN_TOKEN = 'e2e-admin-token-of-the-console-suite';

const test = base.extend<object, { consoleServer: GameServer }>({
  consoleServer: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the fixtures argument to be destructured
    async ({}, use) => {
      const server = await GameServer.start({
        webDist,
        env: { CONTENT: e2eContent, ADMIN_TOKEN },
        startTimeoutMs: 180_000,
      });
      let died: GameServer['exitStatus'] = null;
      try {
        await use(server);
      } finally {
        died = server.exitStatus;
        await server.stop();
      }
      if (died) throw new Error(`the console's server died during the tests (${describeExit(died)})`);
    },
    { scope: 'worker', timeout: 240_000 },
  ],
});

test('an admin signs in, sees two players in their sector, announces to them and kicks one', async ({
  browser,
  players,
  consoleServer,
}) => {
  const sector = uniqueSector('console');
  const [ann, bob] = await players.joinAll([
    { name: 'Ann', sector, baseUrl: consoleServer.url },
    { name: 'Bob', sector, baseUrl: consoleServer.url, transport: 'polling' },
  ]);
  const context = await browser.newContext();
  try {
    const admin = await context.newPage();

    await test.step('the admin signs in with the ADMIN_TOKEN', async () => {
      await admin.goto(`${consoleServer.url}/admin`);
      await admin.getByTestId('admin-token').fill('not the token');
      await admin.getByTestId('admin-name').fill('Operator Ada');
      await admin.getByTestId('admin-sign-in-submit').click();
      await expect(admin.getByTestId('admin-sign-in-error')).toContainText('wrong admin token');
      await admin.getByTestId('admin-token').fill(ADMIN_TOKEN);
      await admin.getByTestId('admin-sign-in-submit').click();
      await expect(admin.getByTestId('admin-console')).toBeVisible();
    });

    await test.step('the console lists both players in their sector, and the sector with two', async () => {
      for (const p of [ann, bob]) {
        const row = admin.getByTestId(`admin-player-${p.id}`);
        await expect(row).toHaveAttribute('data-sector', sector);
        await expect(row).toContainText(p.name);
      }
      await expect(admin.getByTestId(`admin-player-${bob.id}`)).toContainText('polling');
      await expect(admin.getByTestId(`admin-sector-players-${sector}`)).toHaveText('2');
    });

    const text = `Console says hello to ${sector}`;
    await test.step('an announcement reaches both players', async () => {
      await admin.getByTestId('admin-announce-text').fill(text);
      await admin.getByTestId('admin-announce-send').click();
      await expect(admin.getByTestId('admin-status')).toContainText('Announced');
      for (const p of [ann, bob]) {
        await p.waitForState('has the announcement', (s) =>
          (s.chat.announcements ?? []).some((m) => m.text === text && m.senderName === 'Operator Ada'),
        );
      }
      await expect(admin.getByTestId('admin-channel-announcements')).toContainText(text);
    });

    await test.step('kicking Bob disconnects him, tells him why, and drops him from the list', async () => {
      await admin.getByTestId(`admin-kick-${bob.id}`).click();
      await admin.getByTestId('admin-action-text').fill('testing the console');
      await admin.getByTestId('admin-action-confirm').click();
      await expect(admin.getByTestId('admin-status')).toContainText('Kicked Bob');
      await bob.waitForState('is disconnected', (s) => !s.connected);
      await expect(bob.page.locator('.hud-notice')).toHaveAttribute('data-open', 'true');
      await expect(bob.page.locator('.hud-notice-card')).toContainText('Removed from the game');
      await expect(bob.page.locator('.hud-notice-card')).toContainText('testing the console');
      await expect(admin.getByTestId(`admin-player-${bob.id}`)).toHaveCount(0);
      await expect(admin.getByTestId(`admin-sector-players-${sector}`)).toHaveText('1');
      await expect(admin.getByTestId('admin-audit')).toContainText('kick');
      // Ann plays on, without Bob's ship.
      await ann.waitForState(
        'no longer sees Bob',
        (s) => s.connected && !s.entities.some((e) => e.id === bob.id),
      );
    });

    await test.step('Bob stays out: the page does not reconnect by itself', async () => {
      const kickedState = await bob.state();
      const tick = (await ann.state()).serverTick;
      // A reconnect would have had a few seconds of the world's ticks to happen in.
      await ann.waitForState('the world goes on a while', (s) => s.serverTick > tick + 150);
      const after = await bob.state();
      expect(after.connected).toBe(false);
      expect(after.connects).toBe(kickedState.connects);
      await expect(admin.getByTestId(`admin-player-${bob.id}`)).toHaveCount(0);
    });
  } finally {
    await context.close();
  }
});
