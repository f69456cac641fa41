import { readFileSync } from 'node:fs';

/** tsx is already loaded, as the loader; importing its entry again would register it twice. */
const SKIP = new Set(['tsx']);

/**
 * Imports the server's third-party dependencies (fastify, socket.io, drizzle, PGlite, jose…):
 * about three quarters of a cold start's import time. They do not change when the sources do, so
 * a process can load them long before it is needed; the server's own import of them then finds
 * them in the module cache. The list is the server package's own dependencies (the workspace
 * packages' heavy ones are among them), read at run time so it cannot go stale.
 */
export async function preloadDependencies(packageJson: URL): Promise<void> {
  for (const name of dependencyNames(packageJson)) {
    // A module that fails here fails again, with the server's own context, when the server imports it.
    await import(name).catch(() => {});
  }
}

function dependencyNames(packageJson: URL): string[] {
  const parsed: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || !('dependencies' in parsed)) return [];
  const deps = parsed.dependencies;
  if (typeof deps !== 'object' || deps === null) return [];
  return Object.entries(deps)
    .filter(
      ([name, version]) =>
        typeof version === 'string' && !version.startsWith('workspace:') && !SKIP.has(name),
    )
    .map(([name]) => name);
}
