import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sessionResponseSchema } from '@perihelion/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GameServer } from '../testing/server-process.js';
import { compileServer } from './compile.js';
import { COMPILED_ENTRY, COMPILED_NODE_ARGS } from './compiled-entry.js';

const webIndex = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));
const serverManifest = fileURLToPath(new URL('../../package.json', import.meta.url));

async function postSession(url: string, body: Record<string, string>): Promise<unknown> {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

/*
 * What `pnpm start` runs: the server compiled by `pnpm build` (about a second), started with
 * plain node (no tsx) on a fresh PGlite directory. It must find what it finds at run time beside
 * its sources: the database migrations, the built page, the game's content.
 */
describe('the compiled server', () => {
  let server: GameServer | null = null;

  beforeAll(async () => {
    const compiled = await compileServer();
    expect(compiled.problems).toEqual([]);
    server = await GameServer.start({ compiled: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is what `pnpm start` runs', () => {
    const manifest = JSON.parse(readFileSync(serverManifest, 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.start).toBe(['node', ...COMPILED_NODE_ARGS, COMPILED_ENTRY].join(' '));
  });

  it('answers /healthz and /readyz', async () => {
    const url = server!.url;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', players: 0 });
    const ready = await fetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toMatchObject([200, { ready: true }]);
  });

  it('creates a guest and knows it again: the migrations found and applied', async () => {
    const url = server!.url;
    const guest = sessionResponseSchema.parse(await postSession(url, { name: 'Ada' }));
    expect(guest.name).toBe('Ada');
    const again = sessionResponseSchema.parse(await postSession(url, { profileToken: guest.profileToken }));
    expect(again.playerId).toBe(guest.playerId);
  });

  it('serves the built page from apps/web/dist, or says it is not built', async () => {
    const res = await fetch(`${server!.url}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    if (existsSync(webIndex)) {
      expect(html).toBe(readFileSync(webIndex, 'utf8'));
    } else {
      // Not built here (vitest runs before `pnpm build` in a fresh clone): the server looked in
      // the right place all the same, and names it.
      expect(html).toContain('The web client is not built');
      const warning = server!.output.find((line) => line.includes('web client not built'));
      expect(warning).toContain(JSON.stringify(fileURLToPath(new URL('../../../web/dist', import.meta.url))));
    }
  });
});
