import { ConfigError, loadConfig } from './config.js';
import { startWhenTold } from './dev/warm-start.js';
import { createLogger } from './logger.js';
import { prepareServer } from './server.js';

/** A shutdown that takes longer than this is cut short (within a typical 30 s kill grace). */
const SHUTDOWN_LIMIT_MS = 20_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config);
  // Everything that needs no store is built first; under the dev runner (pnpm dev) that happens
  // while the previous server still serves, and start() waits until it has stopped.
  const prepared = await prepareServer(config, logger);
  const server = await startWhenTold(() => prepared.start());
  logger.info({ url: server.url }, 'listening');
  if (process.stdout.isTTY) console.log(`\n  Perihelion is running: ${server.url}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A drain saves and hands over every sector and lets the players' moves go out first.
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    force.unref();
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
