import { test } from '../fixtures/test.js';
import { shipOf, ships } from '../support/qa-state.js';
import { expectAllSeeEachOther } from '../support/scenarios.js';
import { uniqueSector } from '../support/sector-id.js';
import { expectStateStays } from '../support/wait-for-state.js';

/** Long enough for dozens of snapshots: a leak between sectors would show within it. */
const OBSERVE_MS = 3_000;

test('players in two sectors do not see each other', async ({ players }) => {
  const red = uniqueSector('red');
  const blue = uniqueSector('blue');
  // Two players per sector, so each sector is proven to be live before we rely on an absence.
  const redTeam = await players.joinAll([
    { name: 'Rita', sector: red },
    { name: 'Rolf', sector: red },
  ]);
  const blueTeam = await players.joinAll([
    { name: 'Bea', sector: blue },
    { name: 'Bo', sector: blue },
  ]);
  await expectAllSeeEachOther(redTeam);
  await expectAllSeeEachOther(blueTeam);

  const watches = [
    { team: redTeam, others: blueTeam, sector: red },
    { team: blueTeam, others: redTeam, sector: blue },
  ].flatMap(({ team, others, sector }) => {
    const foreignIds = new Set(others.map((p) => p.id));
    const foreignNames = new Set(others.map((p) => p.name));
    return team.map((viewer) => {
      const mates = team.filter((p) => p !== viewer);
      // Seeing the teammate in every sample shows the view is live, so the absence means something.
      return expectStateStays(
        viewer.page,
        `${viewer.name} stays in ${sector}, sees ${mates.map((p) => p.name).join(', ')}, never ${[...foreignNames].join(' or ')}`,
        (s) =>
          s.connected &&
          s.sector === sector &&
          mates.every((mate) => !!shipOf(s, mate.id)) &&
          ships(s).every((ship) => !foreignIds.has(ship.id) && !foreignNames.has(ship.name ?? '')),
        OBSERVE_MS,
      );
    });
  });
  await Promise.all(watches);
});
