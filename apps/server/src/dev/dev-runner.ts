import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DevSupervisor } from './dev-supervisor.js';
import { ServerChild } from './server-child.js';
import { shortPath, watchSources } from './source-watcher.js';
import { isIgnoredSource, SERVER_SOURCE_ROOTS } from './watched-sources.js';

/**
 * `pnpm dev` for the server: runs it and restarts it when its sources change, with the next
 * process loaded while the current one still serves (see DevSupervisor). Players see only the
 * switch-over: the old server saving its sectors, the new one opening the store and listening.
 *
 *   tsx src/dev/dev-runner.ts [--entry src/main.ts] [--watch <dir>]…
 *
 * --watch replaces the default source directories (SERVER_SOURCE_ROOTS); the environment is
 * passed to the server as it is.
 */

/** Sectors are saved within a second or two; a stop that takes this long is stuck. */
const STOP_GRACE_MS = 10_000;
/** An editor's save comes as a few events within milliseconds; a checkout within about a second. */
const DEBOUNCE_MS = 150;

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

const { values } = parseArgs({
  options: {
    entry: { type: 'string', default: 'src/main.ts' },
    watch: { type: 'string', multiple: true },
  },
});
const entry = resolve(values.entry);
const roots =
  values.watch?.map((dir) => resolve(dir)) ?? SERVER_SOURCE_ROOTS.map((dir) => resolve(repoRoot, dir));

const log = (line: string) => console.log(`[dev] ${line}`);
const warn = (line: string) => console.error(`[dev] ✗ ${line}`);

const supervisor = new DevSupervisor({
  spawn: () => ServerChild.spawn({ entry, cwd: process.cwd(), env: process.env }),
  stopGraceMs: STOP_GRACE_MS,
  log,
  warn,
});
const watcher = watchSources({
  roots,
  ignore: (file) => isIgnoredSource(file, repoRoot),
  debounceMs: DEBOUNCE_MS,
  onChange: (files) => supervisor.changed(files.map((file) => shortPath(file, process.cwd()))),
  onError: (root, err) => warn(`cannot watch ${root}: ${err.message}`),
});
log(`watching ${roots.map((root) => shortPath(root, process.cwd())).join(', ')}`);
supervisor.start();

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping the server`);
  watcher.close();
  supervisor.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
