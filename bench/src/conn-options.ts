import { positiveInteger, positiveNumber, UsageError, walkArgs, zeroOrPositive } from './args.js';
import {
  checkStoreOptions,
  defaultStoreOptions,
  parseStoreFlag,
  type StoreOptions,
  storeCommandLine,
} from './store-options.js';

/** The server under test: Perihelion, or a bare Socket.IO server doing the minimum (baseline). */
export type TargetKind = 'perihelion' | 'bare';

/** Options of the `idle` and `fanout` scenarios (many connections, each like an idle browser tab). */
export interface ConnOptions extends StoreOptions {
  scenario: 'idle' | 'fanout';
  /** Connections (idle: `--connections`; fanout: `--subscribers`). */
  clients: number;
  /** Servers measured, in this order, each fresh, with the same fleet. */
  targets: TargetKind[];
  /** Bot processes (null: one per 12,500 connections, more if the open-files limit needs it). */
  fleets: number | null;
  /** Connection attempts in flight at once, over all bot processes. */
  concurrency: number;
  /** Quiet time after the last connection, before anything is measured. */
  settleSeconds: number;
  /** idle: the window in which only heartbeats run. */
  idleSeconds: number;
  /** fanout: messages published, and the time between them. */
  messages: number;
  intervalMs: number;
  /** fanout: characters of each message's text (the rest of the payload is the same for both servers). */
  textLength: number;
  /** Before each server, wait up to this long for other processes to go quiet (0: don't wait). */
  quietSeconds: number;
  /** Write V8 CPU profiles of the servers to bench/.out/profiles/<scenario>-<server>. */
  profile: boolean;
}

export const DEFAULT_IDLE_CONNECTIONS = 50_000;
export const DEFAULT_FANOUT_SUBSCRIBERS = 10_000;

export function defaultConnOptions(scenario: ConnOptions['scenario']): ConnOptions {
  return {
    scenario,
    clients: scenario === 'idle' ? DEFAULT_IDLE_CONNECTIONS : DEFAULT_FANOUT_SUBSCRIBERS,
    targets: ['perihelion', 'bare'],
    ...defaultStoreOptions(),
    fleets: null,
    concurrency: 256,
    settleSeconds: 10,
    idleSeconds: 30,
    messages: 20,
    intervalMs: 1000,
    textLength: 100,
    quietSeconds: 0,
    profile: false,
  };
}

export const CONN_USAGE = `idle: N idle tabs (session, /chat, subscribed to global), memory and heartbeat CPU
fanout: S such subscribers, K messages published to global, delivery latency
  --connections 50000   idle: connections (one per tab)
  --subscribers 10000   fanout: subscribers
  --messages 20         fanout: messages published (via the publish API / the baseline's endpoint)
  --interval 1000       fanout: ms between messages
  --text-length 100     fanout: characters of each message's text
  --idle-seconds 30     idle: the heartbeat-only window measured for CPU
  --settle 10           seconds of quiet after the last connection, before measuring
  --servers perihelion,bare   which servers, in this order (bare = plain Socket.IO 4.8 baseline)
  --fleets N            bot processes (default: one per 12,500 connections)
  --concurrency 256     connection attempts in flight, over all bot processes
  --quiet 600           before each server, wait up to 600 s for other processes to go quiet
  --profile             write server CPU profiles to bench/.out/profiles/<scenario>-<server>`;

const SERVER_KINDS: readonly TargetKind[] = ['perihelion', 'bare'];

/** Parses the idle / fanout scenario's flags; throws UsageError for anything else. */
export function parseConnOptions(scenario: ConnOptions['scenario'], argv: readonly string[]): ConnOptions {
  const opts = defaultConnOptions(scenario);
  walkArgs(argv, (flag, value, arg) => {
    switch (flag) {
      case '--connections':
      case '--subscribers':
        if ((flag === '--connections') !== (scenario === 'idle')) {
          throw new UsageError(`${flag} is for the ${scenario === 'idle' ? 'fanout' : 'idle'} scenario`);
        }
        opts.clients = positiveInteger(flag, value());
        break;
      case '--messages':
        opts.messages = positiveInteger(flag, value());
        break;
      case '--interval':
        opts.intervalMs = positiveNumber(flag, value());
        break;
      case '--text-length':
        opts.textLength = positiveInteger(flag, value());
        if (opts.textLength > 400) throw new UsageError('--text-length is at most 400 (chat text limit)');
        break;
      case '--idle-seconds':
        opts.idleSeconds = positiveNumber(flag, value());
        break;
      case '--settle':
        opts.settleSeconds = positiveNumber(flag, value());
        break;
      case '--servers': {
        const kinds = (value() ?? '').split(',').map((s) => s.trim());
        const bad = kinds.find((k) => !SERVER_KINDS.includes(k as TargetKind));
        if (bad !== undefined) throw new UsageError(`--servers takes perihelion and/or bare, got "${bad}"`);
        opts.targets = kinds as TargetKind[];
        break;
      }
      case '--fleets':
        opts.fleets = positiveInteger(flag, value());
        break;
      case '--concurrency':
        opts.concurrency = positiveInteger(flag, value());
        break;
      case '--quiet':
        opts.quietSeconds = zeroOrPositive(flag, value());
        break;
      case '--profile':
        opts.profile = true;
        break;
      default:
        if (!parseStoreFlag(opts, flag, value)) {
          throw new UsageError(`unknown option ${arg} for the ${scenario} scenario`);
        }
    }
  });
  checkStoreOptions(opts);
  return opts;
}

/** The command line that reproduces a run (for the report). */
export function connCommandLine(opts: ConnOptions): string {
  const d = defaultConnOptions(opts.scenario);
  const parts = ['pnpm bench --', `--scenario ${opts.scenario}`];
  parts.push(`${opts.scenario === 'idle' ? '--connections' : '--subscribers'} ${opts.clients}`);
  if (opts.scenario === 'fanout') {
    parts.push(`--messages ${opts.messages}`, `--interval ${opts.intervalMs}`);
    if (opts.textLength !== d.textLength) parts.push(`--text-length ${opts.textLength}`);
  } else {
    parts.push(`--idle-seconds ${opts.idleSeconds}`);
  }
  if (opts.settleSeconds !== d.settleSeconds) parts.push(`--settle ${opts.settleSeconds}`);
  if (opts.targets.join() !== d.targets.join()) parts.push(`--servers ${opts.targets.join(',')}`);
  parts.push(...storeCommandLine(opts));
  if (opts.fleets !== null) parts.push(`--fleets ${opts.fleets}`);
  if (opts.concurrency !== d.concurrency) parts.push(`--concurrency ${opts.concurrency}`);
  if (opts.quietSeconds > 0) parts.push(`--quiet ${opts.quietSeconds}`);
  if (opts.profile) parts.push('--profile');
  return parts.join(' ');
}
