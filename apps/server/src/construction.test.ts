import type { BuildResult, CancelResult, InboxMessage, Structure } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { eventually } from './testing/test-server.js';
import { accepted, contentFile, QUICK_CONTENT, universeServer } from './testing/universe-client.js';

describe('mining and construction', () => {
  const { client } = universeServer({ CONTENT: contentFile(QUICK_CONTENT) });

  it('mined ore is stored in the profile; a build spends it and everyone in the sector sees it finish', async () => {
    const builder = client('websocket', { name: 'Builder' });
    const join = accepted(await builder.join('mine-1'));
    const watcher = client('websocket', { name: 'Watcher' });
    accepted(await watcher.join('mine-1'));
    const secondTab = client('websocket', { token: builder.profileToken });
    await eventually(() => secondTab.profile(), 'second tab connected');

    const rich = await builder.mineUntil(25);
    const at = builder.shipPosition(join);
    const res = (await builder.build('station-core', at.x, at.y)) as BuildResult;
    if (!res.ok) throw new Error(res.error.message);
    expect(res.structure).toMatchObject({ kind: 'station-core', ownerId: join.playerId, state: 'building' });
    expect(res.structure.completesAt).toBeGreaterThan(res.structure.startedAt);
    // Credits are not mined, so they show the price exactly (ore keeps trickling in from the last inputs).
    await eventually(() => builder.profile()!.credits === rich.credits - 10, 'price paid');

    const seen = await eventually(
      () => watcher.structures().get(res.structure.id),
      'the watcher sees the construction',
    );
    expect(seen.state).toBe('building');
    await eventually(
      () => watcher.structures().get(res.structure.id)?.state === 'active',
      'the watcher sees it complete',
    );

    // The owner is notified once, on every connection it has.
    for (const c of [builder, secondTab]) {
      const note = await eventually(() => c.inbox()[0], 'completion notification');
      expect(note).toMatchObject<Partial<InboxMessage>>({ seq: 1, kind: 'construction.complete' });
      expect(note.text).toMatch(/^Construction complete: Station core at \(-?\d+, -?\d+\)$/);
    }
    expect(watcher.inbox()).toEqual([]);
  });

  it('refuses builds the rules forbid, with clear errors', async () => {
    const c = client();
    const join = accepted(await c.join('mine-2'));
    const at = c.shipPosition(join);
    await eventually(() => c.profile(), 'profile');
    const poor = (await c.build('station-core', at.x, at.y)) as BuildResult;
    expect(poor).toMatchObject({ ok: false, error: { code: 'INSUFFICIENT_FUNDS' } });
    const far = (await c.build('station-core', at.x + 5000, at.y)) as BuildResult;
    expect(far).toMatchObject({ ok: false, error: { code: 'INVALID_PLACEMENT' } });
    await c.mineUntil(15);
    const orphan = (await c.build('shield-module', at.x, at.y)) as BuildResult;
    expect(orphan.ok).toBe(false);
    if (!orphan.ok) expect(orphan.error.message).toMatch(/station core/i);
    const bogus = (await c.build('death-star', at.x, at.y)) as BuildResult;
    expect(bogus).toMatchObject({ ok: false, error: { code: 'INVALID_PLACEMENT' } });
  });

  it('a build sent again with its request id is the same build, paid once', async () => {
    const c = client('websocket', { name: 'Resender' });
    const join = accepted(await c.join('mine-5'));
    const rich = await c.mineUntil(25);
    const at = c.shipPosition(join);
    // Sent twice at once (a retry racing the original), then once more after both were answered.
    const [first, racing] = (await Promise.all([
      c.build('station-core', at.x, at.y, 'req-1'),
      c.build('station-core', at.x, at.y, 'req-1'),
    ])) as BuildResult[];
    const again = (await c.build('station-core', at.x, at.y, 'req-1')) as BuildResult;
    if (!first?.ok) throw new Error(`the build was refused: ${JSON.stringify(first)}`);
    for (const answer of [racing, again]) {
      expect(answer).toMatchObject({ ok: true, structure: { id: first.structure.id } });
    }
    await eventually(() => c.profile()!.credits === rich.credits - 10, 'price paid');
    const mine = [...c.structures().values()].filter((s) => s.ownerId === join.playerId);
    expect(mine.map((s) => s.id)).toEqual([first.structure.id]);
    // Without the key the same request is a new build (refused here: the spot is taken).
    const unkeyed = (await c.build('station-core', at.x, at.y)) as BuildResult;
    expect(unkeyed).toMatchObject({ ok: false, error: { code: 'INVALID_PLACEMENT' } });
    expect(c.profile()!.credits).toBe(rich.credits - 10);
  });

  it('cancelling your own build refunds it; nobody else can cancel it', async () => {
    const owner = client('websocket', { name: 'Owner' });
    const join = accepted(await owner.join('mine-3'));
    await owner.mineUntil(25);
    const at = owner.shipPosition(join);
    const core = (await owner.build('station-core', at.x, at.y)) as BuildResult;
    if (!core.ok) throw new Error(core.error.message);
    await eventually(() => owner.structures().get(core.structure.id)?.state === 'active', 'core active');
    await owner.mineUntil(15);
    const before = owner.profile()!;
    const shield = (await owner.build('shield-module', at.x + 120, at.y)) as BuildResult;
    if (!shield.ok) throw new Error(shield.error.message);

    const thief = client('websocket', { name: 'Thief' });
    accepted(await thief.join('mine-3'));
    const stolen = (await thief.cancel(shield.structure.id)) as CancelResult;
    expect(stolen).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const cancelled = (await owner.cancel(shield.structure.id)) as CancelResult;
    if (!cancelled.ok) throw new Error(cancelled.error.message);
    expect(cancelled.refund.ore).toBeGreaterThan(0);
    await eventually(
      () => owner.structures().get(shield.structure.id)?.state === 'cancelled',
      'cancellation broadcast',
    );
    const after = await eventually(() => {
      const p = owner.profile()!;
      return p.credits === before.credits - 30 + cancelled.refund.credits ? p : undefined;
    }, 'refund in profile');
    expect(after.ore).toBeGreaterThanOrEqual(before.ore - 10 + cancelled.refund.ore);
    const again = (await owner.cancel(shield.structure.id)) as CancelResult;
    expect(again.ok).toBe(false);
    expect(owner.structures().get(core.structure.id)?.state).toBe<Structure['state']>('active');
  });
});
