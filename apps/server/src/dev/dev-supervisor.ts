import { describeExit, type ServerChild } from './server-child.js';

export interface DevSupervisorOptions {
  /** A new server process, in standby (see standby.ts). */
  spawn: () => ServerChild;
  /** How long a stopping server may take to save its sectors before it is killed. */
  stopGraceMs: number;
  log: (line: string) => void;
  warn: (line: string) => void;
}

/** How long after a server went live its successor's process is started. */
const STANDBY_DELAY_MS = 2_000;
/** A server that was told to go but never said it listens is stopped anyway after this. */
const START_GUARD_MS = 60_000;

/**
 * Restarts the server on changes with the next process prepared while the current one serves:
 * the next process imports everything and parses its config; only then is the current one stopped
 * (gracefully: it saves its sectors), and the next one told to open the store and listen. A next
 * process that fails before it is ready leaves the current one serving.
 *
 * Changes never pile up: one arriving while the next process is still loading replaces it (it
 * may have read the old sources), one arriving during the switch-over makes exactly one more
 * restart afterwards.
 */
export class DevSupervisor {
  /** The process told to go: serving, or starting to. */
  private current: ServerChild | null = null;
  /** A process with the third-party modules loaded, waiting for the next change. */
  private standby: ServerChild | null = null;
  private readonly children = new Set<ServerChild>();
  /** Changed files not yet taken up by a restart (null: none). */
  private pending: string[] | null = null;
  private changeCount = 0;
  private readonly changeWaiters = new Set<() => void>();
  private loop: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly options: DevSupervisorOptions) {}

  /** Starts the first server. */
  start(): void {
    this.changed([]);
  }

  /** A burst of changed files (empty for the first start). */
  changed(files: string[]): void {
    if (this.stopping) return;
    this.pending = [...(this.pending ?? []), ...files];
    this.changeCount++;
    for (const wake of [...this.changeWaiters]) wake();
    this.loop ??= this.restartWhilePending().finally(() => {
      this.loop = null;
    });
  }

  /** Stops every process (the serving one gracefully) and starts no more. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.changeWaiters]) wake();
    await Promise.all([...this.children].map((child) => this.stopChild(child)));
    await this.loop;
  }

  private async restartWhilePending(): Promise<void> {
    while (this.pending && !this.stopping) {
      const files = this.pending;
      this.pending = null;
      await this.restart(files);
    }
  }

  private async restart(files: string[]): Promise<void> {
    const first = this.current === null;
    if (files.length > 0) {
      const more = files.length > 1 ? ` and ${files.length - 1} more` : '';
      this.options.log(`${files[0]}${more} changed: loading the new server while the running one serves`);
    }
    const loadStarted = performance.now();
    const next = this.takeStandby();
    next.send({ type: 'load' });
    const seenChanges = this.changeCount;
    const warm = await Promise.race([next.reached('warm'), this.nextChange(seenChanges)]);
    if (this.stopping) return;
    if (this.changeCount !== seenChanges) {
      // It may have read a file from before the change: start over with the latest sources.
      await next.kill();
      return;
    }
    if (!warm) {
      const exit = next.exit ? describeExit(next.exit) : 'no exit status';
      this.options.warn(
        first
          ? `the server did not start (${exit}). Fix the error above and save: it starts again.`
          : `the new server did not start (${exit}): the running server keeps serving. ` +
              'Fix the error above and save again.',
      );
      return;
    }
    const loadMs = performance.now() - loadStarted;
    const previous = this.current;
    let switchStarted = performance.now();
    if (previous) {
      this.options.log(`new server loaded in ${seconds(loadMs)}: stopping the running one`);
      await this.untilStarted(previous);
      switchStarted = performance.now();
      const { forced } = await previous.stop(this.options.stopGraceMs);
      if (forced)
        this.options.warn(`the old server did not stop within ${seconds(this.options.stopGraceMs)}: killed`);
    }
    if (this.stopping) return;
    this.current = next;
    next.send({ type: 'go' });
    void this.reportStart(next, first, switchStarted);
  }

  /** Says when the server listens (and how long players were without one), or that it died. */
  private async reportStart(child: ServerChild, first: boolean, switchStarted: number): Promise<void> {
    const live = await child.reached('live');
    if (this.stopping) return;
    if (live) {
      const downMs = performance.now() - switchStarted;
      this.options.log(
        first
          ? `server pid ${child.pid} is live at ${child.url}`
          : `restarted: server pid ${child.pid} is live at ${child.url}, ${seconds(downMs)} after the old one was told to stop`,
      );
      // Later, not now: loading it takes a core for a second or two, which the players coming
      // back to the new server need more. A change before then spawns a process of its own.
      setTimeout(() => {
        if (!this.stopping && this.current === child) this.standby ??= this.spawnStandby();
      }, STANDBY_DELAY_MS).unref();
    }
    const exit = await child.exited;
    if (this.stopping || child.stopRequested || this.current !== child) return;
    this.current = null;
    this.options.warn(`the server exited (${describeExit(exit)}); save a file to start it again`);
  }

  private takeStandby(): ServerChild {
    const child = this.standby && !this.standby.exit ? this.standby : this.spawnStandby();
    this.standby = null;
    return child;
  }

  private spawnStandby(): ServerChild {
    const child = this.options.spawn();
    this.children.add(child);
    void child.exited.then(() => {
      this.children.delete(child);
      if (this.standby === child) this.standby = null;
    });
    return child;
  }

  /** Resolves false once a change newer than `seen` arrives, or the supervisor stops. */
  private nextChange(seen: number): Promise<false> {
    return new Promise((resolve) => {
      const wake = () => {
        if (this.changeCount === seen && !this.stopping) return;
        this.changeWaiters.delete(wake);
        resolve(false);
      };
      this.changeWaiters.add(wake);
    });
  }

  private async stopChild(child: ServerChild): Promise<void> {
    await this.untilStarted(child);
    await child.stop(this.options.stopGraceMs);
  }

  /**
   * A server that was told to go gets a moment to finish starting: it installs its graceful
   * shutdown only once it listens, and SIGTERM before that would end it on the spot, store half open.
   */
  private async untilStarted(child: ServerChild): Promise<void> {
    if (child.told && !child.has('live')) {
      await Promise.race([child.reached('live'), delay(START_GUARD_MS)]);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
