import { expect, test } from '../fixtures/test.js';
import { type QaState, ships, summarizeState } from '../support/qa-state.js';
import { expectAllSeeEachOther } from '../support/scenarios.js';
import { uniqueSector } from '../support/sector-id.js';

interface FirstFrames {
  /** The first state in which the page says it is connected. */
  firstConnected: QaState | null;
  /** The first connected state with anything drawn, and how many frames after the one above. */
  firstDrawn: QaState | null;
  framesBetween: number;
}

test('a late joiner sees the players already there in its first connected state', async ({ players }) => {
  const sector = uniqueSector('late');
  const early = await players.joinAll([
    { name: 'Alice', sector },
    { name: 'Bob', sector },
  ]);
  await expectAllSeeEachOther(early);

  const carol = await players.open({ name: 'Carol', sector });
  // Read on every animation frame from the moment the page starts, so what we get is the first
  // frame in which the page calls itself connected, not some later, more complete one. The first
  // frame with anything drawn is recorded too: it tells a missing full snapshot apart from a
  // "connected" flag that flips before the world is on screen.
  const frames = await carol.page.evaluate(async (timeoutMs): Promise<FirstFrames> => {
    const started = performance.now();
    let firstConnected: QaState | null = null;
    let framesBetween = 0;
    while (performance.now() - started < timeoutMs) {
      const state = window.__QA__?.state();
      if (state?.connected) {
        firstConnected ??= state;
        if (state.entities.length > 0) return { firstConnected, firstDrawn: state, framesBetween };
        framesBetween++;
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    return { firstConnected, firstDrawn: null, framesBetween };
  }, 30_000);

  const first = frames.firstConnected;
  if (!first) throw new Error('Carol never reported connected');
  expect(first.sector).toBe(sector);
  const seen = ships(first).map((ship) => ({ id: ship.id, name: ship.name }));
  const context = [
    `first connected state: ${summarizeState(first)}`,
    `first drawn state, ${frames.framesBetween} frame(s) later: ${summarizeState(frames.firstDrawn)}`,
  ].join('\n  ');
  for (const player of early) {
    expect(seen, `Carol's first connected state shows ${player.name}\n  ${context}`).toContainEqual({
      id: player.id,
      name: player.name,
    });
  }
});
