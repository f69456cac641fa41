import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { deepMerge, valueAt } from '@perihelion/game';
import type { ContentProblem } from '@perihelion/protocol';

/** The files a content choice reads: the game's content.json, and what it merges on top. */
export interface ContentFiles {
  base: string;
  /** A profile's overrides (content.fast.json) or the CONTENT override file; null for "default". */
  overlay: string | null;
}

const require = createRequire(import.meta.url);

/** The files behind CONTENT ("default", "fast" or a JSON file of overrides), as absolute paths. */
export function contentFilesFor(choice: string): ContentFiles {
  const base = require.resolve('@perihelion/game/content.json');
  if (choice === 'default') return { base, overlay: null };
  if (choice === 'fast') return { base, overlay: require.resolve('@perihelion/game/content.fast.json') };
  return { base, overlay: resolve(choice) };
}

export type ContentRead =
  | {
      ok: true;
      raw: unknown;
      /** The file (as shown) a designer edits to fix the value at `path`: the overlay when it sets it. */
      fileFor(path: string): string;
    }
  | { ok: false; problem: NonNullable<ContentProblem> };

/** The project's root (where pnpm-workspace.yaml is), or null outside a checkout. */
function projectRoot(): string | null {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

const root = projectRoot();

/** How a file is named to the designer: from the project's root when it is inside it. */
export function shownPath(file: string): string {
  if (!root) return file;
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** "line 4, column 17" for a JSON.parse error that gives a position. */
function located(message: string, text: string): string {
  const at = /at position (\d+)/.exec(message);
  if (!at) return message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.replace(/\s*in JSON at position \d+.*$/, '')} (line ${line}, column ${column})`;
}

async function readJson(
  file: string,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `not valid JSON: ${located((err as Error).message, text)}` };
  }
}

/** Reads and merges the files; a file that cannot be read or parsed is the problem reported. */
export async function readContentFiles(files: ContentFiles): Promise<ContentRead> {
  const base = await readJson(files.base);
  if (!base.ok) return fileProblem(files.base, base.message);
  if (!files.overlay) return { ok: true, raw: base.value, fileFor: () => shownPath(files.base) };
  const overlayFile = files.overlay;
  const overlay = await readJson(overlayFile);
  if (!overlay.ok) return fileProblem(overlayFile, overlay.message);
  return {
    ok: true,
    raw: deepMerge(base.value, overlay.value),
    fileFor: (path) =>
      shownPath(path !== '' && valueAt(overlay.value, path) !== undefined ? overlayFile : files.base),
  };
}

function fileProblem(file: string, message: string): ContentRead {
  return { ok: false, problem: { source: shownPath(file), issues: [{ path: '', message }] } };
}
