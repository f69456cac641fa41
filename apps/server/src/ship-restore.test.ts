import { Button } from '@perihelion/game';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { freshDataDir } from './testing/server-process.js';
import { eventually, startTestServer } from './testing/test-server.js';
import { accepted, UniverseClient } from './testing/universe-client.js';

describe('a restart of a single node', () => {
  const servers: RunningServer[] = [];
  const clients: UniverseClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close().catch(() => {});
  });

  it('puts every ship back where it was: same place, same handle, its inputs go on from the last one applied', async () => {
    const dataDir = freshDataDir();
    const first = await startTestServer({ DATA_DIR: dataDir, NODE_ID: 'before' });
    servers.push(first);
    const pilot = new UniverseClient(first.url, 'websocket', { name: 'Stayer' });
    clients.push(pilot);
    const join = accepted(await pilot.join('home-port'));
    for (let i = 0; i < 20; i++) pilot.input(Button.Thrust | Button.Left);
    const moved = await eventually(() => {
      const latest = pilot.latest();
      return latest?.ackSeq === 20 ? latest.own : undefined;
    }, 'all 20 inputs applied');
    expect(moved?.slice(0, 2)).not.toEqual(join.own.slice(0, 2));
    // A resting wanderer, too: dropped without a goodbye, its ship waits out the resume grace.
    const idle = new UniverseClient(first.url, 'polling', { name: 'Napper' });
    clients.push(idle);
    const idleJoin = accepted(await idle.join('home-port'));
    idle.socket.io.engine.close();
    await eventually(
      () => first.realtime.sessions.get(idleJoin.playerId)?.saved !== null,
      'saved for a resume',
    );

    servers.splice(0);
    await first.close();
    const second = await startTestServer({ DATA_DIR: dataDir, NODE_ID: 'after' });
    servers.push(second);
    const back = new UniverseClient(second.url, 'polling', { token: pilot.profileToken });
    clients.push(back);
    const again = accepted(await back.join('home-port'));
    expect(again.handle).toBe(join.handle);
    expect(again.lastInputSeq).toBe(20);
    expect(again.own).toHaveLength(moved?.length ?? -1);
    for (const [i, value] of again.own.entries()) expect(value).toBeCloseTo(moved?.[i] ?? Number.NaN, 3);

    const napper = new UniverseClient(second.url, 'websocket', { token: idle.profileToken });
    clients.push(napper);
    const napperBack = accepted(await napper.join('home-port'));
    expect(napperBack.handle).toBe(idleJoin.handle);
    expect(napperBack.own).toEqual(idleJoin.own);
  });
});
