import type { GameClient, TransportName } from '@perihelion/client';
import { createScratchDatabase, postgresSkipReason, TEST_DATABASE_URL } from '@perihelion/db/testing';
import {
  dropRedisPrefix,
  redisSkipReason,
  TEST_REDIS_URL,
  testRedisPrefix,
} from '@perihelion/engine/testing';
import { directChannel, PUBLISH_API_PREFIX } from '@perihelion/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from './server.js';
import { connectGameClient } from './testing/game-clients.js';
import { eventually, eventuallyAsync, startTestServer } from './testing/test-server.js';

const pgSkip = await postgresSkipReason();
if (pgSkip) console.warn(`[skip] messaging across nodes: ${pgSkip}`);
const redisSkip = await redisSkipReason();
const API_KEY = 'api-key-for-the-cluster-tests';
/** Guards for conditions that cross Redis and PostgreSQL, on a busy machine too. */
const GUARD_MS = 60_000;

const offsetsOf = (client: GameClient, channel: string) =>
  client.chat.subscription(channel)?.messages.map((m) => m.offset) ?? [];
const textsOf = (client: GameClient, channel: string) =>
  client.chat.subscription(channel)?.messages.map((m) => `${m.sender.name}: ${m.text}`) ?? [];

describe.skipIf(pgSkip !== null || redisSkip !== null)(
  'chat and notifications across two nodes (PostgreSQL and Redis)',
  () => {
    const prefix = testRedisPrefix();
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | null = null;
    const nodes: RunningServer[] = [];
    const clients: GameClient[] = [];

    beforeAll(async () => {
      scratch = await createScratchDatabase(TEST_DATABASE_URL);
      const shared = {
        DATABASE_URL: scratch.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        AUTH_SECRET: 'one-secret-for-every-node-of-this-test-cluster',
        API_KEY,
        PRESENCE_GRACE_MS: '200',
      };
      // One after the other: the second finds the schema migrated.
      nodes.push(await startTestServer({ ...shared, NODE_ID: 'node-a' }));
      nodes.push(await startTestServer({ ...shared, NODE_ID: 'node-b' }));
    });
    afterEach(() => {
      for (const c of clients.splice(0)) c.close();
    });
    afterAll(async () => {
      for (const node of nodes.splice(0)) await node.close().catch(() => {});
      await scratch?.drop();
      if (!redisSkip) await dropRedisPrefix(TEST_REDIS_URL, prefix);
    });

    const player = (node: RunningServer, name: string, transport: TransportName) =>
      connectGameClient(clients, { url: node.url, sector: `cluster-${name.toLowerCase()}`, name, transport });
    const inSector = async (...players: GameClient[]) => {
      for (const c of players) {
        await eventually(() => c.playerId !== null && c.status === 'connected', 'in the sector', GUARD_MS);
      }
    };
    /** A request to the publish API of one node. */
    const publishApi = (node: RunningServer, path: string, body: unknown) =>
      fetch(`${node.url}${PUBLISH_API_PREFIX}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it.each<TransportName>(['websocket', 'polling'])(
      'messages posted on either node reach the players on both, each once and in the same order (%s)',
      async (transport) => {
        const [a, b] = nodes as [RunningServer, RunningServer];
        const ada = player(a, 'Ada', transport);
        const bob = player(b, 'Bob', transport);
        for (const c of [ada, bob]) {
          await eventually(() => c.chat.subscription('global')?.state === 'live', 'global is live', GUARD_MS);
        }
        // Texts of this run only: the channel keeps what earlier tests posted.
        const tag = `${transport}-${Date.now()}`;
        const sends: Promise<unknown>[] = [];
        for (let i = 0; i < 5; i++) {
          sends.push(ada.chat.publish('global', `${tag} ada ${i}`));
          sends.push(bob.chat.publish('global', `${tag} bob ${i}`));
        }
        await Promise.all(sends);
        const ours = (c: GameClient) =>
          (c.chat.subscription('global')?.messages ?? []).filter((m) => m.text.startsWith(tag));
        for (const c of [ada, bob])
          await eventually(() => ours(c).length === 10, 'all ten messages', GUARD_MS);
        // Every offset of the channel once, in order, and the same stream on both nodes.
        for (const c of [ada, bob]) {
          const offsets = offsetsOf(c, 'global');
          expect(offsets).toEqual(offsets.map((_, i) => i + 1));
        }
        expect(ours(bob).map((m) => [m.offset, m.text])).toEqual(ours(ada).map((m) => [m.offset, m.text]));
        // Each player's own messages in the order they sent them.
        const texts = ours(ada).map((m) => m.text);
        for (const who of ['ada', 'bob']) {
          expect(texts.filter((t) => t.includes(` ${who} `))).toEqual(
            [0, 1, 2, 3, 4].map((i) => `${tag} ${who} ${i}`),
          );
        }
      },
    );

    it('a player with a tab on each node pilots from the newest, gets each notification on both, once, and is one presence', async () => {
      const [a, b] = nodes as [RunningServer, RunningServer];
      const first = player(a, 'Twin', 'websocket');
      await inSector(first);
      const second = connectGameClient(clients, {
        url: b.url,
        sector: 'cluster-twin-2',
        name: 'Twin',
        transport: 'polling',
        token: first.token ?? '',
      });
      await eventually(() => second.status === 'connected', 'second tab in its sector', GUARD_MS);
      expect(second.playerId).toBe(first.playerId);
      // One avatar per player across the cluster: the first tab is displaced, as on one node.
      await eventually(() => first.status === 'standby', 'the first tab displaced', GUARD_MS);
      const shown = new Map<GameClient, number[]>([
        [first, []],
        [second, []],
      ]);
      for (const [tab, seqs] of shown) tab.on('notification', (n) => seqs.push(n.seq));
      const sent: number[] = [];
      for (const [node, text] of [
        [a, 'from a'],
        [b, 'from b'],
      ] as const) {
        const res = await publishApi(node, `/players/${first.playerId}/messages`, { text });
        expect(res.status).toBe(202);
        sent.push(((await res.json()) as { seq: number }).seq);
      }
      for (const seqs of shown.values()) {
        await eventually(() => seqs.length >= 2, 'both notifications on the tab', GUARD_MS);
        expect(seqs.filter((seq) => sent.includes(seq))).toEqual(sent);
      }
      // One presence in global on either node, though the player has a connection on each: listed
      // once, and counted once (every player present is listed: the channel has fewer than 50).
      for (const tab of [first, second]) {
        await eventually(
          () => {
            const global = tab.chat.subscription('global');
            return (
              global?.presence.has(first.playerId ?? '') && global.presenceCount === global.presence.size
            );
          },
          'one presence, counted once',
          GUARD_MS,
        );
      }
    });

    it('a direct message from a player on one node opens the conversation for its peer on the other', async () => {
      const [a, b] = nodes as [RunningServer, RunningServer];
      const ada = player(a, 'Ada', 'websocket');
      const bob = player(b, 'Bob', 'websocket');
      await inSector(ada, bob);
      await ada.chat.sendDirect(bob.playerId!, 'psst, Bob');
      const dm = directChannel(ada.playerId!, bob.playerId!);
      await eventually(() => textsOf(bob, dm).length === 1, 'the direct message on the other node', GUARD_MS);
      expect(textsOf(bob, dm)).toEqual(['Ada: psst, Bob']);
      expect(bob.chat.directory.find((c) => c.name === dm)?.peer?.name).toBe('Ada');
    });

    it('the publish API of one node reaches subscribers on both', async () => {
      const [a, b] = nodes as [RunningServer, RunningServer];
      const ada = player(a, 'Ada', 'websocket');
      const bob = player(b, 'Bob', 'polling');
      for (const c of [ada, bob]) {
        await eventually(
          () => c.chat.subscription('announcements')?.state === 'live',
          'announcements',
          GUARD_MS,
        );
      }
      const res = await publishApi(b, '/channels/announcements/messages', { text: 'Dragons over node B' });
      expect(res.status).toBeLessThan(300);
      for (const c of [ada, bob]) {
        await eventually(
          () => textsOf(c, 'announcements').some((t) => t.endsWith('Dragons over node B')),
          'the announcement',
          GUARD_MS,
        );
      }
    });

    it.each<TransportName>(['websocket', 'polling'])(
      'a notification stored on one node reaches the player live on the other, once (%s)',
      async (transport) => {
        const [a, b] = nodes as [RunningServer, RunningServer];
        const cyd = player(b, 'Cyd', transport);
        await inSector(cyd);
        const got: string[] = [];
        cyd.on('notification', (n) => got.push(`${n.seq} ${n.kind}: ${n.text}`));
        const res = await publishApi(a, `/players/${cyd.playerId}/messages`, {
          text: 'Auction won',
          kind: 'auction',
        });
        expect(res.status).toBe(202);
        const { seq } = (await res.json()) as { seq: number };
        await eventually(() => got.length > 0, 'the notification on the other node', GUARD_MS);
        expect(got).toEqual([`${seq} auction: Auction won`]);
      },
    );

    it("Socket.IO's adapter sees the connections of both nodes (fetchSockets)", async () => {
      const [a, b] = nodes as [RunningServer, RunningServer];
      const ada = player(a, 'Ada', 'websocket');
      const bob = player(b, 'Bob', 'polling');
      await inSector(ada, bob);
      // Only these two players are connected now (earlier tests' clients are gone): one on each node,
      // and each node counts both. Without the adapter each would count its own only.
      await eventuallyAsync(
        async () => {
          const counts = await Promise.all(
            [a, b].map(
              async (node) => (await node.realtime.io.of('/chat').timeout(GUARD_MS).fetchSockets()).length,
            ),
          );
          return counts.every((n) => n === 2);
        },
        'both connections seen from both nodes',
        GUARD_MS,
      );
    });
  },
);
