/**
 * A tab-fleet worker: a child process of the bench holding a share of the idle tabs (tab.ts), so
 * that the bots never share an event loop with the server under test and no process needs more
 * open files than it may have. It waits for `connect`, opens its tabs a few at a time, reports its
 * status every 250 ms, and records fan-out deliveries and its event-loop delay between
 * `window-begin` and `window-end` (see messages.ts).
 */
import { Agent } from 'node:http';
import { Deliveries } from './deliveries.js';
import {
  isParentToTab,
  TAB_CONFIG_ENV,
  type TabStatus,
  type TabToParent,
  type TabWorkerConfig,
  wallNow,
} from './messages.js';
import { IdleTab, type TabHost, type TabState } from './tab.js';

const STATUS_MS = 250;

function send(msg: TabToParent): void {
  process.send?.(msg);
}

function readConfig(): TabWorkerConfig {
  const raw = process.env[TAB_CONFIG_ENV];
  if (!raw) throw new Error(`${TAB_CONFIG_ENV} is not set (this file is started by the bench)`);
  return JSON.parse(raw) as TabWorkerConfig;
}

const config = readConfig();
const deliveries = new Deliveries();
const counts: Record<TabState, number> = { connecting: 0, connected: 0, failed: 0, dropped: 0 };
const problems = new Map<string, number>();
let lastConnectedAt: number | null = null;
let started = false;
/** Every tab stays referenced for the life of the process (as an open browser tab would). */
const tabs: IdleTab[] = [];

const host: TabHost = {
  config,
  agent: new Agent({ keepAlive: true, maxSockets: config.concurrency }),
  changed(from, to) {
    if (from) counts[from]--;
    counts[to]++;
    if (to === 'connected') lastConnectedAt = wallNow();
  },
  problem(reason) {
    problems.set(reason, (problems.get(reason) ?? 0) + 1);
  },
  messages(batch) {
    deliveries.received(batch);
  },
};

function status(): TabStatus {
  return {
    type: 'status',
    ...counts,
    deliveries: deliveries.count,
    lastConnectedAt,
    problems: Object.fromEntries(problems),
  };
}

/** Opens every tab, `concurrency` at a time. */
async function connectAll(): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < config.count) {
      const i = next++;
      const address = config.localAddresses[(config.firstIndex + i) % config.localAddresses.length]!;
      const tab = new IdleTab(host, address);
      tabs.push(tab);
      await tab.open();
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, config.count) }, lane));
}

setInterval(() => send(status()), STATUS_MS);

process.on('message', (msg: unknown) => {
  if (!isParentToTab(msg)) return;
  switch (msg.type) {
    case 'connect':
      if (started) return;
      started = true;
      connectAll().catch((err: unknown) => send({ type: 'fatal', message: String(err) }));
      return;
    case 'window-begin':
      deliveries.begin();
      send({ type: 'window-begun' });
      return;
    case 'window-end':
      send(deliveries.end());
      return;
    case 'stop':
      // Like closing the browser: the kernel closes every socket as the process ends.
      process.exit(0);
  }
});
process.on('SIGTERM', () => process.exit(0));
// Ctrl-C reaches the whole process group; the bench decides when its children stop.
process.on('SIGINT', () => {});
process.on('uncaughtException', (err) => {
  send({ type: 'fatal', message: err.stack ?? String(err) });
  process.exit(1);
});
send({ type: 'ready' });
