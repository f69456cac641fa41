import { fileURLToPath } from 'node:url';

/** Locations in the monorepo the suites depend on, resolved from this file so any cwd works. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const serverDir = fileURLToPath(new URL('../../apps/server/', import.meta.url));
export const serverEntry = 'src/main.ts';
/** The built web client the server serves; `pnpm test:e2e` builds it before the suites run. */
export const webDist =
  process.env.WEB_DIST ?? fileURLToPath(new URL('../../apps/web/dist/', import.meta.url));
export const e2eDir = fileURLToPath(new URL('../', import.meta.url));
