import { test } from '../fixtures/test.js';
import { shipOf, type TransportName } from '../support/qa-state.js';
import { expectAllSeeEachOther } from '../support/scenarios.js';
import { uniqueSector } from '../support/sector-id.js';

/** "Within seconds" is the requirement; this guard leaves ample room above it. */
const GONE_WITHIN_MS = 10_000;

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
