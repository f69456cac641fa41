import { pathToFileURL } from 'node:url';
import { preloadDependencies } from './preload-dependencies.js';
import { holdChannel, sendToRunner, waitForRunner } from './runner-channel.js';

/**
 * The entry of every server process the dev runner starts (argv[2]: the server's entry module).
 * It loads the third-party modules at once, then waits: when a source changes the runner tells it
 * to import the server's entry, which only has the project's own modules left to load. The
 * channel is held until the server says it is warm (warm-start.ts takes over from there).
 */
const entry = process.argv[2];
if (!entry) {
  console.error('usage: standby.ts <server entry module>');
  process.exit(2);
}
holdChannel(true);
await preloadDependencies(new URL('../../package.json', import.meta.url));
sendToRunner({ type: 'standby' });
await waitForRunner('load');
try {
  await import(pathToFileURL(entry).href);
} catch (err) {
  // A syntax error or a module that throws while loading: the runner keeps the old server.
  console.error(err);
  process.exit(1);
}
