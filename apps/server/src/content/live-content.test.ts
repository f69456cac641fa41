import { writeFileSync } from 'node:fs';
import { Button } from '@perihelion/game';
import type { ContentProblem, ContentUpdate } from '@perihelion/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server.js';
import { freshDataDir } from '../testing/server-process.js';
import { eventually, startTestServer } from '../testing/test-server.js';
import { accepted, contentFile, UniverseClient } from '../testing/universe-client.js';

/** The speed of the client's ship as the server last reported it. */
function speed(client: UniverseClient): number {
  const own = client.latest()?.own ?? [];
  return Math.hypot(own[2] ?? 0, own[3] ?? 0);
}

/** Thrusts `steps` inputs and waits until the server has applied all of them. */
async function thrust(client: UniverseClient, steps: number): Promise<void> {
  let seq = 0;
  for (let i = 0; i < steps; i++) seq = client.input(Button.Thrust);
  await eventually(() => (client.latest()?.ackSeq ?? 0) >= seq, `input ${seq} applied`, 15_000);
}

function contentOf(client: UniverseClient): ContentUpdate | undefined {
  return client.last<ContentUpdate>('content');
}

describe('live content: saved edits of the content file (CONTENT_WATCH=on)', () => {
  const servers: RunningServer[] = [];
  const clients: UniverseClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close().catch(() => {});
  });

  async function start(file: string): Promise<RunningServer> {
    const server = await startTestServer({ CONTENT: file, CONTENT_WATCH: 'on', DATA_DIR: freshDataDir() });
    servers.push(server);
    return server;
  }

  function client(server: RunningServer, transport: 'websocket' | 'polling'): UniverseClient {
    const c = new UniverseClient(server.url, transport);
    clients.push(c);
    return c;
  }

  it('apply to the running sector and reach every connection, with no reconnect', async () => {
    const file = contentFile({ ship: { maxSpeed: 400, thrust: 2000 } });
    const server = await start(file);
    const pilot = client(server, 'websocket');
    const watcher = client(server, 'polling');
    const disconnects: string[] = [];
    for (const c of [pilot, watcher]) c.socket.on('disconnect', (reason) => disconnects.push(reason));
    accepted(await pilot.join('tuning'));
    accepted(await watcher.join('tuning'));
    const first = await eventually(() => contentOf(pilot), 'the content on connect');
    expect((first.content.ship as { maxSpeed: number }).maxSpeed).toBe(400);
    await thrust(pilot, 90);
    expect(speed(pilot)).toBeCloseTo(400, 1);

    writeFileSync(file, JSON.stringify({ ship: { maxSpeed: 150, thrust: 2000 } }));
    for (const c of [pilot, watcher]) {
      const update = await eventually(() => {
        const u = contentOf(c);
        return u && u.version !== first.version ? u : undefined;
      }, 'the edited content');
      expect((update.content.ship as { maxSpeed: number }).maxSpeed).toBe(150);
    }
    await thrust(pilot, 5);
    expect(speed(pilot)).toBeCloseTo(150, 1);
    expect(disconnects).toEqual([]);
    expect(pilot.errors).toEqual([]);
  });

  it('keep the last good content on an invalid edit, tell every page what is wrong, and clear once fixed', async () => {
    const file = contentFile({ ship: { maxSpeed: 300 } });
    const server = await start(file);
    const pilot = client(server, 'websocket');
    accepted(await pilot.join('broken'));
    const good = await eventually(() => contentOf(pilot), 'the content on connect');

    writeFileSync(file, JSON.stringify({ ship: { maxSpeed: -5 } }));
    const problem = await eventually(() => pilot.last<ContentProblem>('content:problem'), 'the problem');
    expect(problem?.source).toContain('content.json');
    expect(problem?.issues).toEqual([
      { path: 'ship.maxSpeed', message: expect.stringMatching(/>0|positive|greater/i) },
    ]);
    // The sector runs on, with the last good content.
    const tick = pilot.latest()?.tick ?? 0;
    await eventually(() => (pilot.latest()?.tick ?? 0) > tick + 10, 'ticks going on');
    expect(contentOf(pilot)?.version).toBe(good.version);
    // A late joiner hears of the problem too.
    const late = client(server, 'polling');
    accepted(await late.join('broken'));
    await eventually(() => late.last<ContentProblem>('content:problem'), 'the problem, on connect');

    writeFileSync(file, '{ "ship": { "maxSpeed": 300 ');
    const syntax = await eventually(() => {
      const p = pilot.last<ContentProblem>('content:problem');
      return p?.issues[0]?.path === '' ? p : undefined;
    }, 'the syntax problem');
    expect(syntax?.issues[0]?.message).toMatch(/not valid JSON.*line 1/);

    writeFileSync(file, JSON.stringify({ ship: { maxSpeed: 250 } }));
    await eventually(() => pilot.last<ContentProblem>('content:problem') === null, 'the problem cleared');
    await eventually(
      () => (contentOf(pilot)?.content.ship as { maxSpeed: number } | undefined)?.maxSpeed === 250,
      'the fixed content',
    );
  });
});
