import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { type ContentFiles, readContentFiles } from './content-files.js';
import type { LiveContent } from './live-content.js';

/** Editors write a file in several steps (truncate, write, rename): wait for them to settle. */
const SETTLE_MS = 40;

/**
 * Development: the content files are watched, and every save applies to the running server at
 * once (no restart, no reconnect). A save that is not valid content is reported to every page and
 * the server keeps the last good content until the file is fixed.
 * Directories are watched, not files, because editors often replace a file on save (a new inode
 * that a file watch would never see).
 */
export class ContentWatch {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly files: ContentFiles,
    private readonly live: LiveContent,
    private readonly logger: Logger,
  ) {}

  /** Reads the files once (they may differ from what the server was built with), then watches. */
  async start(): Promise<void> {
    await this.reload();
    const wanted = [this.files.base, this.files.overlay].filter((f): f is string => f !== null);
    for (const dir of new Set(wanted.map((f) => dirname(f)))) {
      const names = new Set(wanted.filter((f) => dirname(f) === dir).map((f) => basename(f)));
      const watcher = watch(dir, (_event, name) => {
        if (name && names.has(name.toString())) this.schedule();
      });
      watcher.on('error', (err) => this.logger.warn({ err, dir }, 'cannot watch the content files any more'));
      this.watchers.push(watcher);
    }
    this.logger.info({ files: wanted }, 'watching the content files: saved edits apply live');
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const w of this.watchers.splice(0)) w.close();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // One read at a time, in order: the last save always wins.
      this.reading = this.reading.then(() => this.reload());
    }, SETTLE_MS);
  }

  /** Applies the files as they are now. */
  async reload(): Promise<void> {
    const read = await readContentFiles(this.files);
    if (!read.ok) {
      this.logger.warn({ problem: read.problem }, 'content file problem: keeping the last good content');
      this.live.reportProblem(read.problem);
      return;
    }
    const before = this.live.version;
    const result = this.live.setBase(read.raw, (issues) => read.fileFor(issues[0]?.path ?? ''));
    if (!result.ok) {
      this.logger.warn({ issues: result.issues }, 'invalid content: keeping the last good content');
    } else {
      if (result.dropped.length > 0) {
        this.logger.warn(
          { paths: result.dropped },
          'tuned values dropped: the content files no longer have these paths (they stay in the tuning history)',
        );
      }
      if (result.version !== before)
        this.logger.info({ version: result.version }, 'content changed: applied live');
    }
  }
}
