import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GameClient } from '@perihelion/client';
import { createScratchDatabase, postgresSkipReason, TEST_DATABASE_URL } from '@perihelion/db/testing';
import { dropRedisPrefix, redisSkipReason, TEST_REDIS_URL } from '@perihelion/engine/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../testing/free-port.js';
import { connectGameClient } from '../testing/game-clients.js';
import { eventually, eventuallyAsync } from '../testing/test-server.js';
import { haproxySkipReason } from './haproxy-test-support.js';

const serverDir = fileURLToPath(new URL('../../', import.meta.url));
const orphanGuard = new URL('../../../../scripts/orphan-guard.mjs', import.meta.url).href;
const GUARD_MS = 120_000;

/** `pnpm cluster`'s command, as its own process (with the guard that ends it if we die). */
class ClusterCommand {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', orphanGuard, 'src/cluster/local-cluster-cli.ts', ...args],
      { cwd: serverDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    this.child.channel?.unref();
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get text(): string {
    return this.output.join('');
  }

  interrupt(): void {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** A stand-in for the built page: the command only checks that one is there. */
function fakeWebDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'perihelion-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Perihelion</title>');
  return dir;
}

describe('pnpm cluster', () => {
  const running: ClusterCommand[] = [];
  afterEach(async () => {
    for (const command of running.splice(0)) {
      command.interrupt();
      const timer = setTimeout(() => command.kill(), 60_000);
      await command.exited;
      clearTimeout(timer);
    }
  });

  it('says what is missing, and how to get it, when PostgreSQL or Redis cannot be reached', async () => {
    const command = new ClusterCommand(['--nodes', '2'], {
      DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/perihelion',
      REDIS_URL: 'redis://127.0.0.1:1',
      WEB_DIST: fakeWebDist(),
    });
    running.push(command);
    expect(await command.exited).toBe(1);
    expect(command.text).toMatch(/pnpm cluster cannot start/);
    expect(command.text).toMatch(
      /PostgreSQL is not reachable at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/perihelion/,
    );
    expect(command.text).toMatch(
      /Redis is not reachable at redis:\/\/127\.0\.0\.1:1.*start it \(redis-server\), or set REDIS_URL/,
    );
    expect(command.text).not.toContain('secret');
  });

  it('refuses a bad node count with its usage', async () => {
    const command = new ClusterCommand(['--nodes', 'many'], {});
    running.push(command);
    expect(await command.exited).toBe(2);
    expect(command.text).toMatch(/--nodes takes 1 to 16[\s\S]*usage: pnpm cluster/);
  });
});

const skip = (await postgresSkipReason()) ?? (await redisSkipReason()) ?? haproxySkipReason();

describe.skipIf(skip !== null)('pnpm cluster on this machine', () => {
  const clients: GameClient[] = [];
  let command: ClusterCommand | null = null;
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    if (command) {
      command.interrupt();
      const timer = setTimeout(() => command?.kill(), 60_000);
      await command.exited;
      clearTimeout(timer);
    }
  });

  it('serves the game on one port from two nodes, and Ctrl-C stops every process it started', async () => {
    const scratch = await createScratchDatabase(TEST_DATABASE_URL);
    const prefix = `perihelion-cluster-cmd-${process.pid}:`;
    try {
      const port = await freePort();
      command = new ClusterCommand(['--nodes', '2', '--port', String(port)], {
        DATABASE_URL: scratch.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        WEB_DIST: fakeWebDist(),
        ADMIN_TOKEN: 'admin-token-for-pnpm-cluster',
      });
      const c = command;
      await eventually(() => c.text.includes('Perihelion cluster:'), 'the cluster to start', GUARD_MS);
      const url = `http://127.0.0.1:${port}`;
      expect((await fetch(`${url}/`)).status).toBe(200);
      const player = connectGameClient(clients, { url, sector: 'cluster-command', name: 'Tess' });
      await eventually(() => player.status === 'connected', 'a player in the game', GUARD_MS);
      expect(['node-1', 'node-2']).toContain(player.node);
      // Each node hears the other's load report within a second or so.
      await eventuallyAsync(
        async () => {
          const view = await fetch(`${url}/api/admin/cluster`, {
            headers: { authorization: 'Bearer admin-token-for-pnpm-cluster' },
          });
          return ((await view.json()) as { nodes: unknown[] }).nodes.length === 2;
        },
        'both nodes in the cluster view',
        GUARD_MS,
      );

      player.close();
      c.interrupt();
      expect(await c.exited).toBe(0);
      command = null;
      // Nothing it started answers any more: the port (HAProxy) and the nodes' ports are closed.
      const nodePorts = [...c.text.matchAll(/node-\d on :(\d+)/g)].map((m) => Number(m[1]));
      expect(nodePorts).toHaveLength(2);
      for (const p of [port, ...nodePorts]) {
        await expect(fetch(`http://127.0.0.1:${p}/healthz`)).rejects.toThrow();
      }
    } finally {
      await scratch.drop();
      await dropRedisPrefix(TEST_REDIS_URL, prefix);
    }
  });
});
