import { channelNameSchema } from '@perihelion/protocol';
import { DIRECT_PREFIX, SECTOR_PREFIX, TEAM_PREFIX } from './channel-rules.js';

/** How a game sets up its channels (the names it declares, retention, presence, publish rate). */
export interface ChannelConfig {
  /** Channel names anyone signed in reads and writes (e.g. `global`). */
  public: string[];
  /** Channel names anyone reads and only admins, the server and the publish API write. */
  readonly: string[];
  /** Messages kept per channel (≥ 1); older ones are pruned and reported as a gap. */
  retention: number;
  /** How long a player stays present after their last connection left a channel. */
  presenceGraceMs: number;
  /**
   * How long presence changes are gathered before one batch goes to the channel (default 250 ms;
   * a change of the count alone, in a channel with more players than it lists, waits up to 2 s).
   */
  presenceBatchMs?: number;
  /** Publishes per player (all their connections together). */
  publishRate: { perSecond: number; burst: number };
}

/**
 * What is wrong with a channel configuration, or null. Checked once at start, so a typo in a
 * channel list stops the server with a message instead of silently making a channel unreachable.
 */
export function channelConfigProblem(config: ChannelConfig): string | null {
  const seen = new Set<string>();
  for (const name of [...config.public, ...config.readonly]) {
    if (!channelNameSchema.safeParse(name).success) return `"${name}" is not a valid channel name`;
    if ([SECTOR_PREFIX, TEAM_PREFIX, DIRECT_PREFIX].some((p) => name.startsWith(p))) {
      return `"${name}" uses a reserved prefix (${SECTOR_PREFIX}, ${TEAM_PREFIX}, ${DIRECT_PREFIX})`;
    }
    if (seen.has(name)) return `"${name}" is listed twice`;
    seen.add(name);
  }
  if (!Number.isSafeInteger(config.retention) || config.retention < 1) {
    return `retention must be a positive integer, got ${config.retention}`;
  }
  if (!Number.isFinite(config.presenceGraceMs) || config.presenceGraceMs < 0) {
    return `presence grace must be a non-negative number of ms, got ${config.presenceGraceMs}`;
  }
  const batch = config.presenceBatchMs;
  if (batch !== undefined && (!Number.isFinite(batch) || batch < 0)) {
    return `presence batch must be a non-negative number of ms, got ${batch}`;
  }
  const { perSecond, burst } = config.publishRate;
  if (!(perSecond > 0) || !Number.isFinite(perSecond))
    return `publish rate must be positive, got ${perSecond}`;
  if (!(burst >= 1) || !Number.isFinite(burst)) return `publish burst must be at least 1, got ${burst}`;
  return null;
}
