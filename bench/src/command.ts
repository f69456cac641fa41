import { UsageError } from './args.js';
import { CLUSTER_USAGE, type ClusterOptions, parseClusterOptions } from './cluster-scenario.js';
import { CONN_USAGE, type ConnOptions, parseConnOptions } from './conn-options.js';
import { type BenchOptions, CROWD_USAGE, parseOptions } from './options.js';
import { STORE_USAGE } from './store-options.js';

/** What `pnpm bench` was asked to run. */
export type Command =
  | { scenario: 'crowd'; opts: BenchOptions }
  | { scenario: 'idle' | 'fanout'; opts: ConnOptions }
  | { scenario: 'cluster'; opts: ClusterOptions };

export const USAGE = `usage: pnpm bench [-- --scenario crowd|idle|fanout|cluster] [options]

${CROWD_USAGE}

${CONN_USAGE}

${CLUSTER_USAGE}

every scenario: where the Perihelion server keeps its data
${STORE_USAGE}

Every scenario starts its own servers and bot processes, prints a live progress line, stops by
itself (Ctrl-C stops early) and writes its report to bench/.out/.`;

const SCENARIOS = ['crowd', 'idle', 'fanout', 'cluster'] as const;

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
      throw new UsageError(
        `--scenario takes crowd, idle, fanout or cluster, got ${JSON.stringify(raw ?? '')}`,
      );
    }
    scenario = raw as (typeof SCENARIOS)[number];
  }
  if (scenario === 'crowd') return { scenario, opts: parseOptions(rest) };
  if (scenario === 'cluster') return { scenario, opts: parseClusterOptions(rest) };
  return { scenario, opts: parseConnOptions(scenario, rest) };
}
