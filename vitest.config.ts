import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/server/src/**/*.test.ts'],
    testTimeout: 20_000,
    // Generous: a suite's server opens a fresh PGlite (initdb) and the machine may be busy.
    hookTimeout: 60_000,
  },
});
