import { expect, test } from '../fixtures/test.js';
import { expectAllSeeEachOther, flyAndExpectSeen } from '../support/scenarios.js';
import { uniqueSector } from '../support/sector-id.js';

test('a player forced onto long-polling plays the same game as the others', async ({ players }) => {
  const sector = uniqueSector('polling');
  const [alice, bob, carol] = await players.joinAll([
    { name: 'Alice', sector, transport: 'websocket' },
    { name: 'Bob', sector, transport: 'polling' },
    // No transport parameter: the default, WebSocket first.
    { name: 'Carol', sector },
  ]);

  await bob.waitForState('uses long-polling', (s) => s.transport === 'polling');
  await alice.waitForState('uses WebSocket', (s) => s.transport === 'websocket');
  await carol.waitForState('ends up on WebSocket by default', (s) => s.transport === 'websocket');

  await expectAllSeeEachOther([alice, bob, carol]);
  await flyAndExpectSeen(bob, [alice, carol]);
  await flyAndExpectSeen(alice, [bob, carol]);

  await test.step('Bob stayed on long-polling throughout', async () => {
    expect((await bob.state()).transport).toBe('polling');
  });
});
