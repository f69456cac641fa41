import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIgnoredSource } from './watched-sources.js';

const repo = '/repo';
const ignored = (path: string) => isIgnoredSource(join(repo, path), repo);

describe('what restarts the dev server', () => {
  it('restarts for the code the server runs and its migrations', () => {
    expect(ignored('apps/server/src/main.ts')).toBe(false);
    expect(ignored('apps/server/src/dev/warm-start.ts')).toBe(false);
    expect(ignored('packages/engine/src/rooms/room.ts')).toBe(false);
    expect(ignored('packages/db/drizzle/0007_more.sql')).toBe(false);
    expect(ignored('packages/game/src/ship.ts')).toBe(false);
  });

  it('not for tests, test support, the build tool or the content files it applies live', () => {
    expect(ignored('apps/server/src/restart.test.ts')).toBe(true);
    expect(ignored('packages/engine/src/durable/test-support.ts')).toBe(true);
    expect(ignored('packages/engine/src/rooms/still-world.test-support.ts')).toBe(true);
    expect(ignored('apps/server/src/testing/server-process.ts')).toBe(true);
    expect(ignored('apps/server/src/build/compile.ts')).toBe(true);
    expect(ignored('packages/game/src/content.json')).toBe(true);
    expect(ignored('packages/game/src/content.fast.json')).toBe(true);
  });
});
