import { basename, join, sep } from 'node:path';

/**
 * What the server runs, relative to the repository: its own sources and the workspace packages it
 * imports from source, with the migrations it applies at start. (packages/client is only the
 * tests'.)
 */
export const SERVER_SOURCE_ROOTS = [
  'apps/server/src',
  'packages/engine/src',
  'packages/protocol/src',
  'packages/game/src',
  'packages/db/src',
  'packages/db/drizzle',
] as const;

/** Folders of apps/server/src the server never imports: test support, the production build tool. */
const NOT_RUN = ['apps/server/src/testing', 'apps/server/src/build'];

/**
 * Files that change nothing the running server does: tests and their support code, the build
 * tool, and the game's content files, which the server applies live without a restart.
 */
export function isIgnoredSource(file: string, repoRoot: string): boolean {
  const name = basename(file);
  if (/\.test\.[cm]?[jt]s$/.test(name) || name.includes('test-support')) return true;
  if (NOT_RUN.some((dir) => file.startsWith(join(repoRoot, dir) + sep))) return true;
  return file.startsWith(join(repoRoot, 'packages/game/src') + sep) && /^content.*\.json$/.test(name);
}
