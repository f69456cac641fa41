import { sectorIdSchema } from '@perihelion/protocol';
import { positiveInteger, positiveNumber, UsageError, walkArgs, zeroOrPositive } from './args.js';
import type { BotKind } from './fleet/fleet-bot.js';
import {
  checkStoreOptions,
  defaultStoreOptions,
  parseStoreFlag,
  type StoreOptions,
} from './store-options.js';

/** Options of the crowded-sector scenario, e.g. `pnpm bench -- --bots 50,100 --seconds 20`. */
export interface BenchOptions extends StoreOptions {
  /** One run per entry, each against a fresh server. */
  bots: number[];
  /** Length of the measurement window. */
  seconds: number;
  /**
   * Steady-state time between "all bots joined" and the measurement window. At least 10 s by
   * default: the server's tick-time Summary covers its last 20–30 s, and with a 20 s window a
   * 10 s warm-up keeps the join ramp out of it.
   */
  warmupSeconds: number;
  sector: string;
  /** Write a V8 CPU profile of each server run into bench/.out/profiles. */
  profile: boolean;
  /**
   * Sampling interval of the server's event-loop delay monitor (prom-client's
   * eventLoopMonitoringPrecision in apps/server/src/metrics.ts). Node's monitor reports the whole
   * interval between samples, so an idle loop reads as this value; it is subtracted to get lag.
   */
  eldResolutionMs: number;
  /** Before each run, wait up to this long for other processes to go quiet (0: don't wait). */
  quietSeconds: number;
  /**
   * The server's SNAPSHOT_RATE: snapshots per second each client is sent. The bench asks for 20
   * (the rate the issue measures at 30 Hz ticks); the server's own default is 15.
   */
  snapshotRate: number;
  /**
   * After the window the bots leave; the server's memory is read again this long after (0: not at
   * all). It keeps a dropped player's session for its resume grace (RESUME_GRACE_MS, 60 s).
   */
  afterLeaveSeconds: number;
  /** `wire` (default): lean bots that read snapshot headers only; `sdk`: full GameClients. */
  botClient: BotKind;
  /** Bot processes; null: one per BOTS_PER_PROCESS bots of the kind. */
  botProcesses: number | null;
  /** After each Perihelion row, the same bots against the bare Socket.IO crowd server. */
  baseline: boolean;
}

/** Bots one process flies without its own event loop becoming the limit (measured; RESULTS.md). */
export const BOTS_PER_PROCESS: Record<BotKind, number> = { wire: 500, sdk: 200 };

/** The bot processes a run of `bots` uses. */
export function botProcessesFor(
  opts: Pick<BenchOptions, 'botClient' | 'botProcesses'>,
  bots: number,
): number {
  return opts.botProcesses ?? Math.max(1, Math.ceil(bots / BOTS_PER_PROCESS[opts.botClient]));
}

export function defaultOptions(): BenchOptions {
  return {
    bots: [50, 100, 250],
    seconds: 20,
    warmupSeconds: 10,
    sector: 'bench',
    profile: false,
    eldResolutionMs: 10,
    quietSeconds: 0,
    snapshotRate: 20,
    afterLeaveSeconds: 70,
    botClient: 'wire',
    botProcesses: null,
    baseline: false,
    ...defaultStoreOptions(),
  };
}

export const CROWD_USAGE = `crowd (the default): one crowded sector of game bots
  --bots 50,100,250     bot counts, one fresh server per count
  --seconds 20          measurement window
  --warmup 10           steady-state warm-up before measuring
  --sector bench        sector id the bots join
  --profile             write server CPU profiles to bench/.out/profiles (the baseline's in bare/)
  --eld-resolution 10   server event-loop monitor interval in ms (subtracted from lag)
  --quiet 600           before each run, wait up to 600 s for other processes to go quiet
  --snapshot-rate 20    the server's SNAPSHOT_RATE, snapshots/s per client (the server's default: 15)
  --after-leave 70      after the window all bots leave; read the server's memory this many seconds
                        later (it keeps dropped players for its 60 s resume grace; 0: skip)
  --bot-client wire     wire: lean bots, the same traffic as the SDK's but reading only snapshot
                        headers; sdk: full GameClients (decode and predict; ~200 per core)
  --bot-processes N     bot processes (default: one per 500 wire or 200 sdk bots)
  --baseline            after each row, the same bots against a bare Socket.IO server sending
                        snapshots of the same size (the floor of the wire on this machine)
  --store, --database-url   see below (with postgres, each bot count gets its own scratch database)`;

/** Parses the crowd scenario's flags; throws UsageError for anything else. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const opts = defaultOptions();
  walkArgs(argv, (flag, value, arg) => {
    switch (flag) {
      case '--bots': {
        const raw = value() ?? '';
        const counts = raw.split(',').map((s) => positiveNumber('--bots', s.trim()));
        if (counts.some((n) => !Number.isInteger(n))) throw new UsageError('--bots takes whole numbers');
        opts.bots = counts;
        break;
      }
      case '--seconds':
        opts.seconds = positiveNumber(flag, value());
        break;
      case '--warmup':
        opts.warmupSeconds = positiveNumber(flag, value());
        break;
      case '--sector': {
        const parsed = sectorIdSchema.safeParse(value() ?? '');
        if (!parsed.success) throw new UsageError(`--sector: ${parsed.error.issues[0]?.message}`);
        opts.sector = parsed.data;
        break;
      }
      case '--profile':
        opts.profile = true;
        break;
      case '--eld-resolution':
        opts.eldResolutionMs = positiveNumber(flag, value());
        break;
      case '--quiet':
        opts.quietSeconds = zeroOrPositive(flag, value());
        break;
      case '--snapshot-rate':
        opts.snapshotRate = positiveInteger(flag, value());
        break;
      case '--after-leave':
        opts.afterLeaveSeconds = zeroOrPositive(flag, value());
        break;
      case '--bot-client': {
        const kind = value();
        if (kind !== 'wire' && kind !== 'sdk') throw new UsageError('--bot-client takes wire or sdk');
        opts.botClient = kind;
        break;
      }
      case '--baseline':
        opts.baseline = true;
        break;
      case '--bot-processes':
        opts.botProcesses = positiveInteger(flag, value());
        break;
      default:
        if (!parseStoreFlag(opts, flag, value)) {
          throw new UsageError(`unknown option ${arg} for the crowd scenario`);
        }
    }
  });
  checkStoreOptions(opts);
  return opts;
}
