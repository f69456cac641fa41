import { test } from '../fixtures/test.js';
import { shipOf, type TransportName } from '../support/qa-state.js';
import { expectAllSeeEachOther } from '../support/scenarios.js';
import { uniqueSector } from '../support/sector-id.js';

/**
 * A failure guard, not a speed requirement: generous for a busy machine, and still well under the
 * server's resume grace (RESUME_GRACE_MS, 60 s by default), during which a ship whose connection
 * merely dropped waits for its player. Only the tab's leave signal can make Dana vanish within it.
 */
const GONE_WITHIN_MS = 30_000;

for (const transport of ['websocket', 'polling'] as const satisfies readonly TransportName[]) {
  test(`a player who closes the tab disappears for the others (${transport})`, async ({ players }) => {
    const sector = uniqueSector(`leave-${transport}`);
    const [alice, bob, dana] = await players.joinAll([
      { name: 'Alice', sector },
      { name: 'Bob', sector },
      { name: 'Dana', sector, transport },
    ]);
    await dana.waitForState(`uses ${transport}`, (s) => s.transport === transport);
    await expectAllSeeEachOther([alice, bob, dana]);

    const danaId = dana.id;
    await dana.closeTab();

    // Still connected and still seeing each other: an observer whose own view went blank would
    // "not see Dana" too, and prove nothing.
    await Promise.all(
      [
        { observer: alice, other: bob },
        { observer: bob, other: alice },
      ].map(({ observer, other }) =>
        observer.waitForState(
          `no longer sees Dana, still sees ${other.name}`,
          (s) => s.connected && !shipOf(s, danaId) && !!shipOf(s, other.id),
          { timeout: GONE_WITHIN_MS },
        ),
      ),
    );
  });
}
