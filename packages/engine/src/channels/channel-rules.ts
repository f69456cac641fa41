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
  subscribe(who: Principal, channel: string, ctx: RuleContext): Promise<Decision>;
  publish(who: Principal, channel: string, ctx: RuleContext): Promise<Decision>;
}

const ALLOW: Decision = { ok: true };

const deny = (message: string): Decision => ({ ok: false, error: protocolError('FORBIDDEN', message) });

const notFound = (message: string): Decision => ({ ok: false, error: protocolError('NOT_FOUND', message) });

const sectorIdOf = (channel: string) => channel.slice(SECTOR_PREFIX.length);

function inSector(who: Principal, channel: string, ctx: RuleContext): Decision {
  return ctx.sectorOf(who.playerId) === sectorIdOf(channel)
    ? ALLOW
    : deny(`only players in sector "${sectorIdOf(channel)}" may use ${channel}`);
}

async function member(who: Principal, channel: string, ctx: RuleContext): Promise<Decision> {
  return (await ctx.isMember(channel, who.playerId)) ? ALLOW : deny(`${channel} is for its members only`);
}

function participant(who: Principal, channel: string): Decision {
  const pair = directParticipants(channel);
  return pair?.includes(who.playerId) ? ALLOW : deny('direct messages are for their two players only');
}

/**
 * One rule per kind. Admins get no extra reads: a team's or a pair's messages stay theirs. The
 * admin role only adds writing to read-only channels.
 */
export const channelRules: Readonly<Record<ChannelKind, KindRules>> = {
  public: {
    subscribe: async () => ALLOW,
    publish: async () => ALLOW,
  },
  readonly: {
    subscribe: async () => ALLOW,
    publish: async (who, channel) =>
      who.role === 'admin' ? ALLOW : deny(`${channel} is read-only; only admins and the server post there`),
  },
  private: {
    subscribe: member,
    publish: member,
  },
  sector: {
    subscribe: async (who, channel, ctx) => inSector(who, channel, ctx),
    publish: async (who, channel, ctx) => inSector(who, channel, ctx),
  },
  direct: {
    subscribe: async (who, channel) => participant(who, channel),
    publish: async (who, channel, ctx) => {
      const allowed = participant(who, channel);
      if (!allowed.ok) return allowed;
      const peer = directParticipants(channel)!.find((id) => id !== who.playerId)!;
      return (await ctx.playerExists(peer)) ? ALLOW : notFound(`there is no player "${peer}"`);
    },
  },
};
