import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exited, hasExited, nextChildMessage, spawnTs, stopChild } from './children.js';
import type { TargetKind } from './conn-options.js';
import { OutputTail } from './output-tail.js';
import {
  isTabToParent,
  type ParentToTab,
  TAB_CONFIG_ENV,
  type TabStatus,
  type TabToParent,
  type TabWorkerConfig,
  type WindowReport,
  wallNow,
} from './tabs/messages.js';

const WORKER = fileURLToPath(new URL('./tabs/worker.ts', import.meta.url));

export interface TabFleetOptions {
  url: string;
  target: TargetKind;
  channel: string;
  clients: number;
  workers: number;
  /** Attempts in flight over all workers. */
  concurrency: number;
  localAddresses: string[];
  fileLimit: number;
  attemptTimeoutMs: number;
}

/** The fleet's status: every worker's latest report, added up. */
export interface FleetTotals {
  connecting: number;
  connected: number;
  failed: number;
  dropped: number;
  deliveries: number;
  /** Tabs whose attempt has ended (connected, failed or dropped since). */
  settled: number;
  lastConnectedAt: number | null;
  problems: Map<string, number>;
}

const EMPTY_STATUS: TabStatus = {
  type: 'status',
  connecting: 0,
  connected: 0,
  failed: 0,
  dropped: 0,
  deliveries: 0,
  lastConnectedAt: null,
  problems: {},
};

/** The parent's handle on one worker process (src/tabs/worker.ts). */
class TabWorker {
  latest: TabStatus = EMPTY_STATUS;
  fatal: string | null = null;
  readonly output = new OutputTail(20);
  private readonly waiters = new Set<(msg: TabToParent | null) => void>();

  constructor(readonly child: ChildProcess) {
    this.output.attach(child.stdout);
    this.output.attach(child.stderr);
    child.on('message', (msg: unknown) => {
      if (!isTabToParent(msg)) return;
      if (msg.type === 'status') this.latest = msg;
      if (msg.type === 'fatal') this.fatal = msg.message;
      for (const w of [...this.waiters]) w(msg);
    });
    child.once('exit', () => {
      for (const w of [...this.waiters]) w(null);
    });
  }

  send(msg: ParentToTab): void {
    if (this.child.connected) this.child.send(msg);
  }

  /** The next message matching `match`; rejects on timeout, abort, a fatal report or exit. */
  next<T extends TabToParent>(
    match: (msg: TabToParent) => msg is T,
    timeoutMs: number,
    signal: AbortSignal,
    what: string,
  ): Promise<T> {
    return nextChildMessage<TabToParent, T>(this.child, this.waiters, match, {
      timeoutMs,
      signal,
      what,
      who: 'a bot process',
      describe: () => this.describe(),
    });
  }

  describe(): string {
    const out = this.output.text();
    return `${this.fatal ? `\n${this.fatal}` : ''}${out ? `\nbot output:\n${out}` : ''}`;
  }
}

/**
 * The bots of the idle and fan-out scenarios: `workers` processes sharing `clients` idle tabs,
 * started (and ready) before anything connects, so that `connect()` starts every worker at the
 * same moment and the time to connect covers connecting only.
 */
export class TabFleet {
  private constructor(private readonly workers: TabWorker[]) {}

  static async start(opts: TabFleetOptions, signal: AbortSignal): Promise<TabFleet> {
    const workers: TabWorker[] = [];
    let first = 0;
    for (let w = 0; w < opts.workers; w++) {
      const count = Math.floor(opts.clients / opts.workers) + (w < opts.clients % opts.workers ? 1 : 0);
      const config: TabWorkerConfig = {
        url: opts.url,
        target: opts.target,
        channel: opts.channel,
        count,
        firstIndex: first,
        concurrency: Math.max(1, Math.round(opts.concurrency / opts.workers)),
        localAddresses: opts.localAddresses,
        attemptTimeoutMs: opts.attemptTimeoutMs,
      };
      first += count;
      const child = spawnTs(WORKER, {
        fileLimit: opts.fileLimit,
        env: { ...process.env, [TAB_CONFIG_ENV]: JSON.stringify(config) },
      });
      workers.push(new TabWorker(child));
    }
    const fleet = new TabFleet(workers);
    try {
      await Promise.all(
        workers.map((w) =>
          w.next(
            (m): m is { type: 'ready' } => m.type === 'ready',
            60_000,
            signal,
            'the bot process to start',
          ),
        ),
      );
    } catch (err) {
      await fleet.stop();
      throw err;
    }
    return fleet;
  }

  get pids(): number[] {
    return this.workers.map((w) => w.child.pid ?? -1);
  }

  /** Tells every worker to open its tabs; returns the wall-clock ms it did so. */
  connect(): number {
    const at = wallNow();
    for (const w of this.workers) w.send({ type: 'connect' });
    return at;
  }

  get totals(): FleetTotals {
    const t: FleetTotals = {
      connecting: 0,
      connected: 0,
      failed: 0,
      dropped: 0,
      deliveries: 0,
      settled: 0,
      lastConnectedAt: null,
      problems: new Map(),
    };
    for (const { latest: s } of this.workers) {
      t.connecting += s.connecting;
      t.connected += s.connected;
      t.failed += s.failed;
      t.dropped += s.dropped;
      t.deliveries += s.deliveries;
      if (s.lastConnectedAt !== null) t.lastConnectedAt = Math.max(t.lastConnectedAt ?? 0, s.lastConnectedAt);
      for (const [reason, n] of Object.entries(s.problems))
        t.problems.set(reason, (t.problems.get(reason) ?? 0) + n);
    }
    t.settled = t.connected + t.failed + t.dropped;
    return t;
  }

  /** A worker that died (it has nothing more to report). */
  deadWorker(): string | null {
    const dead = this.workers.find((w) => hasExited(w.child));
    return dead ? `a bot process exited${dead.describe()}` : null;
  }

  /** Opens a measurement window in every worker (deliveries from zero); resolves when all have. */
  async beginWindow(signal: AbortSignal): Promise<void> {
    await Promise.all(
      this.workers.map((w) => {
        const done = w.next(
          (m): m is { type: 'window-begun' } => m.type === 'window-begun',
          10_000,
          signal,
          'the bots to begin measuring',
        );
        w.send({ type: 'window-begin' });
        return done;
      }),
    );
  }

  /** Closes the window: what every worker saw in it. */
  endWindow(signal: AbortSignal): Promise<WindowReport[]> {
    return Promise.all(
      this.workers.map((w) => {
        const report = w.next(
          (m): m is WindowReport => m.type === 'window',
          30_000,
          signal,
          'the bots to report',
        );
        w.send({ type: 'window-end' });
        return report;
      }),
    );
  }

  /** Ends every worker (their sockets close with them); SIGKILL for one that does not go. */
  async stop(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (hasExited(w.child)) return;
        w.send({ type: 'stop' });
        const timer = setTimeout(() => void stopChild(w.child, 2000), 3000);
        await exited(w.child);
        clearTimeout(timer);
      }),
    );
  }
}
