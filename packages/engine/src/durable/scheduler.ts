import type { Db, Executor, Tx } from '@perihelion/db';
import type { Logger } from 'pino';
import { randomId } from '../ids.js';
import {
  cancelTimer,
  claimTimer,
  type FiringTimer,
  insertTimer,
  pendingDueBy,
  recordFailure,
} from './timer-store.js';

export type { FiringTimer } from './timer-store.js';

/** In-memory effects of a fired timer (pushes, caches): run only after its transaction committed. */
export type AfterCommit = () => void;

/**
 * Applies a timer's effect with the transaction that claimed it, so the effect and the claim commit
 * together or not at all. Throwing rolls both back and schedules a retry. Use only `tx` inside: on
 * PGlite (one connection) a query through the Db would wait for this transaction forever, and on
 * PostgreSQL it would commit apart from the claim. Deliveries and other echoes go in AfterCommit.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler with nothing to do after commit returns nothing
export type TimerHandler = (timer: FiringTimer, tx: Tx) => Promise<AfterCommit | void>;

export interface TimerSpec {
  kind: string;
  dueAt: Date;
  /** JSON; null or undefined is stored as {}. */
  payload: unknown;
  /** At most one pending timer per key: scheduling a second one is a no-op that returns null. */
  key?: string;
}

export interface DurableSchedulerOptions {
  db: Db;
  /** Recorded as fired_by on the timers this process fires. */
  nodeId: string;
  logger: Logger;
  /** Only timers due within this window are held in memory; a sweep arms the rest as they near. */
  horizonMs?: number;
  /** How often the store is swept for timers armed nowhere in this process. */
  sweepMs?: number;
  /** Attempts before a timer whose handler keeps throwing is marked 'failed'. */
  maxAttempts?: number;
  /** The first retry waits this long, each later one twice as long as the one before. */
  retryBaseMs?: number;
  /** Timers firing at once; each holds a connection for its transaction. */
  concurrency?: number;
  /** Most timers one sweep brings into memory, earliest first (a backlog drains over sweeps). */
  batchSize?: number;
}

type Phase = 'idle' | 'running' | 'stopped';

/** setTimeout's longest delay (~24.8 days); a longer one would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Durable timers: each one is a row with a due time, fired exactly once by whichever process
 * claims it first, in the transaction that applies its effect. In-memory timeouts only decide when
 * to try; the store decides whether the timer fires. A process that dies mid-fire leaves the row
 * pending, and the next process to start (or sweep) fires it.
 */
export class DurableScheduler {
  private readonly db: Db;
  private readonly nodeId: string;
  private readonly logger: Logger;
  private readonly horizonMs: number;
  private readonly sweepMs: number;
  private readonly retry: { maxAttempts: number; retryBaseMs: number };
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly handlers = new Map<string, TimerHandler>();
  /** Timers waiting in a timeout for their due time. */
  private readonly armed = new Map<string, ReturnType<typeof setTimeout>>();
  /** Timers whose time has come, waiting for a free slot; also in `taken`. */
  private readonly queue: Array<{ id: string; dueAt: Date }> = [];
  /** Queued or firing: the sweep must not arm these again. */
  private readonly taken = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private phase: Phase = 'idle';
  private sweeper: ReturnType<typeof setInterval> | null = null;
  private sweeping: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(opts: DurableSchedulerOptions) {
    this.db = opts.db;
    this.nodeId = opts.nodeId;
    this.logger = opts.logger;
    this.horizonMs = Math.min(opts.horizonMs ?? 60_000, MAX_TIMEOUT_MS);
    this.sweepMs = opts.sweepMs ?? 1000;
    this.retry = { maxAttempts: opts.maxAttempts ?? 5, retryBaseMs: opts.retryBaseMs ?? 1000 };
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.batchSize = Math.max(1, opts.batchSize ?? 1000);
  }

  /** Registers the handler of a kind of timer; before start(), so no due timer finds none. */
  on(kind: string, handler: TimerHandler): void {
    if (this.phase !== 'idle') throw new Error(`timer handler '${kind}' registered after start()`);
    if (this.handlers.has(kind)) throw new Error(`timer handler '${kind}' registered twice`);
    this.handlers.set(kind, handler);
  }

  /**
   * Stores a timer with the caller's executor (so it commits with the caller's transaction) and,
   * once started, arms it here at once (before start(), start() loads it). Arming a timer whose transaction then rolls back is harmless: firing
   * finds no pending row. Null when a pending timer with the same key exists.
   */
  async schedule(exec: Executor, spec: TimerSpec): Promise<{ id: string } | null> {
    if (Number.isNaN(spec.dueAt.getTime())) throw new Error(`timer '${spec.kind}' has an invalid due time`);
    const id = randomId('tmr');
    const inserted = await insertTimer(exec, { id, ...spec });
    if (!inserted) return null;
    this.arm(id, spec.dueAt);
    return { id };
  }

  /**
   * pending → cancelled. True only when this call cancelled it: a cancel racing a fire has exactly
   * one winner. The local timeout stays armed (the caller's transaction may still roll back); when
   * it elapses, the claim matches nothing.
   */
  cancel(exec: Executor, id: string): Promise<boolean> {
    return cancelTimer(exec, id);
  }

  /** Arms what is due within the horizon (overdue timers fire at once), then sweeps periodically. */
  async start(): Promise<void> {
    if (this.phase === 'running') return;
    if (this.phase === 'stopped') throw new Error('a stopped scheduler cannot be started again');
    this.phase = 'running';
    try {
      await this.armDue();
    } catch (err) {
      if (this.phase === 'running') this.phase = 'idle'; // the caller may retry start()
      throw err;
    }
    if (this.phase !== 'running') return; // stopped while loading
    this.sweeper = setInterval(() => this.sweep(), this.sweepMs);
    this.sweeper.unref();
  }

  /** Clears every timeout and the sweep and waits for fires in flight; idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.phase = 'stopped';
      if (this.sweeper) clearInterval(this.sweeper);
      this.sweeper = null;
      for (const timeout of this.armed.values()) clearTimeout(timeout);
      this.armed.clear();
      for (const { id } of this.queue) this.taken.delete(id);
      this.queue.length = 0;
      this.stopping = this.drain();
    }
    return this.stopping;
  }

  /** Timers held in memory: armed, or due and waiting to fire or firing. */
  get pendingArmed(): number {
    return this.armed.size + this.taken.size;
  }

  private async drain(): Promise<void> {
    await this.sweeping;
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  private sweep(): void {
    if (this.sweeping || this.phase !== 'running') return;
    this.sweeping = this.armDue()
      .catch((err: unknown) => this.logger.error({ err }, 'timer sweep failed'))
      .finally(() => {
        this.sweeping = null;
      });
  }

  private async armDue(): Promise<void> {
    const rows = await pendingDueBy(this.db, new Date(Date.now() + this.horizonMs), this.batchSize);
    for (const row of rows) this.arm(row.id, row.dueAt);
  }

  private arm(id: string, dueAt: Date): void {
    if (this.phase !== 'running' || this.armed.has(id) || this.taken.has(id)) return;
    const delay = dueAt.getTime() - Date.now();
    // Beyond the horizon a sweep arms it later (the horizon is capped below setTimeout's limit).
    if (delay > this.horizonMs) return;
    const timeout = setTimeout(
      () => {
        this.armed.delete(id);
        this.taken.add(id);
        this.queue.push({ id, dueAt });
        this.pump();
      },
      Math.max(0, delay),
    );
    timeout.unref();
    this.armed.set(id, timeout);
  }

  private pump(): void {
    while (this.phase === 'running' && this.inFlight.size < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      const run = this.fire(next.id, next.dueAt).then((retryAt) => {
        this.inFlight.delete(run);
        this.taken.delete(next.id);
        if (retryAt) this.arm(next.id, retryAt);
        this.pump();
      });
      this.inFlight.add(run);
    }
  }

  /** One attempt; resolves (never rejects) with when to try again, or null when done with it. */
  private async fire(id: string, dueAt: Date): Promise<Date | null> {
    const now = new Date();
    // A timeout may wake a millisecond early by the wall clock; the claim would then match nothing.
    if (now.getTime() < dueAt.getTime()) return dueAt;
    let kind: string | null = null;
    let afterCommit: AfterCommit | undefined;
    try {
      afterCommit = await this.db.transaction(async (tx) => {
        const timer = await claimTimer(tx, id, this.nodeId, now);
        // Fired or cancelled elsewhere, or moved later, or not committed yet: a sweep finds it if
        // it is still pending.
        if (!timer) return undefined;
        kind = timer.kind;
        const handler = this.handlers.get(timer.kind);
        if (!handler) throw new Error(`no handler for timer kind '${timer.kind}'`);
        const result = await handler(timer, tx);
        return typeof result === 'function' ? result : undefined;
      });
    } catch (err) {
      return this.failed(id, kind, err);
    }
    if (afterCommit) {
      try {
        afterCommit();
      } catch (err) {
        // The effect is committed; only its in-memory echo failed. Never retried.
        this.logger.error({ err, timerId: id, kind }, 'timer after-commit effect failed');
      }
    }
    return null;
  }

  /** Counts a failed attempt outside the rolled-back transaction; returns the retry's due time. */
  private async failed(id: string, kind: string | null, err: unknown): Promise<Date | null> {
    const about = { err, timerId: id, kind };
    try {
      const outcome = await recordFailure(this.db, id, errorText(err), new Date(), this.retry);
      if (!outcome) {
        this.logger.warn(about, 'timer attempt failed; it has been fired or cancelled since');
        return null;
      }
      if (outcome.state === 'failed') {
        this.logger.error({ ...about, attempts: outcome.attempts }, 'timer failed for good');
        return null;
      }
      this.logger.warn({ ...about, attempts: outcome.attempts, retryAt: outcome.dueAt }, 'timer will retry');
      return outcome.dueAt;
    } catch (recordErr) {
      // Still pending with its old due time: the next sweep arms it again.
      this.logger.error({ ...about, recordErr }, 'timer attempt failed and could not be recorded');
      return null;
    }
  }
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, 2000);
}
