import { expect, test } from '../fixtures/test.js';
import { ships, type TransportName } from '../support/qa-state.js';
import { expectAllSeeEachOther, flyAndExpectSeen } from '../support/scenarios.js';
import { uniqueSector } from '../support/sector-id.js';

/** Socket.IO backs off up to a few seconds between attempts; recovery only has to happen. */
const RECOVERY_TIMEOUT_MS = 30_000;

for (const transport of ['websocket', 'polling'] as const satisfies readonly TransportName[]) {
  test(`a dropped connection recovers into the same sector (${transport})`, async ({
    players,
    faultProxy,
  }) => {
    const sector = uniqueSector(`drop-${transport}`);
    const [alice, bob] = await players.joinAll([
      { name: 'Alice', sector },
      { name: 'Bob', sector },
    ]);
    // Only Carol's traffic crosses the faulty network.
    const carol = await players.join({ name: 'Carol', sector, transport, baseUrl: faultProxy.url });
    await carol.waitForState(`uses ${transport}`, (s) => s.transport === transport);
    await expectAllSeeEachOther([alice, bob, carol]);

    await test.step('the network drops and stays down', async () => {
      faultProxy.setOffline(true);
      await carol.waitForState('notices the connection is gone', (s) => !s.connected);
    });

    await test.step('the network comes back and Carol lands in the same sector', async () => {
      faultProxy.setOffline(false);
      const recovered = await carol.waitForState(
        `reconnects into ${sector} over ${transport}`,
        (s) => s.connected && s.sector === sector && s.transport === transport && s.playerId !== null,
        { timeout: RECOVERY_TIMEOUT_MS },
      );
      // The join ack's resume secret exists so a dropped player gets their own ship back rather
      // than a new one somewhere else; a person would notice the difference.
      expect(recovered.playerId, 'Carol is the same player (same ship) again').toBe(carol.id);
    });

    await test.step('the others see exactly one Carol again, and she sees them', async () => {
      for (const observer of [alice, bob]) {
        await observer.waitForState('sees exactly one Carol, the one who reconnected', (s) => {
          const carols = ships(s).filter((ship) => ship.name === 'Carol');
          return carols.length === 1 && carols[0]?.id === carol.id;
        });
      }
      await expectAllSeeEachOther([alice, bob, carol]);
    });

    await flyAndExpectSeen(carol, [alice, bob]);
  });
}
