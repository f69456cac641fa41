/**
 * `pnpm bench`: runs one scenario (`--scenario crowd|idle|fanout|cluster`, crowd by default) against fresh
 * server processes with separate bot processes, shows a live progress line, prints the results and
 * writes them to bench/.out/. A benchmark measures; it never asserts. See bench/RESULTS.md.
 */
import { UsageError } from './args.js';
import { stopAllChildren } from './children.js';
import { runClusterScenario } from './cluster-scenario.js';
import { type Command, parseCommand, USAGE } from './command.js';
import { runConnScenario } from './conn-scenario.js';
import { runCrowd } from './crowd.js';
import { LiveLine } from './live-line.js';

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError && err.message === USAGE) {
      console.log(USAGE);
      return 0;
    }
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }

  const line = new LiveLine();
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      line.log(`\n${signal}: stopping the servers and the bots…`);
      abort.abort();
    } else {
      // Impatient: kill everything now.
      void stopAllChildren(500).then(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  switch (command.scenario) {
    case 'crowd':
      return runCrowd(command.opts, line, abort.signal);
    case 'cluster':
      return runClusterScenario(command.opts, line, abort.signal);
    default:
      return runConnScenario(command.opts, line, abort.signal);
  }
}

main().then(
  async (code) => {
    await stopAllChildren();
    process.exit(code);
  },
  async (err: unknown) => {
    console.error(err);
    await stopAllChildren();
    process.exit(1);
  },
);
