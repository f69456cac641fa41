import { test } from '../fixtures/test.js';
import { expectAllSeeEachOther, flyAndExpectSeen } from '../support/scenarios.js';
import { uniqueSector } from '../support/sector-id.js';

test('three players in one sector see each other, and a move by one is seen by the other two', async ({
  players,
}) => {
  const sector = uniqueSector('trio');
  const [alice, bob, carol] = await players.joinAll([
    { name: 'Alice', sector },
    { name: 'Bob', sector },
    { name: 'Carol', sector },
  ]);

  await expectAllSeeEachOther([alice, bob, carol]);
  await flyAndExpectSeen(alice, [bob, carol]);
});
