import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultContent } from '@perihelion/game';
import { describe, expect, it } from 'vitest';
import { contentFilesFor, readContentFiles } from './content-files.js';
import { LiveContent } from './live-content.js';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'perihelion-files-')), 'content.json');
  writeFileSync(path, text);
  return path;
}

describe('content files', () => {
  it('merge the overlay onto content.json, and say which file sets a value', async () => {
    const files = contentFilesFor('fast');
    const read = await readContentFiles(files);
    if (!read.ok) throw new Error('the game content files do not read');
    expect(read.fileFor('structures.station-core.buildSeconds')).toMatch(/content\.fast\.json$/);
    expect(read.fileFor('ship.maxSpeed')).toMatch(/packages\/game\/src\/content\.json$/);
  });

  it('report a JSON syntax error with its line and column', async () => {
    const overlay = file('{\n  "ship": {\n    "maxSpeed": 300,\n  }\n}');
    const read = await readContentFiles({ base: contentFilesFor('default').base, overlay });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problem.source).toBe(overlay);
    expect(read.problem.issues).toEqual([
      { path: '', message: expect.stringMatching(/not valid JSON: .*\(line 4, column \d+\)/) },
    ]);
  });
});

describe('LiveContent', () => {
  it('keeps the last good content on an invalid base and reports it, until a valid one clears it', () => {
    const live = new LiveContent(defaultContent);
    const versions: string[] = [];
    const problems: unknown[] = [];
    live.onChange((c) => versions.push(c.version));
    live.onProblem((p) => problems.push(p));
    const bad = live.setBase(
      { ...defaultContent, ship: { ...defaultContent.ship, drag: 99 } },
      () => 'content.json',
    );
    expect(bad.ok).toBe(false);
    expect(live.current).toBe(defaultContent);
    expect(problems).toEqual([
      { source: 'content.json', issues: [{ path: 'ship.drag', message: expect.any(String) }] },
    ]);
    live.setBase({ ...defaultContent, ship: { ...defaultContent.ship, drag: 1 } }, () => 'content.json');
    expect(live.current.ship.drag).toBe(1);
    expect(problems.at(-1)).toBeNull();
    expect(versions).toHaveLength(1);
  });

  it('puts tuned values on top of the files, and keeps them through a file edit that still fits', () => {
    const live = new LiveContent(defaultContent);
    expect(live.setTuned({ 'ship.maxSpeed': 123 }).ok).toBe(true);
    live.setBase({ ...defaultContent, ship: { ...defaultContent.ship, thrust: 500 } }, () => 'content.json');
    expect(live.current.ship).toMatchObject({ maxSpeed: 123, thrust: 500 });
    // Same values, same version: nothing to announce.
    const version = live.version;
    live.setBase({ ...defaultContent, ship: { ...defaultContent.ship, thrust: 500 } }, () => 'content.json');
    expect(live.version).toBe(version);
  });

  it('drops a tuned value whose path a file edit removes, and says which', () => {
    const live = new LiveContent(defaultContent);
    const tuned = { 'structures.shield-module.buildSeconds': 7, 'ship.maxSpeed': 123 };
    expect(live.setTuned(tuned).ok).toBe(true);
    const { 'shield-module': _removed, ...structures } = defaultContent.structures;
    const result = live.setBase({ ...defaultContent, structures }, () => 'content.json');
    expect(result).toMatchObject({ ok: true, dropped: ['structures.shield-module.buildSeconds'] });
    expect(live.tuned).toEqual({ 'ship.maxSpeed': 123 });
    expect(live.current.structures['shield-module']).toBeUndefined();
  });
});
