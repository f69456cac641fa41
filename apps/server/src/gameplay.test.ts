import { Button, defaultContent, EntityKind } from '@perihelion/game';
import type { JoinAccepted } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { eventually, RawClient, startTestServer, type TransportName } from './testing/test-server.js';

function accepted(res: Awaited<ReturnType<RawClient['join']>>): JoinAccepted {
  if (!res.ok) throw new Error(`join refused: ${res.error.code} ${res.error.message}`);
  return res;
}

describe.each<TransportName>(['websocket', 'polling'])('gameplay over %s', (transport) => {
  let server: RunningServer;
  const clients: RawClient[] = [];
  const client = (auth: Record<string, unknown> = {}) => {
    const c = new RawClient(server.url, transport, auth);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    server = await startTestServer({ SECTOR_CAPACITY: '3' });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
  });

  it('a joiner gets its player, a keyframe of the world, then deltas', async () => {
    const a = client({ name: 'Alice' });
    const res = accepted(await a.join('alpha'));
    expect(res.name).toBe('Alice');
    expect(res.roster).toEqual([{ id: res.playerId, name: 'Alice', handle: res.handle }]);
    await eventually(() => a.snapshots.length >= 3, 'snapshots');
    const [first, second] = a.snapshots;
    expect(first!.baselineId).toBe(0);
    expect(first!.own).toHaveLength(5);
    expect(first!.entities.some((e) => e.kind === EntityKind.Asteroid)).toBe(true);
    a.input(0);
    await eventually(() => a.snapshots.some((s) => s.baselineId > 0), 'a delta snapshot');
    expect(second).toBeDefined();
  });

  it('players in a sector see each other move, and inputs are acknowledged', async () => {
    const a = client({ name: 'Alice' });
    const b = client({ name: 'Bob' });
    const ra = accepted(await a.join('alpha'));
    const rb = accepted(await b.join('alpha'));
    expect(rb.roster.map((r) => r.name).sort()).toEqual(['Alice', 'Bob']);
    const seeA = () => b.latest()?.entities.find((e) => e.handle === ra.handle);
    const start = await eventually(seeA, 'Bob to see Alice');
    let lastSeq = 0;
    for (let i = 0; i < 20; i++) {
      lastSeq = a.input(Button.Thrust);
      await new Promise((r) => setTimeout(r, 1000 / 30));
    }
    await eventually(() => (a.latest()?.ackSeq ?? 0) >= lastSeq, 'all inputs acknowledged');
    const own = a.latest()!.own!;
    expect(Math.hypot(own[2]!, own[3]!)).toBeGreaterThan(0);
    const moved = await eventually(() => {
      const e = seeA();
      return e && Math.hypot(e.qx - start.qx, e.qy - start.qy) > 20 ? e : undefined;
    }, 'Bob to see Alice move');
    expect(moved.kind).toBe(EntityKind.Ship);
  });

  it('a late joiner sees the players already there in its first snapshot', async () => {
    const a = client({ name: 'Alice' });
    const ra = accepted(await a.join('alpha'));
    const late = client({ name: 'Late' });
    const rl = accepted(await late.join('alpha'));
    expect(rl.roster.map((r) => r.id)).toContain(ra.playerId);
    const first = await eventually(() => late.snapshots[0], 'first snapshot');
    expect(first.entities.map((e) => e.handle)).toContain(ra.handle);
  });

  it('a player who disconnects disappears for the others', async () => {
    const a = client();
    const b = client();
    const ra = accepted(await a.join('alpha'));
    accepted(await b.join('alpha'));
    await eventually(() => b.latest()?.entities.some((e) => e.handle === ra.handle), 'Bob to see Alice');
    a.close();
    await eventually(() => b.leftPlayers().includes(ra.playerId), 'Bob told that Alice left');
    // Bob keeps acknowledging, so the removal has to travel inside a delta.
    await eventually(() => {
      b.input(0);
      const s = b.latest();
      return s && s.baselineId > 0 && !s.entities.some((e) => e.handle === ra.handle);
    }, 'Alice gone from snapshots');
  });

  it('sectors are isolated from each other', async () => {
    const a = client();
    const b = client();
    const ra = accepted(await a.join('alpha'));
    const rb = accepted(await b.join('beta'));
    await eventually(() => a.snapshots.length > 3 && b.snapshots.length > 3, 'snapshots');
    expect(
      a.snapshots
        .flatMap((s) => s.entities)
        .some((e) => e.handle === rb.handle && e.kind === EntityKind.Ship),
    ).toBe(false);
    expect(rb.roster.map((r) => r.id)).not.toContain(ra.playerId);
  });

  it('a full sector refuses with a clear error', async () => {
    for (let i = 0; i < 3; i++) accepted(await client().join('small'));
    const res = await client().join('small');
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.code).toBe('SECTOR_FULL');
      expect(res.error.message).toMatch(/full/);
    }
  });

  it('a dropped player resumes as the same player, with its ship where it was', async () => {
    const a = client({ name: 'Alice' });
    const first = accepted(await a.join('alpha'));
    for (let i = 0; i < 10; i++) a.input(Button.Thrust);
    const moved = await eventually(() => {
      const s = a.latest();
      return s && s.ackSeq >= 10 ? s.own! : undefined;
    }, 'inputs applied');
    a.socket.io.engine.close();
    await eventually(() => !a.socket.connected, 'disconnect');
    const again = client({ name: 'Alice', token: a.profileToken });
    const second = accepted(await again.join('alpha'));
    expect(second.playerId).toBe(first.playerId);
    expect(second.handle).toBe(first.handle);
    expect(second.lastInputSeq).toBe(10);
    expect(second.own).toEqual(moved);
  });

  it('enforces the speed limit whatever the client sends', async () => {
    const a = client();
    accepted(await a.join('alpha'));
    for (let i = 0; i < 80; i++) a.input(Button.Thrust);
    await new Promise((r) => setTimeout(r, 500));
    const own = a.latest()!.own!;
    expect(Math.hypot(own[2]!, own[3]!)).toBeLessThanOrEqual(defaultContent.ship.maxSpeed + 1e-3);
    // Inputs are applied at most about one per tick: 80 inputs cannot all land in half a second.
    expect(a.latest()!.ackSeq).toBeLessThan(80);
  });
});
