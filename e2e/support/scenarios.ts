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
 * How long a flight and a stop may take: failure guards only. A page starved of CPU draws a few
 * frames a second and its ship covers less ground per second of wall time, never more.
 */
const FLIGHT_TIMEOUT_MS = 60_000;
/**
 * A ship counts as at rest once its drawn position has stayed exactly the same for this long in
 * the page's own time, over at least this many drawn frames. A ship moves only when the page steps
 * it, and the page steps it on each frame for the time that has passed since the last (a few steps
 * at most after a stall), so half a second of page time spanning several frames always includes
 * steps; and a ship still moving (at least 0.5 units/s: the flight rules stop slower ones outright)
 * moves on every step. This is watched inside the page on purpose: a page that stalls between two
 * readings taken by the test shows a moving ship at the same place twice.
 */
const REST_MS = 500;
const REST_FRAMES = 3;

/**
 * The mover flies a little and brakes to a stop; each observer must see that ship leave where it
 * was and come to rest exactly where the mover's own screen shows it. Stopping first makes the
 * comparison exact, without reasoning about interpolation delay.
 *
 * Nothing here depends on how long a key is held or how fast the pages run: the mover holds thrust
 * until its own screen shows it has moved, and the brake until the ship stops. The brake stays
 * down throughout, which caps the cruising speed at what thrust holds against it (about a quarter
 * of top speed): however late the key-up reaches a busy page, the ship stops well within the
 * others' view, where they can see it.
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

    await mover.pressKey('ArrowDown');
    await mover.pressKey('ArrowUp');
    await mover.waitForState(
      `has flown more than ${MIN_TRAVEL} units on its own screen`,
      (s) => {
        const own = shipOf(s, mover.id);
        return !!own && distance(own, start) > MIN_TRAVEL;
      },
      { timeout: FLIGHT_TIMEOUT_MS },
    );
    await mover.releaseKey('ArrowUp');
    const stopped = await waitUntilAtRest(mover, 'stops while braking');
    await mover.releaseKey('ArrowDown');
    const end = await waitUntilAtRest(mover, 'stays stopped with no key held');
    expect(distance(stopped, end), `${mover.name} stayed where the brake stopped them`).toBeLessThanOrEqual(
      REST_TOLERANCE,
    );
    expect(distance(start, end), `${mover.name} moved on their own screen`).toBeGreaterThan(MIN_TRAVEL);

    await Promise.all(
      watchers.map(async ({ observer, before }) => {
        const own = shipOf(await observer.state(), observer.id);
        const away = own ? `, ${distance(own, end).toFixed(0)} units from its own ship` : '';
        await observer.waitForState(
          `sees ${mover.name} at rest at (${end.x.toFixed(1)}, ${end.y.toFixed(1)})${away}`,
          (s) => {
            const seen = shipOf(s, mover.id);
            return !!seen && distance(seen, end) <= REST_TOLERANCE && distance(seen, before) > MIN_TRAVEL;
          },
        );
      }),
    );
  });
}

/**
 * The player's own ship once it has kept still for REST_MS and REST_FRAMES of the page's drawing
 * (see there), watched frame by frame inside the page.
 */
async function waitUntilAtRest(player: Player, what: string): Promise<QaEntity> {
  return test.step(`${player.name}: own ship ${what}`, async () => {
    const result = await player.page.evaluate(
      async ({ id, restMs, restFrames, timeoutMs }) => {
        const started = performance.now();
        let still: { x: number; y: number; since: number; frames: number } | null = null;
        let last: QaEntity | null = null;
        while (performance.now() - started < timeoutMs) {
          // A hidden page draws no frames; the timer keeps the guard working if that ever happens.
          const drew = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 1000);
            requestAnimationFrame(() => {
              clearTimeout(timer);
              resolve(true);
            });
          });
          if (!drew) continue;
          const now = performance.now();
          const ship = window.__QA__?.state().entities.find((e) => e.kind === 'ship' && e.id === id) ?? null;
          last = ship;
          if (!ship) {
            still = null;
          } else if (still && ship.x === still.x && ship.y === still.y) {
            still.frames++;
            if (still.frames >= restFrames && now - still.since >= restMs) return { atRest: ship, last };
          } else {
            still = { x: ship.x, y: ship.y, since: now, frames: 0 };
          }
        }
        return { atRest: null, last };
      },
      { id: player.id, restMs: REST_MS, restFrames: REST_FRAMES, timeoutMs: FLIGHT_TIMEOUT_MS },
    );
    if (result.atRest) return result.atRest;
    const where = result.last
      ? `(${result.last.x.toFixed(1)}, ${result.last.y.toFixed(1)})`
      : 'not on screen';
    throw new Error(
      `${player.name}'s ship did not come to rest within ${FLIGHT_TIMEOUT_MS} ms of page time; last at ${where}`,
    );
  });
}

function requireShip(state: QaState, pilot: Player, viewer: Player): QaEntity {
  const ship = shipOf(state, pilot.id);
  if (!ship) throw new Error(`${viewer.name} does not see ${pilot.name}'s ship`);
  return ship;
}
