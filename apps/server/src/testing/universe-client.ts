import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Button } from '@perihelion/game';
import type { InboxMessage, JoinResult, Profile, Structure } from '@perihelion/protocol';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { RunningServer } from '../server.js';
import {
  eventually,
  RawClient,
  type RawClientAuth,
  startTestServer,
  type TransportName,
} from './test-server.js';

/** Writes a content override file (merged onto the default content by CONTENT=<file>). */
export function contentFile(overrides: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'perihelion-content-'));
  const file = join(dir, 'content.json');
  writeFileSync(file, JSON.stringify(overrides));
  return file;
}

/** Quick, cheap builds and no raids unless a test asks: the universe's rules with test timings. */
export const QUICK_CONTENT = {
  structures: {
    'station-core': { buildSeconds: 1, cost: { ore: 20, credits: 10 } },
    'shield-module': { buildSeconds: 30, cost: { ore: 10, credits: 30 } },
  },
  mining: { range: 100_000, rate: 120 },
  raids: { enabled: false },
};

/**
 * A raid cycle of a few seconds (warning after ~3 s, raid at ~5 s, over at ~8 s) with fast dragons,
 * and a free station core (hp 100, built in `buildSeconds`) for them to damage.
 */
export function raidContent(buildSeconds: number) {
  return {
    structures: { 'station-core': { buildSeconds, cost: { ore: 0, credits: 0 }, hp: 100 } },
    raids: {
      enabled: true,
      intervalSeconds: 6,
      warningSeconds: 2,
      durationSeconds: 3,
      damage: 30,
      dragonSpeed: 4000,
    },
  };
}

export type Accepted = Extract<JoinResult, { ok: true }>;

export function accepted(res: JoinResult): Accepted {
  if (!res.ok) throw new Error(`join refused: ${res.error.code} ${res.error.message}`);
  return res;
}

/** A RawClient with the universe's vocabulary: profile, structures, inbox, build and cancel. */
export class UniverseClient extends RawClient {
  constructor(url: string, transport: TransportName = 'websocket', auth: RawClientAuth = {}) {
    super(url, transport, auth);
  }

  profile(): Profile | undefined {
    return this.last<Profile>('profile');
  }

  inbox(): InboxMessage[] {
    return this.events<InboxMessage>('inbox');
  }

  /**
   * Newest state per structure id. Lists come after each join and upserts after changes; within
   * one connection they arrive in the order sent, so list entries first, then upserts, is exact
   * for a test that joins once.
   */
  structures(): Map<string, Structure> {
    const out = new Map<string, Structure>();
    const ordered: Structure[] = [];
    for (const p of this.events<{ structures: Structure[] }>('structures')) ordered.push(...p.structures);
    for (const s of this.events<Structure>('structure')) ordered.push(s);
    for (const s of ordered) out.set(s.id, s);
    return out;
  }

  build(kind: string, x: number, y: number, requestId?: string): Promise<unknown> {
    return this.socket
      .timeout(10_000)
      .emitWithAck('build', { kind, x, y, ...(requestId ? { requestId } : {}) });
  }

  cancel(id: string): Promise<unknown> {
    return this.socket.timeout(10_000).emitWithAck('cancel', { id });
  }

  ack(upTo: number): void {
    this.socket.emit('inbox:ack', { upTo });
  }

  /** Holds the mine key until the stored profile shows at least `ore`. */
  async mineUntil(ore: number): Promise<Profile> {
    const timer = setInterval(() => this.input(Button.Mine), 33);
    try {
      return await eventually(
        () => {
          const p = this.profile();
          return p && p.ore >= ore ? p : undefined;
        },
        `${ore} ore mined`,
        15_000,
      );
    } finally {
      clearInterval(timer);
    }
  }

  /** Where the server has this player's ship (from the newest snapshot, else the join). */
  shipPosition(join: Accepted): { x: number; y: number } {
    const own = this.latest()?.own ?? join.own;
    return { x: own[0]!, y: own[1]! };
  }
}

/**
 * One server for a test file (started before, closed after) and a factory for clients that are
 * closed after each test.
 */
export function universeServer(env: Record<string, string> = {}) {
  let running: RunningServer | null = null;
  const clients: UniverseClient[] = [];
  beforeAll(async () => {
    running = await startTestServer(env);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await running?.close();
  });
  const server = (): RunningServer => {
    if (!running) throw new Error('the test server is not running (use it inside a test)');
    return running;
  };
  return {
    server,
    client(transport: TransportName = 'websocket', auth: RawClientAuth = {}): UniverseClient {
      const c = new UniverseClient(server().url, transport, auth);
      clients.push(c);
      return c;
    },
  };
}
