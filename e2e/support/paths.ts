import { fileURLToPath } from 'node:url';

/** Locations in the monorepo the suites depend on, resolved from this file so any cwd works. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The built web client the server serves; `pnpm test:e2e` builds it before the suites run. */
export const webDist =
  process.env.WEB_DIST ?? fileURLToPath(new URL('../../apps/web/dist/', import.meta.url));
export const e2eDir = fileURLToPath(new URL('../', import.meta.url));
/** Game content for the suites: quick builds, no raids (overrides merged onto the default content). */
export const e2eContent = fileURLToPath(new URL('../fixtures/content.e2e.json', import.meta.url));
/** The publish API key the suites' server is started with (the tests publish like a backend would). */
export const e2eApiKey = 'e2e-publish-api-key-0123456789';
