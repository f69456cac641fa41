import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnOptions, TargetKind } from './conn-options.js';
import { ConnProgress } from './conn-progress.js';
import type { FleetPlan } from './fleet-plan.js';
import type { LiveLine } from './live-line.js';
import { OUT_DIR } from './out-dir.js';
import { waitForQuietMachine } from './quiet-machine.js';
import { RateCurve } from './rate-curve.js';
import { TabFleet } from './tab-fleet.js';
import { IDLE_SETTLE_MS } from './targets/memory-request.js';
import { CHANNEL, type ServerMemory, startTarget, type Target } from './targets/target.js';

const POLL_MS = 250;
/** One tab's attempt (session, handshake, subscribe) counts as failed after this long. */
const ATTEMPT_TIMEOUT_MS = 30_000;

export interface RunContext {
  opts: ConnOptions;
  plan: FleetPlan;
  line: LiveLine;
  signal: AbortSignal;
  /** Position of this server in the run, for the progress line. */
  index: number;
  /** Source addresses for this server's connections. */
  localAddresses: string[];
}

/** How connecting went. */
export interface ConnectResult {
  clients: number;
  /** Subscribed when connecting ended (failed and dropped ones excluded). */
  connected: number;
  /** Ever subscribed while connecting (the connected plus those dropped since). */
  reached: number;
  failed: number;
  /** From telling the bots to connect to the last successful subscribe. */
  seconds: number;
  /** Subscribes completed in each second of the ramp. */
  curve: number[];
  peakPerSecond: number;
  /** Why attempts failed or connections dropped, by reason. */
  problems: Map<string, number>;
}

export interface Connected {
  target: Target;
  fleet: TabFleet;
  progress: ConnProgress;
  connect: ConnectResult;
  /** The server before any connection (idle process). */
  idleMemory: ServerMemory;
  /** Things that make the numbers less than clean. */
  notes: string[];
}

/**
 * One server under test with the full fleet connected to it: start it, take its idle memory, start
 * the bot processes, connect every tab (showing the connections/s curve), let it settle, hand over
 * to `measure`, and stop the bots and the server however that ends.
 */
export async function withConnectedFleet<T>(
  kind: TargetKind,
  ctx: RunContext,
  measure: (c: Connected) => Promise<T>,
): Promise<T> {
  const { opts, signal } = ctx;
  const label = `${opts.scenario} [${ctx.index + 1}/${opts.targets.length}] ${kind}`;
  const progress = new ConnProgress(ctx.line, label, opts.clients);
  let target: Target | null = null;
  let fleet: TabFleet | null = null;
  const ticker = setInterval(() => {
    if (fleet) progress.fleet(fleet.totals);
  }, POLL_MS);
  try {
    if (opts.quietSeconds > 0) {
      let busy = Number.NaN;
      progress.phase('waiting for a quiet machine', opts.quietSeconds, () => `others ${busy.toFixed(0)} %`);
      await waitForQuietMachine(opts.quietSeconds, signal, (b) => {
        busy = b;
      });
    }
    progress.phase('starting server');
    target = await startTarget(kind, {
      store: opts.store,
      databaseUrl: opts.databaseUrl,
      fileLimit: ctx.plan.serverFileLimit,
      profileDir: opts.profile ? `${OUT_DIR}profiles/${opts.scenario}-${kind}` : null,
    });
    signal.throwIfAborted();
    progress.phase('idle server', IDLE_SETTLE_MS / 1000);
    await sleep(IDLE_SETTLE_MS, undefined, { signal });
    const idleMemory = await target.memory();

    progress.phase('starting bots');
    fleet = await TabFleet.start(
      {
        url: target.url,
        target: kind,
        channel: CHANNEL,
        clients: opts.clients,
        workers: ctx.plan.workers,
        concurrency: opts.concurrency,
        localAddresses: ctx.localAddresses,
        fileLimit: ctx.plan.workerFileLimit,
        attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
      },
      signal,
    );
    const connect = await connectAll(target, fleet, progress, opts.clients, signal);
    const notes: string[] = [];
    if (connect.failed > 0) notes.push(`${connect.failed} of ${opts.clients} connections failed`);

    progress.phase('settling', opts.settleSeconds);
    await sleep(opts.settleSeconds * 1000, undefined, { signal });
    const result = await measure({ target, fleet, progress, connect, idleMemory, notes });
    const warnings = target.warnings();
    if (warnings) notes.push(`server warnings: ${warnings}`);
    if (target.exited) throw new Error(`the server exited during the run:\n${target.recentOutput()}`);
    return result;
  } finally {
    clearInterval(ticker);
    progress.phase('stopping');
    await fleet?.stop();
    await target?.stop();
  }
}

async function connectAll(
  target: Target,
  fleet: TabFleet,
  progress: ConnProgress,
  clients: number,
  signal: AbortSignal,
): Promise<ConnectResult> {
  const curve = new RateCurve();
  progress.connecting(curve);
  progress.phase('connecting');
  const startedAt = fleet.connect();
  for (;;) {
    await sleep(POLL_MS, undefined, { signal });
    const t = fleet.totals;
    curve.add(t.connected + t.dropped);
    progress.fleet(t);
    if (t.settled >= clients) break;
    const dead = fleet.deadWorker();
    if (dead) throw new Error(dead);
    if (target.exited)
      throw new Error(`the server exited while the bots connected:\n${target.recentOutput()}`);
  }
  const t = fleet.totals;
  return {
    clients,
    connected: t.connected,
    reached: t.connected + t.dropped,
    failed: t.failed,
    seconds: t.lastConnectedAt !== null ? (t.lastConnectedAt - startedAt) / 1000 : Number.NaN,
    curve: curve.perSecond(),
    peakPerSecond: curve.peak,
    problems: t.problems,
  };
}
