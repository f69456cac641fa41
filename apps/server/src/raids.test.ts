import { EntityKind } from '@perihelion/game';
import type { BuildResult, InboxMessage, WorldEvent } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { eventually } from './testing/test-server.js';
import { accepted, contentFile, raidContent, universeServer } from './testing/universe-client.js';

describe('world events: space dragon raids', () => {
  const { client } = universeServer({ CONTENT: contentFile(raidContent(0.5)) });

  it('are announced ahead, fly through the sector, and damage unshielded structures', async () => {
    const pilot = client('websocket', { name: 'Lookout' });
    const join = accepted(await pilot.join('raided'));
    const at = pilot.shipPosition(join);
    const built = (await pilot.build('station-core', at.x, at.y)) as BuildResult;
    if (!built.ok) throw new Error(built.error.message);

    const warning = await eventually(
      () => pilot.events<WorldEvent>('world:event').find((e) => e.phase === 'warning'),
      'raid warning',
      15_000,
    );
    expect(warning.text).toMatch(/dragons/i);
    expect(warning.startsAt).toBeGreaterThan(Date.now() - 1000);
    await eventually(
      () => pilot.events<WorldEvent>('world:event').find((e) => e.phase === 'active' && e.id === warning.id),
      'raid starts',
      15_000,
    );
    await eventually(
      () => pilot.latest()?.entities.some((e) => e.kind === EntityKind.Dragon),
      'dragons in the snapshots',
    );
    await eventually(
      () => pilot.events<WorldEvent>('world:event').find((e) => e.phase === 'over' && e.id === warning.id),
      'raid over',
      15_000,
    );
    const hit = await eventually(() => pilot.inbox().find((n) => n.kind === 'raid.damaged'), 'damage notice');
    expect(hit).toMatchObject<Partial<InboxMessage>>({
      data: expect.objectContaining({ structureId: built.structure.id }),
    });
    await eventually(
      () => pilot.structures().get(built.structure.id)?.hp === 70,
      'structure damaged for everyone',
    );
    await eventually(
      () => !pilot.latest()?.entities.some((e) => e.kind === EntityKind.Dragon),
      'dragons gone',
    );
  });
});
