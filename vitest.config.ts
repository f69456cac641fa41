import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // apps/web: unit tests of its DOM-free models only (node environment); the page itself is e2e's.
    include: ['packages/*/src/**/*.test.ts', 'apps/server/src/**/*.test.ts', 'apps/web/src/**/*.test.ts'],
    // Guards against a hang, not speed limits: on a busy machine (CI shares its two cores) a test
    // that starts servers and waits for conditions can take a minute and must still pass.
    testTimeout: 120_000,
    // A suite's server opens a fresh PGlite (initdb), slow on a busy machine.
    hookTimeout: 120_000,
  },
});
