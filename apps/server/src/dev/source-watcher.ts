import { type FSWatcher, watch } from 'node:fs';
import { join, relative } from 'node:path';

export interface SourceWatcherOptions {
  /** Directories watched with everything below them. */
  roots: readonly string[];
  /** Files that never restart the server (given the absolute path). */
  ignore: (file: string) => boolean;
  /**
   * Quiet time before a burst of changes is reported as one: an editor's save is several events
   * within a few milliseconds, a `git checkout` many within a second or so.
   */
  debounceMs: number;
  /** The changed files of one burst (absolute paths). */
  onChange: (files: string[]) => void;
  /** A root that cannot be watched (missing, out of inotify watches…). */
  onError: (root: string, err: Error) => void;
}

/** Only these can change what the server runs; editors' swap and backup files are not among them. */
const SOURCE_FILE = /\.(?:[cm]?[jt]s|json|sql)$/;

/**
 * Watches source trees with Node's own recursive fs.watch (inotify on Linux since Node 20; new
 * directories are picked up) and reports bursts of changes. Content events are not compared: a
 * touched file restarts the server like an edited one, as with `tsx watch`.
 */
export function watchSources(options: SourceWatcherOptions): { close(): void } {
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const files = [...changed];
    changed.clear();
    options.onChange(files);
  };
  const watchers: FSWatcher[] = [];
  for (const root of options.roots) {
    try {
      const watcher = watch(root, { recursive: true }, (_event, name) => {
        if (!name) return;
        const file = join(root, name.toString());
        if (!SOURCE_FILE.test(file) || options.ignore(file)) return;
        changed.add(file);
        if (timer) clearTimeout(timer);
        timer = setTimeout(flush, options.debounceMs);
      });
      watcher.on('error', (err) => options.onError(root, err));
      watchers.push(watcher);
    } catch (err) {
      options.onError(root, err instanceof Error ? err : new Error(String(err)));
    }
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

/** A path for messages: relative to `from` when that is shorter. */
export function shortPath(file: string, from: string): string {
  const rel = relative(from, file);
  return rel.length < file.length ? rel : file;
}
