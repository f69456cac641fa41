import { readFile, writeFile } from 'node:fs/promises';
import { valueAt } from '@perihelion/game';
import type { TuningValue } from '@perihelion/protocol';
import { applyEdits, modify, parse } from 'jsonc-parser';
import { type ContentFiles, shownPath } from './content-files.js';
import type { Tuned } from './live-content.js';

export interface WrittenFile {
  file: string;
  paths: string[];
}

/**
 * Development: writes tuned values into the content files, each where a designer would look for
 * it (the profile's or override file when it sets that value, else content.json). Only the values
 * change: the files keep their layout, key order and formatting (jsonc-parser edits the text).
 */
export async function writeTunedToFiles(files: ContentFiles, tuned: Tuned): Promise<WrittenFile[]> {
  const overlayText = files.overlay ? await readFile(files.overlay, 'utf8') : null;
  const overlay: unknown = overlayText === null ? undefined : parse(overlayText);
  const byFile = new Map<string, Array<[string, TuningValue]>>();
  for (const [path, value] of Object.entries(tuned)) {
    const file = files.overlay && valueAt(overlay, path) !== undefined ? files.overlay : files.base;
    byFile.set(file, [...(byFile.get(file) ?? []), [path, value]]);
  }
  const written: WrittenFile[] = [];
  for (const [file, values] of byFile) {
    let text = await readFile(file, 'utf8');
    for (const [path, value] of values) {
      const edits = modify(text, path.split('.'), value, {
        formattingOptions: { insertSpaces: true, tabSize: 2 },
      });
      text = applyEdits(text, edits);
    }
    await writeFile(file, text);
    written.push({ file: shownPath(file), paths: values.map(([path]) => path) });
  }
  return written;
}
