import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeExit, GameServer } from '@perihelion/server/testing';
import type { Player } from '../fixtures/player.js';
import { test as base, expect } from '../fixtures/test.js';
import { webDist } from '../support/paths.js';
import type { QaState } from '../support/qa-state.js';
import { uniqueSector } from '../support/sector-id.js';

/**
 * A designer's server: development content watching (CONTENT_WATCH=on) on a content file of its
 * own that the tests edit, and tuning open to every player (TUNING=open), as under `pnpm dev`.
 * Quick ships (high thrust) in a wide sector, so a held key reaches top speed at once and keeps it.
 */
const BASELINE = {
  ship: { thrust: 2400, maxSpeed: 400 },
  sector: { width: 40000, height: 40000 },
  raids: { enabled: false },
};

const test = base.extend<object, { design: { server: GameServer; contentFile: string } }>({
  design: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the fixtures argument to be destructured
    async ({}, use) => {
      const contentFile = join(mkdtempSync(join(tmpdir(), 'perihelion-design-')), 'content.json');
      writeFileSync(contentFile, JSON.stringify(BASELINE, null, 2));
      const server = await GameServer.start({
        webDist,
        env: { CONTENT: contentFile, CONTENT_WATCH: 'on', TUNING: 'open' },
        startTimeoutMs: 180_000,
      });
      let died: GameServer['exitStatus'] = null;
      try {
        await use({ server, contentFile });
      } finally {
        died = server.exitStatus;
        await server.stop();
      }
      if (died) throw new Error(`the designer's server died during the tests (${describeExit(died)})`);
    },
    { scope: 'worker', timeout: 240_000 },
  ],
});

function speed(state: QaState): number {
  return state.ownVelocity ? Math.hypot(state.ownVelocity.vx, state.ownVelocity.vy) : 0;
}

/** Holds thrust until the page's own ship flies at `top` (as drawn), then lets go. */
async function flyAtTopSpeed(player: Player, top: number): Promise<QaState> {
  await player.pressKey('ArrowUp');
  try {
    return await player.waitForState(`flies at ${top}`, (s) => Math.abs(speed(s) - top) < 0.5);
  } finally {
    await player.releaseKey('ArrowUp');
  }
}

function edit(file: string, content: unknown): void {
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

test.beforeEach(({ design }) => edit(design.contentFile, BASELINE));

test('a saved content file changes the top speed on every page, without a reconnect', async ({
  players,
  design,
}) => {
  const sector = uniqueSector('tune-file');
  const [ann, bob] = await players.joinAll([
    { name: 'Ann', sector, baseUrl: design.server.url },
    { name: 'Bob', sector, baseUrl: design.server.url, transport: 'polling' },
  ]);
  for (const p of [ann, bob]) await flyAtTopSpeed(p, 400);
  const before = await ann.state();

  edit(design.contentFile, { ...BASELINE, ship: { ...BASELINE.ship, maxSpeed: 150 } });
  for (const p of [ann, bob]) {
    await p.waitForState('runs the edited content', (s) => s.contentVersion !== before.contentVersion);
    const after = await flyAtTopSpeed(p, 150);
    expect(after.connects).toBe(1);
    expect(after.connected).toBe(true);
  }
  expect((await ann.state()).contentVersion).toBe((await bob.state()).contentVersion);
});

test('an invalid edit shows the designer what is wrong and the game keeps running', async ({
  players,
  design,
}) => {
  const sector = uniqueSector('tune-broken');
  const ann = await players.join({ name: 'Ann', sector, baseUrl: design.server.url });
  const good = await ann.state();
  const overlay = ann.page.getByTestId('content-overlay');
  await expect(overlay).toBeHidden();

  edit(design.contentFile, { ...BASELINE, ship: { ...BASELINE.ship, maxSpeed: -5 } });
  await expect(overlay).toBeVisible();
  await expect(overlay).toContainText('content.json');
  await expect(overlay).toContainText('ship.maxSpeed');
  const broken = await ann.waitForState('reports the problem', (s) => s.contentProblem !== null);
  expect(broken.contentProblem?.issues.map((i) => i.path)).toEqual(['ship.maxSpeed']);
  // Still the last good content, still connected, still simulating and still flying.
  expect(broken.contentVersion).toBe(good.contentVersion);
  await ann.waitForState('the world goes on', (s) => s.serverTick > broken.serverTick + 30);
  await flyAtTopSpeed(ann, 400);

  edit(design.contentFile, { ...BASELINE, ship: { ...BASELINE.ship, maxSpeed: 250 } });
  await expect(overlay).toBeHidden();
  const fixed = await ann.waitForState(
    'runs the fixed content',
    (s) => s.contentProblem === null && s.contentVersion !== good.contentVersion,
  );
  expect(fixed.connects).toBe(1);
  await flyAtTopSpeed(ann, 250);
});

test('the tuning panel changes a value for both players, lists who did it, and reverts it', async ({
  players,
  design,
}) => {
  const sector = uniqueSector('tune-panel');
  const [ann, bob] = await players.joinAll([
    { name: 'Ann', sector, baseUrl: design.server.url },
    { name: 'Bob', sector, baseUrl: design.server.url },
  ]);
  const before = await bob.state();
  await ann.page.getByTestId('tuning-toggle').click();
  const panel = ann.page.getByTestId('tuning-panel');
  await expect(panel).toBeVisible();
  const maxSpeed = panel.getByTestId('tuning-input-ship.maxSpeed');
  await expect(maxSpeed).toHaveValue('400');

  // The schema refuses an impossible value in the page; nothing is sent.
  await maxSpeed.fill('-3');
  await maxSpeed.press('Enter');
  await expect(panel.getByTestId('tuning-error-ship.maxSpeed')).not.toBeEmpty();

  await maxSpeed.fill('180');
  await maxSpeed.press('Enter');
  await bob.waitForState('runs the tuned content', (s) => s.contentVersion !== before.contentVersion);
  await flyAtTopSpeed(bob, 180);
  await flyAtTopSpeed(ann, 180);
  const change = panel.getByTestId('tuning-history').locator('li').first();
  await expect(change).toContainText('Ann');
  await expect(change).toContainText('ship.maxSpeed 400 → 180');

  await change.getByRole('button', { name: 'Revert' }).click();
  await bob.waitForState('runs the reverted content', (s) => s.contentVersion === before.contentVersion);
  await flyAtTopSpeed(bob, 400);
  for (const p of [ann, bob]) expect((await p.state()).connects).toBe(1);
});
