import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { loadContent } from '../content-choice.js';
import { type ContentFiles, contentFilesFor } from './content-files.js';
import { ContentWatch } from './content-watch.js';
import { LiveContent } from './live-content.js';
import type { TuningAccess } from './tuning-routes.js';

export interface ContentRuntime {
  live: LiveContent;
  /** The watched content files, in development; null when edits to them need a restart. */
  watch: ContentWatch | null;
  /** The files watched (null without a watch). */
  files: ContentFiles | null;
  stop(): void;
}

/** Whether saved content files apply live (CONTENT_WATCH; on by default in development). */
export function watchesContent(config: Pick<Config, 'CONTENT_WATCH' | 'NODE_ENV'>): boolean {
  return (config.CONTENT_WATCH ?? (config.NODE_ENV === 'development' ? 'on' : 'off')) === 'on';
}

/** Who may tune live (TUNING; anyone signed in on a development server, else admins). */
export function tuningAccess(config: Pick<Config, 'TUNING' | 'NODE_ENV'>): TuningAccess {
  return config.TUNING ?? (config.NODE_ENV === 'development' ? 'open' : 'admin');
}

/** The content the server starts with and, in development, the watch that keeps it current. */
export async function openContent(config: Config, logger: Logger): Promise<ContentRuntime> {
  const live = new LiveContent(loadContent(config.CONTENT));
  let watch: ContentWatch | null = null;
  const files = watchesContent(config) ? contentFilesFor(config.CONTENT) : null;
  if (files) {
    watch = new ContentWatch(files, live, logger.child({ part: 'content' }));
    await watch.start();
  }
  return {
    live,
    watch,
    files,
    stop: () => watch?.stop(),
  };
}
