import { UsageError } from './args.js';
import { CONN_USAGE, type ConnOptions, parseConnOptions } from './conn-options.js';
import { type BenchOptions, CROWD_USAGE, parseOptions } from './options.js';
import { STORE_USAGE } from './store-options.js';

/** What `pnpm bench` was asked to run. */
export type Command =
  | { scenario: 'crowd'; opts: BenchOptions }
  | { scenario: 'idle' | 'fanout'; opts: ConnOptions };

export const USAGE = `usage: pnpm bench [-- --scenario crowd|idle|fanout] [options]

${CROWD_USAGE}

${CONN_USAGE}

every scenario: where the Perihelion server keeps its data
${STORE_USAGE}

Every scenario starts its own servers and bot processes, prints a live progress line, stops by
itself (Ctrl-C stops early) and writes its report to bench/.out/.`;

const SCENARIOS = ['crowd', 'idle', 'fanout'] as const;

/** Picks the scenario (`--scenario`, default crowd) and parses the rest of the flags for it. */
export function parseCommand(argv: readonly string[]): Command {
  if (argv.includes('--help') || argv.includes('-h')) throw new UsageError(USAGE);
  let scenario: (typeof SCENARIOS)[number] = 'crowd';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg !== '--scenario' && !arg.startsWith('--scenario=')) {
      rest.push(arg);
      continue;
    }
    const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
    if (!SCENARIOS.includes(raw as (typeof SCENARIOS)[number])) {
      throw new UsageError(`--scenario takes crowd, idle or fanout, got ${JSON.stringify(raw ?? '')}`);
    }
    scenario = raw as (typeof SCENARIOS)[number];
  }
  return scenario === 'crowd'
    ? { scenario, opts: parseOptions(rest) }
    : { scenario, opts: parseConnOptions(scenario, rest) };
}
