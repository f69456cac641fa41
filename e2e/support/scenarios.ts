import { expect, test } from '@playwright/test';
import type { Player } from '../fixtures/player.js';
import { distance, type QaEntity, type QaState, shipOf } from './qa-state.js';

/** How far a ship must travel for a move to count: well above quantization and jitter. */
const MIN_TRAVEL = 100;
/**
 * How close an observer's view of a ship that has come to rest must be to where its pilot sees it.
 * Positions cross the wire at half-unit precision, so two units is plenty and still exact.
 */
const REST_TOLERANCE = 2;

/** Every player sees every other player's ship, with the right name. */
export async function expectAllSeeEachOther(players: readonly Player[]): Promise<void> {
  await Promise.all(
    players.map((viewer) => {
      const others = players.filter((p) => p !== viewer);
      return viewer.waitForState(`sees ${others.map((p) => p.name).join(' and ')}`, (s) =>
        others.every((other) => shipOf(s, other.id)?.name === other.name),
      );
    }),
  );
}

/**
 * The mover thrusts for about a second, then brakes until its ship stops. Each observer must see
 * that ship leave where it was and come to rest exactly where the mover's own screen shows it.
 * Stopping first makes the comparison exact, without reasoning about interpolation delay.
 */
export async function flyAndExpectSeen(mover: Player, observers: readonly Player[]): Promise<void> {
  await test.step(`${mover.name} flies; ${observers.map((o) => o.name).join(' and ')} see it`, async () => {
    const watchers = await Promise.all(
      observers.map(async (observer) => ({
        observer,
        before: requireShip(await observer.state(), mover, observer),
      })),
    );
    const start = requireShip(await mover.state(), mover, mover);

    await mover.holdKey('ArrowUp', 1000);
    await mover.holdKey('ArrowDown', 2500);
    const end = await waitUntilAtRest(mover);
    expect(distance(start, end), `${mover.name} moved on their own screen`).toBeGreaterThan(MIN_TRAVEL);

    await Promise.all(
      watchers.map(({ observer, before }) =>
        observer.waitForState(
          `sees ${mover.name} at rest at (${end.x.toFixed(1)}, ${end.y.toFixed(1)})`,
          (s) => {
            const seen = shipOf(s, mover.id);
            return !!seen && distance(seen, end) <= REST_TOLERANCE && distance(seen, before) > MIN_TRAVEL;
          },
        ),
      ),
    );
  });
}

/**
 * The player's own ship once two readings a quarter second apart agree. The gap matters: a page
 * renders (and so updates its state) every frame, and two readings closer together than a frame
 * could agree on a ship that is still moving.
 */
async function waitUntilAtRest(player: Player, timeoutMs = 15_000): Promise<QaEntity> {
  return test.step(`${player.name}: own ship comes to rest`, async () => {
    const deadline = Date.now() + timeoutMs;
    let previous = requireShip(await player.state(), player, player);
    while (Date.now() < deadline) {
      await player.page.waitForTimeout(250);
      const current = requireShip(await player.state(), player, player);
      if (distance(current, previous) < 0.01) return current;
      previous = current;
    }
    throw new Error(`${player.name}'s ship did not come to rest within ${timeoutMs} ms`);
  });
}

function requireShip(state: QaState, pilot: Player, viewer: Player): QaEntity {
  const ship = shipOf(state, pilot.id);
  if (!ship) throw new Error(`${viewer.name} does not see ${pilot.name}'s ship`);
  return ship;
}
