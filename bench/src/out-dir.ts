import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where every run writes its report (and profiles): bench/.out/, ignored by git and Biome. */
export const OUT_DIR = fileURLToPath(new URL('../.out/', import.meta.url));

/** Writes `bench/.out/<name>` and returns its path. */
export function writeOut(name: string, text: string): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = `${OUT_DIR}${name}`;
  writeFileSync(file, text);
  return file;
}
