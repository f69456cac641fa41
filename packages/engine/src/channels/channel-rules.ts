import {
  type ChannelKind,
  channelNameSchema,
  directParticipants,
  type ErrorPayload,
  protocolError,
} from '@perihelion/protocol';
import type { Principal } from '../auth/principal.js';

/*
 * Who may read and write which channel. The server decides, from the connection's verified
 * principal and the store, never from what a client claims; each kind has exactly one rule for
 * subscribing and one for publishing, so a new kind cannot inherit a permission by accident.
 */

/** The channel names a game declares; everything else is recognised by its prefix. */
export interface ChannelNames {
  /** Anyone signed in reads and writes (e.g. `global`). */
  public: readonly string[];
  /** Anyone signed in reads; only admins, the server and the publish API write (`announcements`). */
  readonly: readonly string[];
}

export const SECTOR_PREFIX = 'sector:';
export const TEAM_PREFIX = 'team:';
export const DIRECT_PREFIX = 'dm:';

/** The kind of a channel name, or null when it names no channel (the caller answers NOT_FOUND). */
export function channelKindOf(names: ChannelNames, channel: string): ChannelKind | null {
  if (!channelNameSchema.safeParse(channel).success) return null;
  if (names.public.includes(channel)) return 'public';
  if (names.readonly.includes(channel)) return 'readonly';
  if (channel.startsWith(SECTOR_PREFIX) && channel.length > SECTOR_PREFIX.length) return 'sector';
  if (channel.startsWith(TEAM_PREFIX) && channel.length > TEAM_PREFIX.length) return 'private';
  if (directParticipants(channel)) return 'direct';
  return null;
}

/** What a rule may ask about the world; asked lazily, so a rule pays only for what it needs. */
export interface RuleContext {
  /** The sector the player is in now (on this node), or null. */
  sectorOf(playerId: string): string | null;
  /** Whether the player is a member of a private channel (the store's channel_members). */
  isMember(channel: string, playerId: string): Promise<boolean>;
  /** Whether a player with this id exists (a direct message needs a real recipient). */
  playerExists(playerId: string): Promise<boolean>;
}

/** Allowed, or the error the client is told. */
export type Decision = { ok: true } | { ok: false; error: ErrorPayload };

export interface KindRules {
  /**
   * Whether a permission to read can be taken away while subscribed (leaving a sector, removal
   * from a team): such subscriptions are registered before the check and checked again by every
   * directory refresh. The others are checked once, before anything is tracked.
   */
  readonly revocable: boolean;
  subscribe(who: Principal, channel: string, ctx: RuleContext): Promise<Decision>;
  publish(who: Principal, channel: string, ctx: RuleContext): Promise<Decision>;
}

const ALLOW: Decision = { ok: true };

const deny = (message: string): Decision => ({ ok: false, error: protocolError('FORBIDDEN', message) });

const notFound = (message: string): Decision => ({ ok: false, error: protocolError('NOT_FOUND', message) });

const sectorIdOf = (channel: string) => channel.slice(SECTOR_PREFIX.length);

/**
 * A player this node knows in no sector (e.g. right after a restart, before their game connection
 * joined again) is told to retry, not refused: they may well be in that sector a moment later.
 */
function inSector(who: Principal, channel: string, ctx: RuleContext): Decision {
  const sector = ctx.sectorOf(who.playerId);
  if (sector === null) {
    return {
      ok: false,
      error: protocolError('UNAVAILABLE', `not in a sector yet; retry once you have joined one (${channel})`),
    };
  }
  return sector === sectorIdOf(channel)
    ? ALLOW
    : deny(`only players in sector "${sectorIdOf(channel)}" may use ${channel}`);
}

async function member(who: Principal, channel: string, ctx: RuleContext): Promise<Decision> {
  return (await ctx.isMember(channel, who.playerId)) ? ALLOW : deny(`${channel} is for its members only`);
}

/** One of the pair, and the other one exists (a conversation with nobody is no channel). */
async function participant(who: Principal, channel: string, ctx: RuleContext): Promise<Decision> {
  const pair = directParticipants(channel);
  if (!pair?.includes(who.playerId)) return deny('direct messages are for their two players only');
  const peer = pair[0] === who.playerId ? pair[1] : pair[0];
  return (await ctx.playerExists(peer)) ? ALLOW : notFound(`there is no player "${peer}"`);
}

/**
 * One rule per kind. Admins get no extra reads: a team's or a pair's messages stay theirs. The
 * admin role only adds writing to read-only channels.
 */
export const channelRules: Readonly<Record<ChannelKind, KindRules>> = {
  public: {
    revocable: false,
    subscribe: async () => ALLOW,
    publish: async () => ALLOW,
  },
  readonly: {
    revocable: false,
    subscribe: async () => ALLOW,
    publish: async (who, channel) =>
      who.role === 'admin' ? ALLOW : deny(`${channel} is read-only; only admins and the server post there`),
  },
  private: {
    revocable: true,
    subscribe: member,
    publish: member,
  },
  sector: {
    revocable: true,
    subscribe: async (who, channel, ctx) => inSector(who, channel, ctx),
    publish: async (who, channel, ctx) => inSector(who, channel, ctx),
  },
  direct: {
    revocable: false,
    subscribe: participant,
    publish: participant,
  },
};
