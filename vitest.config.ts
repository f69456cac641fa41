import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // apps/web: unit tests of its DOM-free models only (node environment); the page itself is e2e's.
    include: ['packages/*/src/**/*.test.ts', 'apps/server/src/**/*.test.ts', 'apps/web/src/**/*.test.ts'],
    testTimeout: 20_000,
    // Generous: a suite's server opens a fresh PGlite (initdb) and the machine may be busy.
    hookTimeout: 60_000,
  },
});
