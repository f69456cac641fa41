import { setTimeout as sleep } from 'node:timers/promises';
import { GameClient } from '@perihelion/client';
import { NODE_HINT_PARAM } from '@perihelion/protocol';
import { TEST_CLUSTER_ADMIN_TOKEN, TestCluster } from '@perihelion/server/cluster';
import { positiveInteger, UsageError, walkArgs } from './args.js';
import type { LiveLine } from './live-line.js';
import { describeMachine } from './machine.js';
import { writeOut } from './out-dir.js';
import { type Spread, spreadOf } from './percentiles.js';

export interface ClusterOptions {
  nodes: number;
  /** Players in the sector that is handed over. */
  players: number;
  /** Joins timed for each of direct and redirected. */
  joins: number;
  /** Chat messages timed for each of same-node and cross-node delivery. */
  messages: number;
}

export const CLUSTER_USAGE = `cluster (needs TEST_DATABASE_URL, TEST_REDIS_URL and haproxy):
  --nodes N       nodes behind HAProxy (default 3)
  --players N     players in the sector that is handed over by a drain (default 20)
  --joins N       joins timed, direct and redirected each (default 20)
  --messages N    chat messages timed, same node and across nodes each (default 200)`;

export function parseClusterOptions(argv: readonly string[]): ClusterOptions {
  const opts: ClusterOptions = { nodes: 3, players: 20, joins: 20, messages: 200 };
  walkArgs(argv, (flag, value) => {
    switch (flag) {
      case '--nodes':
        opts.nodes = positiveInteger(flag, value());
        break;
      case '--players':
        opts.players = positiveInteger(flag, value());
        break;
      case '--joins':
        opts.joins = positiveInteger(flag, value());
        break;
      case '--messages':
        opts.messages = positiveInteger(flag, value());
        break;
      default:
        throw new UsageError(`unknown option ${flag} for the cluster scenario`);
    }
  });
  if (opts.nodes < 2) throw new UsageError('--nodes: a cluster needs at least 2');
  return opts;
}

interface ClusterResult {
  directJoinMs: Spread;
  redirectedJoinMs: Spread;
  sameNodeChatMs: Spread;
  crossNodeChatMs: Spread;
  handoffPauseMs: Spread;
  handedOver: number;
}

const GUARD_MS = 120_000;

async function until(check: () => boolean, what: string, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + GUARD_MS;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5, undefined, { signal });
  }
}

/**
 * The cluster scenario: nodes behind HAProxy on the machine's PostgreSQL and Redis. Measures what
 * a player arriving at the wrong node pays (join time, direct against redirected), chat delivery
 * on one node against across nodes (the hop a relay between nodes would add to every input and
 * snapshot), and the pause of a live hand-over (the longest gap between snapshots each player of
 * a drained node's sector sees). Measures; never asserts.
 */
export async function runClusterScenario(
  opts: ClusterOptions,
  line: LiveLine,
  signal: AbortSignal,
): Promise<number> {
  if (!process.env.TEST_DATABASE_URL || !process.env.TEST_REDIS_URL) {
    console.error('the cluster scenario needs TEST_DATABASE_URL and TEST_REDIS_URL (and haproxy installed)');
    return 2;
  }
  const machine = describeMachine();
  const started = new Date();
  const nodeIds = Array.from({ length: opts.nodes }, (_, i) => `bench-${i + 1}`);
  line.show('start', () => `starting ${opts.nodes} nodes and HAProxy…`);
  // Chat limits raised: the bench times delivery, not the limiter.
  const cluster = await TestCluster.start({
    nodeIds,
    env: { CHAT_RATE_PER_S: '100', CHAT_BURST: '100', LOG_LEVEL: 'warn' },
  });
  const clients: GameClient[] = [];
  const player = (sector: string, node: string, name: string) => {
    const client = new GameClient({
      url: cluster.url,
      sector,
      name,
      transport: 'websocket',
      socketOptions: {
        reconnectionDelay: 100,
        reconnectionDelayMax: 300,
        query: { [NODE_HINT_PARAM]: node },
      },
    });
    clients.push(client);
    return client;
  };
  const joined = async (client: GameClient) => {
    client.connect();
    await until(() => client.status === 'connected', 'a join', signal);
  };
  try {
    // 1. Joins: straight to the node that runs the sector, and to another one (one redirect).
    const host = player('bench-joins', nodeIds[0] as string, 'Host');
    await joined(host);
    const owner = host.node as string;
    const elsewhere = nodeIds.find((n) => n !== owner) as string;
    const direct: number[] = [];
    const redirected: number[] = [];
    for (let i = 0; i < opts.joins; i++) {
      line.show('joins', () => `joins ${i + 1}/${opts.joins}`);
      for (const [node, into] of [
        [owner, direct],
        [elsewhere, redirected],
      ] as const) {
        const client = player('bench-joins', node, `J${i}`);
        const t0 = performance.now();
        await joined(client);
        into.push(performance.now() - t0);
        client.close();
      }
    }

    // 2. Chat: a message from a player on one node to players on the same node and on another.
    const sender = player('bench-chat-a', nodeIds[0] as string, 'Sender');
    await joined(sender);
    const sameNode = player('bench-chat-a', sender.node as string, 'Near');
    await joined(sameNode);
    const remote = player('bench-chat-b', sender.node as string, 'Far');
    await joined(remote);
    for (const c of [sender, sameNode, remote]) {
      await until(() => c.chat.subscription('global')?.state === 'live', 'global chat', signal);
    }
    const sentAt = new Map<string, number>();
    const near: number[] = [];
    const far: number[] = [];
    const timeInto = (into: number[]) => (channel: string, message: { text: string }) => {
      const t = sentAt.get(message.text);
      if (channel === 'global' && t !== undefined) into.push(performance.now() - t);
    };
    sameNode.chat.on('message', timeInto(near));
    remote.chat.on('message', timeInto(far));
    for (let i = 0; i < opts.messages; i++) {
      line.show(
        'chat',
        () => `chat ${i + 1}/${opts.messages} (sender on ${sender.node}, far player on ${remote.node})`,
      );
      const text = `bench ${i}`;
      sentAt.set(text, performance.now());
      void sender.chat.subscription('global')?.publish(text);
      await until(() => near.length > i && far.length > i, 'chat delivery', signal);
      await sleep(10, undefined, { signal });
    }

    // 3. A drain: every player of the sector is moved to another node; the longest gap between
    // snapshots each one sees is the pause.
    const crowd = Array.from({ length: opts.players }, (_, i) =>
      player('bench-handoff', nodeIds[i % nodeIds.length] as string, `P${i}`),
    );
    for (const c of crowd) c.connect();
    line.show('crowd', () => `${opts.players} players joining the sector to hand over…`);
    await until(() => crowd.every((c) => c.status === 'connected'), 'the crowd to join', signal);
    const from = crowd[0]?.node as string;
    const gaps = crowd.map(() => ({ last: performance.now(), longest: 0 }));
    for (const [i, c] of crowd.entries()) {
      c.on('snapshot', () => {
        const gap = gaps[i];
        if (!gap) return;
        const now = performance.now();
        gap.longest = Math.max(gap.longest, now - gap.last);
        gap.last = now;
      });
    }
    await sleep(2000, undefined, { signal });
    for (const gap of gaps) gap.longest = 0;
    line.show('drain', () => `draining ${from}…`);
    const res = await fetch(`${cluster.node(from).url}/api/admin/drain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_CLUSTER_ADMIN_TOKEN}` },
    });
    if (res.status !== 202) throw new Error(`drain answered ${res.status}`);
    await until(
      () => crowd.every((c) => c.status === 'connected' && c.node !== from),
      'the crowd on another node',
      signal,
    );
    await sleep(2000, undefined, { signal });
    line.done();

    const result: ClusterResult = {
      directJoinMs: spreadOf(direct),
      redirectedJoinMs: spreadOf(redirected),
      sameNodeChatMs: spreadOf(near),
      crossNodeChatMs: spreadOf(far),
      handoffPauseMs: spreadOf(gaps.map((g) => g.longest)),
      handedOver: crowd.length,
    };
    const report = render(opts, result, machine, started, { sender: sender.node, remote: remote.node });
    console.log(`\n${report}`);
    console.log(`written to ${writeOut('latest-cluster.md', report)}`);
    return 0;
  } finally {
    for (const c of clients) c.close();
    await cluster.stop();
  }
}

function render(
  opts: ClusterOptions,
  r: ClusterResult,
  machine: ReturnType<typeof describeMachine>,
  started: Date,
  chatNodes: { sender: string | null; remote: string | null },
): string {
  const row = (name: string, s: Spread) =>
    `| ${name} | ${s.count} | ${s.p50.toFixed(1)} | ${s.p90.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.max.toFixed(1)} |`;
  return [
    `## Cluster (${started.toISOString()})`,
    '',
    `${opts.nodes} nodes behind HAProxy on one machine (${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB.toFixed(0)} GiB, Node ${machine.node}); PostgreSQL and Redis local. Chat: sender on ${chatNodes.sender}, far player on ${chatNodes.remote}.`,
    '',
    '| measure (ms) | n | p50 | p90 | p99 | max |',
    '| --- | --- | --- | --- | --- | --- |',
    row('join, straight to the owner', r.directJoinMs),
    row('join, at another node (one redirect)', r.redirectedJoinMs),
    row('chat delivery, same node', r.sameNodeChatMs),
    row('chat delivery, across nodes', r.crossNodeChatMs),
    row(`hand-over pause (longest snapshot gap, ${r.handedOver} players)`, r.handoffPauseMs),
    '',
  ].join('\n');
}
