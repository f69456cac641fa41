import type { Db } from '@perihelion/db';
import { type Bus, busTopic, type Unsubscribe } from '@perihelion/engine';
import { leafAt, leafProblem } from '@perihelion/game';
import type { ContentIssue, TuningChange, TuningRequest } from '@perihelion/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Caller } from '../admin/caller.js';
import type { LiveContent, Tuned } from './live-content.js';
import { type StoredEdit, TuningStore } from './tuning-store.js';

/** "A tuning change was stored": every node applies the latest stored tuning. */
const tunedTopic = busTopic('content:tuned', z.object({ id: z.number().int() }), 'log');

export type TuningOutcome =
  | { ok: true; change: TuningChange | null }
  | { ok: false; status: 400 | 404 | 409; message: string; issues?: ContentIssue[] };

type Decision =
  | {
      record: { edits: StoredEdit[]; tuned: Tuned; version: string; revertOf: number | null };
      result: TuningOutcome;
    }
  | { refuse: TuningOutcome };

const refuse = (
  status: 400 | 404 | 409,
  message: string,
  issues?: ContentIssue[],
): { refuse: TuningOutcome } => ({
  refuse: { ok: false, status, message, ...(issues ? { issues } : {}) },
});

/**
 * Live tuning: values set on top of the content files, through the API (the page's tuning panel,
 * the admin console). Every change is validated by the game's schema as a whole, stored with who
 * made it and what each value was before (the audit log), applied to this node at once and to
 * every other node through the bus, and can be reverted (a new, audited change).
 */
export class Tuning {
  private readonly store: TuningStore;
  /** The id of the stored change this node runs with (0: none yet). */
  private appliedId = 0;
  private unsubscribe: Unsubscribe | null = null;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    db: Db,
    private readonly live: LiveContent,
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {
    this.store = new TuningStore(db);
  }

  /** Applies the stored tuning (a restart keeps it) and follows changes made through other nodes. */
  async start(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe(tunedTopic, () => {
      this.syncing = this.syncing
        .then(() => this.sync())
        .catch((err: unknown) => {
          this.logger.error({ err }, 'could not apply the stored tuning');
        });
    });
    await this.sync();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  history(limit = 50): Promise<TuningChange[]> {
    return this.store.history(limit);
  }

  /** Sets values; all or nothing. */
  async set(caller: Caller, request: TuningRequest): Promise<TuningOutcome> {
    return this.commit(caller, request.note ?? null, (current) => {
      const issues: ContentIssue[] = [];
      for (const [path, value] of Object.entries(request.set)) {
        const problem = leafProblem(this.live.current, path, value);
        if (problem) issues.push({ path, message: problem });
      }
      if (issues.length > 0) return refuse(400, 'the change names values the content does not have', issues);
      const changed = Object.entries(request.set).filter(
        ([path, value]) => this.live.valueAt(path) !== value,
      );
      if (changed.length === 0) return { refuse: { ok: true, change: null } };
      const next: Record<string, Tuned[string]> = { ...current };
      for (const [path, value] of changed) next[path] = value;
      return this.decide(next, null, current);
    });
  }

  /** Puts back what change `id` changed (values it tuned for the first time go back to the files'). */
  async revert(caller: Caller, id: number): Promise<TuningOutcome> {
    const target = await this.store.find(id);
    if (!target) return { ok: false, status: 404, message: `there is no tuning change #${id}` };
    return this.commit(caller, `revert of #${id}`, (current) => {
      const next: Record<string, Tuned[string]> = { ...current };
      for (const edit of target.edits) {
        if (edit.wasTuned && edit.before !== null) next[edit.path] = edit.before;
        else delete next[edit.path];
      }
      return this.decide(next, id, current);
    });
  }

  /**
   * Ends every tuned value, keeping the content as it is: once the values have been written into
   * the content files (development), the files hold them.
   */
  async untuneAll(caller: Caller, note: string): Promise<TuningOutcome> {
    return this.commit(caller, note, (current) =>
      Object.keys(current).length === 0
        ? { refuse: { ok: true, change: null } }
        : this.decide({}, null, current),
    );
  }

  /** What `next` would do, as a change to store, or the schema's refusal. */
  private decide(next: Tuned, revertOf: number | null, current: Tuned): Decision {
    const candidate = this.live.tryTuned(next);
    if (!candidate.ok)
      return refuse(revertOf === null ? 400 : 409, 'the content would not be valid', candidate.issues);
    const paths = new Set([...Object.keys(next), ...Object.keys(current)]);
    const edits: StoredEdit[] = [];
    for (const path of paths) {
      const before = this.live.valueAt(path);
      const after = leafAt(candidate.content, path);
      if (after === null || (before === after && Object.hasOwn(next, path) === Object.hasOwn(current, path)))
        continue;
      edits.push({ path, before, after, wasTuned: Object.hasOwn(current, path) });
    }
    return {
      record: { edits, tuned: next, version: candidate.version, revertOf },
      result: { ok: true, change: null },
    };
  }

  private async commit(
    caller: Caller,
    note: string | null,
    decide: (current: Tuned) => Decision,
  ): Promise<TuningOutcome> {
    // This node's view must include every stored change before it decides against the store's.
    await this.syncing;
    const { stored, result } = await this.store.change((current) => {
      const decision = decide(current);
      if ('refuse' in decision) return decision;
      return {
        record: {
          actorId: caller.playerId,
          actorName: caller.name,
          note,
          edits: decision.record.edits,
          tuned: decision.record.tuned,
          version: decision.record.version,
          revertOf: decision.record.revertOf,
        },
        result: decision.result,
      };
    });
    if (!stored) return result;
    this.apply(stored.change.id, stored.tuned);
    this.bus.publish(tunedTopic, { id: stored.change.id });
    this.logger.info(
      { by: caller.playerId, name: caller.name, change: stored.change.id, edits: stored.change.edits },
      'content tuned',
    );
    return { ok: true, change: stored.change };
  }

  private async sync(): Promise<void> {
    const latest = await this.store.latest();
    if (!latest || latest.change.id <= this.appliedId) return;
    this.apply(latest.change.id, latest.tuned);
  }

  private apply(id: number, tuned: Tuned): void {
    if (id <= this.appliedId) return;
    this.appliedId = id;
    const result = this.live.setTuned(tuned);
    if (!result.ok) {
      this.logger.warn(
        { change: id, issues: result.issues },
        'the stored tuning does not fit the content files: not applied',
      );
    }
  }
}
