import { expect, type Page, test } from '@playwright/test';
import { type QaState, readState, summarizeState } from './qa-state.js';

export interface WaitOptions {
  /** A failure guard, not a benchmark: generous on purpose. */
  timeout?: number;
}

export const DEFAULT_STATE_TIMEOUT_MS = 20_000;
const POLL_INTERVALS_MS = [50, 100, 200];

/**
 * Polls window.__QA__.state() until `predicate` holds and returns that state. On timeout the error
 * names what was awaited and shows the last state seen, which is usually the whole diagnosis.
 */
export async function waitForState(
  page: Page,
  description: string,
  predicate: (state: QaState) => boolean,
  options: WaitOptions = {},
): Promise<QaState> {
  return test.step(
    description,
    async () => {
      // A holder object, because a `let` assigned inside the callback stays narrowed to null.
      const found: { state?: QaState } = {};
      await expect(async () => {
        const state = await readState(page);
        const ok = state !== null && predicate(state);
        expect(ok, `${description}\n  last state: ${summarizeState(state)}`).toBe(true);
        if (state) found.state = state;
      }).toPass({ timeout: options.timeout ?? DEFAULT_STATE_TIMEOUT_MS, intervals: POLL_INTERVALS_MS });
      if (!found.state) throw new Error(`waitForState(${description}): matched without a state`);
      return found.state;
    },
    { box: true },
  );
}

/**
 * Samples the state for `durationMs` and fails at the first sample where `invariant` does not
 * hold. For properties that must stay true ("never sees the other sector"), where waiting for them
 * once would prove nothing.
 */
export async function expectStateStays(
  page: Page,
  description: string,
  invariant: (state: QaState) => boolean,
  durationMs: number,
): Promise<void> {
  await test.step(
    description,
    async () => {
      const until = Date.now() + durationMs;
      do {
        const state = await readState(page);
        expect(state !== null && invariant(state), `${description}\n  state: ${summarizeState(state)}`).toBe(
          true,
        );
        await page.waitForTimeout(100);
      } while (Date.now() < until);
    },
    { box: true },
  );
}
