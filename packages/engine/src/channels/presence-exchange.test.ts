import type { PresenceEntry } from '@perihelion/protocol';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { RedisBus } from '../cluster/redis-bus.js';
import {
  dropRedisPrefix,
  redisSkipReason,
  TEST_REDIS_URL,
  testRedisPrefix,
} from '../cluster/redis-test-support.js';
import type { PresenceChangeEvent } from './channel-presence.js';
import { PresenceExchange } from './presence-exchange.js';
import type { PresenceSummary } from './presence-merge.js';

/** A generous guard for conditions that need Redis round trips, on a busy machine too. */
const EVENTUALLY = { timeout: 60_000, interval: 20 };
const pilot = (n: number): PresenceEntry => ({ id: `p${n}`, name: `Pilot ${n}` });

const redisSkip = await redisSkipReason();

describe.skipIf(redisSkip !== null)('PresenceExchange: nodes on one Redis', () => {
  const prefix = testRedisPrefix();
  const buses: RedisBus[] = [];
  const exchanges: PresenceExchange[] = [];

  interface Node {
    exchange: PresenceExchange;
    bus: RedisBus;
    /** This node's own summaries, as its ChannelPresence would hold them. */
    local: Map<string, PresenceSummary>;
    changes: PresenceChangeEvent[];
    /** Sets this node's part of a channel, as its presence batch would. */
    set(channel: string, players: PresenceEntry[], count?: number): void;
  }

  async function node(id: string, opts: { isLive?: (node: string) => boolean; resendMs?: number } = {}) {
    const bus = await RedisBus.connect({ url: TEST_REDIS_URL, nodeId: id, prefix });
    buses.push(bus);
    const local = new Map<string, PresenceSummary>();
    const changes: PresenceChangeEvent[] = [];
    const exchange = new PresenceExchange({
      bus,
      local: () => local.entries(),
      onChange: (c) => changes.push(c),
      ...opts,
    });
    exchanges.push(exchange);
    await exchange.ready;
    const n: Node = {
      exchange,
      bus,
      local,
      changes,
      set(channel, players, count = players.length) {
        const summary = { players, count };
        if (count === 0) local.delete(channel);
        else local.set(channel, summary);
        exchange.changed(channel, summary);
      },
    };
    return n;
  }

  const listed = (n: Node, channel: string) => n.exchange.snapshot(channel).players.map((p) => p.id);

  afterEach(async () => {
    for (const e of exchanges.splice(0)) e.close();
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });
  afterAll(async () => {
    await dropRedisPrefix(TEST_REDIS_URL, prefix);
  });

  it('a change on one node reaches the others as one merged list; a player on two nodes is one entry', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    a.set('global', [pilot(1), pilot(2)]);
    b.set('global', [pilot(2), pilot(3)]);
    for (const n of [a, b]) {
      await vi.waitFor(
        () =>
          expect(n.exchange.snapshot('global')).toEqual({
            players: [pilot(1), pilot(2), pilot(3)],
            count: 3,
          }),
        EVENTUALLY,
      );
    }
    // p2 closes the tab on a: still present on b, so no one hears of a leave.
    a.set('global', [pilot(1)]);
    b.set('global', [pilot(2), pilot(3), pilot(4)]);
    await vi.waitFor(() => expect(listed(a, 'global')).toEqual(['p1', 'p2', 'p3', 'p4']), EVENTUALLY);
    expect(a.changes.flatMap((c) => c.left)).toEqual([]);
    // Everyone leaves a: b's subscribers hear p1 leave, once.
    a.set('global', [], 0);
    await vi.waitFor(() => expect(listed(b, 'global')).toEqual(['p2', 'p3', 'p4']), EVENTUALLY);
    expect(b.changes.flatMap((c) => c.left)).toEqual(['p1']);
  });

  it('a node that starts later is sent the others’ presence at once', async () => {
    const a = await node('node-a', { resendMs: 600_000 });
    a.set('sector:alpha', [pilot(1)], 7);
    const b = await node('node-b', { resendMs: 600_000 });
    await vi.waitFor(
      () => expect(b.exchange.snapshot('sector:alpha')).toEqual({ players: [pilot(1)], count: 7 }),
      EVENTUALLY,
    );
  });

  it('drops the players of a node that stops reporting its load', async () => {
    let bAlive = true;
    const a = await node('node-a', { isLive: (n) => n !== 'node-b' || bAlive });
    const b = await node('node-b');
    a.set('global', [pilot(1)]);
    b.set('global', [pilot(2)]);
    await vi.waitFor(() => expect(listed(a, 'global')).toEqual(['p1', 'p2']), EVENTUALLY);
    bAlive = false;
    await vi.waitFor(() => expect(listed(a, 'global')).toEqual(['p1']), EVENTUALLY);
    expect(a.exchange.listedElsewhere('global')).toEqual([]);
  });

  it('a lost withdrawal is repaired: parts not sent again expire after three resends', async () => {
    const a = await node('node-a', { resendMs: 100 });
    const b = await node('node-b', { resendMs: 100 });
    b.set('global', [pilot(2)]);
    await vi.waitFor(() => expect(listed(a, 'global')).toEqual(['p2']), EVENTUALLY);
    // b's withdrawal never goes out (as if pub/sub lost it); b's resends no longer name the channel.
    b.local.delete('global');
    await vi.waitFor(() => expect(listed(a, 'global')).toEqual([]), EVENTUALLY);
  });
});
