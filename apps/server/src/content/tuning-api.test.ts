import { readFileSync } from 'node:fs';
import type { ContentUpdate, TuningChange, TuningState, WorldEvent } from '@perihelion/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server.js';
import { freshDataDir } from '../testing/server-process.js';
import { eventually, fetchSession, startTestServer } from '../testing/test-server.js';
import { accepted, contentFile, UniverseClient } from '../testing/universe-client.js';

const ADMIN_TOKEN = 'tuning-admin-token-0123456789';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(
  server: RunningServer,
  method: 'GET' | 'POST',
  path: string,
  token?: string,
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${server.url}/api/tuning${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function maxSpeedOf(update: ContentUpdate | undefined): number | undefined {
  return (update?.content.ship as { maxSpeed: number } | undefined)?.maxSpeed;
}

describe('the tuning API (TUNING=admin)', () => {
  const servers: RunningServer[] = [];
  const clients: UniverseClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close().catch(() => {});
  });

  async function start(dataDir: string): Promise<RunningServer> {
    const server = await startTestServer({ TUNING: 'admin', ADMIN_TOKEN, DATA_DIR: dataDir });
    servers.push(server);
    return server;
  }

  it('refuses callers without a session, and players without the admin role', async () => {
    const server = await start(freshDataDir());
    expect((await call(server, 'GET', '/')).status).toBe(401);
    expect((await call(server, 'GET', '/', 'not-a-token')).status).toBe(401);
    const player = await fetchSession(server.url, { name: 'Player' });
    const refused = await call(server, 'POST', '/', player.accessToken, { set: { 'ship.maxSpeed': 100 } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const state = await call(server, 'GET', '/', ADMIN_TOKEN);
    expect((state.body as unknown as TuningState).changes).toEqual([]);
  });

  it('applies a change live for every player, audits who made it, reverts it, and keeps it across a restart', async () => {
    const dataDir = freshDataDir();
    let server = await start(dataDir);
    const admin = await fetchSession(server.url, { name: 'Designer', adminToken: ADMIN_TOKEN });
    const pilot = new UniverseClient(server.url, 'polling');
    clients.push(pilot);
    accepted(await pilot.join('tuned'));
    await eventually(() => pilot.last<ContentUpdate>('content'), 'the content on connect');

    const set = await call(server, 'POST', '/', admin.accessToken, {
      set: { 'ship.maxSpeed': 222, 'structures.station-core.buildSeconds': 42 },
      note: 'slower ships',
    });
    expect(set.status).toBe(200);
    const change = set.body.change as TuningChange;
    expect(change.by).toEqual({ playerId: admin.playerId, name: 'Designer' });
    expect(change.note).toBe('slower ships');
    expect(change.edits).toEqual(
      expect.arrayContaining([
        { path: 'ship.maxSpeed', before: 420, after: 222 },
        { path: 'structures.station-core.buildSeconds', before: 180, after: 42 },
      ]),
    );
    await eventually(() => maxSpeedOf(pilot.last<ContentUpdate>('content')) === 222, 'the tuned content');

    const state = (await call(server, 'GET', '/', ADMIN_TOKEN)).body as unknown as TuningState;
    expect(state.tuned).toEqual({ 'ship.maxSpeed': 222, 'structures.station-core.buildSeconds': 42 });
    expect(state.changes.map((c) => c.id)).toEqual([change.id]);

    // Restarted on the same store: the tuning is still in force.
    servers.splice(0);
    pilot.close();
    await server.close();
    server = await start(dataDir);
    const again = new UniverseClient(server.url, 'websocket');
    clients.push(again);
    accepted(await again.join('tuned'));
    await eventually(() => maxSpeedOf(again.last<ContentUpdate>('content')) === 222, 'the stored tuning');

    const reverted = await call(server, 'POST', `/${change.id}/revert`, ADMIN_TOKEN);
    expect(reverted.status).toBe(200);
    expect(reverted.body.change).toMatchObject({ revertOf: change.id, by: { playerId: 'admin-token' } });
    await eventually(() => maxSpeedOf(again.last<ContentUpdate>('content')) === 420, 'the reverted content');
    const after = (await call(server, 'GET', '/', ADMIN_TOKEN)).body as unknown as TuningState;
    expect(after.tuned).toEqual({});
    expect(after.changes).toHaveLength(2);
  });

  it('refuses values the content does not have or the schema does not allow, naming each', async () => {
    const server = await start(freshDataDir());
    const unknown = await call(server, 'POST', '/', ADMIN_TOKEN, {
      set: { 'ship.warpDrive': 3, 'ship.maxSpeed': 'fast' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([
      { path: 'ship.warpDrive', message: 'names no value of the content' },
      { path: 'ship.maxSpeed', message: 'must be a number, not a string' },
    ]);
    const invalid = await call(server, 'POST', '/', ADMIN_TOKEN, { set: { 'ship.maxSpeed': -1 } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues).toEqual([{ path: 'ship.maxSpeed', message: expect.any(String) }]);
    const crossField = await call(server, 'POST', '/', ADMIN_TOKEN, {
      set: { 'raids.warningSeconds': 99_999 },
    });
    expect(crossField.status).toBe(400);
    expect(crossField.body.issues).toEqual([
      { path: 'raids.intervalSeconds', message: expect.stringContaining('shorter') },
    ]);
    const empty = await call(server, 'POST', '/', ADMIN_TOKEN, { set: {} });
    expect(empty.status).toBe(400);
    expect((await call(server, 'POST', '/999/revert', ADMIN_TOKEN)).status).toBe(404);
    expect((await call(server, 'POST', '/write-back', ADMIN_TOKEN)).status).toBe(409);
    expect(((await call(server, 'GET', '/', ADMIN_TOKEN)).body as unknown as TuningState).changes).toEqual(
      [],
    );
  });
});

describe('the tuning API on a development server (TUNING=open, CONTENT_WATCH=on)', () => {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close().catch(() => {});
  });

  it('lets any player tune, and writes the tuned values back into the file that sets them', async () => {
    const file = contentFile({ ship: { maxSpeed: 300 }, raids: { enabled: false } });
    const server = await startTestServer({
      TUNING: 'open',
      CONTENT: file,
      CONTENT_WATCH: 'on',
      DATA_DIR: freshDataDir(),
    });
    servers.push(server);
    const designer = await fetchSession(server.url, { name: 'Dana' });
    const set = await call(server, 'POST', '/', designer.accessToken, { set: { 'ship.maxSpeed': 333 } });
    expect(set.status).toBe(200);
    const version = set.body.version;

    const written = await call(server, 'POST', '/write-back', designer.accessToken);
    expect(written.status).toBe(200);
    expect(written.body.written).toEqual([
      { file: expect.stringContaining('content.json'), paths: ['ship.maxSpeed'] },
    ]);
    // The value moved from the tuning into the file; the content in force did not change.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      ship: { maxSpeed: 333 },
      raids: { enabled: false },
    });
    const state = (await call(server, 'GET', '/', designer.accessToken)).body as unknown as TuningState;
    expect(state.tuned).toEqual({});
    expect(state.version).toBe(version);
    expect(state.changes[0]?.edits).toEqual([{ path: 'ship.maxSpeed', before: 333, after: 333 }]);
  });
});

describe('tuning the raid schedule', () => {
  const servers: RunningServer[] = [];
  const clients: UniverseClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close().catch(() => {});
  });

  it('moves the next raid to the new rhythm at once, instead of after the old interval', async () => {
    // An hour between raids: without the move, no warning would come during this test.
    const file = contentFile({
      raids: { enabled: true, intervalSeconds: 3600, warningSeconds: 600, durationSeconds: 60 },
    });
    const server = await startTestServer({
      TUNING: 'admin',
      ADMIN_TOKEN,
      CONTENT: file,
      DATA_DIR: freshDataDir(),
    });
    servers.push(server);
    const pilot = new UniverseClient(server.url, 'websocket');
    clients.push(pilot);
    accepted(await pilot.join('raided'));
    await eventually(() => pilot.last<ContentUpdate>('content'), 'the content on connect');

    const tuned = await call(server, 'POST', '/', ADMIN_TOKEN, {
      set: { 'raids.intervalSeconds': 6, 'raids.warningSeconds': 2, 'raids.durationSeconds': 2 },
    });
    expect(tuned.status).toBe(200);
    const warning = await eventually(
      () => pilot.events<WorldEvent>('world:event').find((e) => e.phase === 'warning'),
      'a raid warning on the tuned schedule',
      60_000,
    );
    // The tuned raid: two seconds long.
    expect(warning.endsAt - warning.startsAt).toBe(2000);
  });
});
