import type { AdminRaidResult, WorldEvent } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { AdminClient, TEST_ADMIN_TOKEN } from '../testing/admin-client.js';
import { eventually } from '../testing/test-server.js';
import { accepted, contentFile, universeServer } from '../testing/universe-client.js';

/** Raids on, far apart (nothing fires by itself), with a warning an operator's trigger can outrun. */
const CALM_RAIDS = {
  raids: { enabled: true, intervalSeconds: 3600, warningSeconds: 30, durationSeconds: 5 },
};

describe('the admin API: kick, raids and drain', () => {
  const { server, client } = universeServer({
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    CONTENT: contentFile(CALM_RAIDS),
  });

  it('kicks a player: its ship leaves at once, the client is told why and disconnected', async () => {
    const eve = client('websocket', { name: 'Eve' });
    const fay = client('polling', { name: 'Fay' });
    const e = accepted(await eve.join('console-kick'));
    accepted(await fay.join('console-kick'));
    const admin = await AdminClient.signIn(server().url, 'Operator Ada');
    await admin.overviewUntil(
      'both listed',
      (o) => o.players.filter((p) => p.sector === 'console-kick').length === 2,
    );

    const answer = await admin.post(`/players/${e.playerId}/kick`, { reason: 'griefing' });
    expect(answer).toEqual({ status: 200, body: { playerId: e.playerId, connections: 1 } });
    const told = await eventually(
      () => eve.errors.find((err) => err.code === 'KICKED'),
      'told it was kicked',
    );
    expect(told.message).toContain('griefing');
    await eventually(() => !eve.socket.connected, 'disconnected');
    await eventually(() => fay.leftPlayers().includes(e.playerId), 'the others see its ship leave');
    const after = await admin.overview();
    expect(after.players.map((p) => p.playerId)).not.toContain(e.playerId);
    expect(after.sectors.find((s) => s.id === 'console-kick')?.players).toBe(1);
    expect(after.actions[0]).toMatchObject({
      action: 'kick',
      target: e.playerId,
      by: { name: 'Operator Ada' },
      detail: '1 connection: griefing',
    });

    // Nobody to kick: nothing is logged.
    const again = await admin.post(`/players/${e.playerId}/kick`, {});
    expect(again.status).toBe(404);
    expect((await admin.overview()).actions[0]?.id).toBe(after.actions[0]?.id);
  });

  it('triggers a raid (the warning goes out now) and calls it off (no raid, the cycle goes on)', async () => {
    const gus = client('websocket', { name: 'Gus' });
    accepted(await gus.join('console-raid'));
    const admin = await AdminClient.signIn(server().url);

    const triggered = await admin.post('/raids/console-raid/trigger');
    expect(triggered.status).toBe(200);
    expect(triggered.body).toMatchObject<Partial<AdminRaidResult>>({
      sector: 'console-raid',
      outcome: 'warning',
    });
    const warning = await eventually(
      () => gus.events<WorldEvent>('world:event').find((ev) => ev.phase === 'warning'),
      'the raid warning',
      15_000,
    );
    expect(warning.sector).toBe('console-raid');
    await admin.overviewUntil(
      'the raid shown on its sector and its start pending',
      (o) =>
        o.sectors.find((s) => s.id === 'console-raid')?.raid?.phase === 'warning' &&
        o.timers.some((t) => t.kind === 'raid.start' && t.sector === 'console-raid'),
    );
    const twice = await admin.post('/raids/console-raid/trigger');
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      error: { code: 'CONFLICT', message: expect.stringContaining('announced') },
    });

    const cancelled = await admin.post('/raids/console-raid/cancel');
    expect(cancelled.body).toMatchObject({ sector: 'console-raid', outcome: 'cancelled' });
    const over = await eventually(
      () => gus.events<WorldEvent>('world:event').find((ev) => ev.phase === 'over' && ev.id === warning.id),
      'the raid called off',
    );
    expect(over.text).toMatch(/called off/);
    const overview = await admin.overviewUntil('no raid on the sector', (o) => {
      const sector = o.sectors.find((s) => s.id === 'console-raid');
      return sector && sector.raid === null && o;
    });
    const next = overview.timers.find((t) => t.key === 'raid:console-raid');
    expect(next).toMatchObject({ kind: 'raid.warning' });
    expect(next?.dueAt).toBeGreaterThan(Date.now() + 60_000);
    expect(overview.actions.slice(0, 2)).toEqual([
      expect.objectContaining({ action: 'raid.cancel', target: 'console-raid', detail: 'cancelled' }),
      expect.objectContaining({ action: 'raid.trigger', target: 'console-raid', detail: 'warning' }),
    ]);

    // None announced now: a cancel puts the next one off; a sector without a cycle has nothing to cancel.
    expect((await admin.post('/raids/console-raid/cancel')).body).toMatchObject({ outcome: 'postponed' });
    expect((await admin.post('/raids/never-opened/cancel')).status).toBe(404);
  });

  it('drains the node: it stops taking players, and says so', async () => {
    const admin = await AdminClient.signIn(server().url);
    const elsewhere = await admin.post('/drain?node=some-other-node');
    expect(elsewhere.status).toBe(409);
    expect((await fetch(`${server().url}/readyz`)).status).toBe(200);
    const answer = await admin.post(`/drain?node=${(await admin.overview()).node}`);
    expect(answer).toEqual({
      status: 202,
      body: { node: expect.any(String), draining: true, already: false },
    });
    expect((await fetch(`${server().url}/readyz`)).status).toBe(404);
    const overview = await admin.overview();
    expect(overview.draining).toBe(true);
    expect(overview.actions[0]).toMatchObject({ action: 'drain', target: overview.node });
    expect((await admin.post('/drain')).body).toMatchObject({ already: true });
  });
});
