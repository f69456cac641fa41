import { type ChannelInfo, type ChannelKind, directParticipants, sectorChannel } from '@perihelion/protocol';
import { type ChannelNames, DIRECT_PREFIX, TEAM_PREFIX } from './channel-rules.js';

/** The store reads a directory needs (ChannelReads batches them across connections). */
export interface DirectoryLookup {
  /** Every channel the player is a member of (teams and direct conversations), by name. */
  memberChannels(playerId: string): Promise<string[]>;
  /** Display names of the given players that exist. */
  playerNames(ids: string[]): Promise<Map<string, string>>;
}

export interface DirectoryContext {
  names: ChannelNames;
  kindOf(channel: string): ChannelKind | null;
  sectorOf(playerId: string): string | null;
}

/**
 * Every channel a player may subscribe to now: the game's public and read-only channels, the
 * player's sector, the teams they are a member of, and the direct conversations they are in
 * (recorded right before their first message is stored; the peer's name comes from their profile).
 */
export async function directoryOf(
  lookup: DirectoryLookup,
  ctx: DirectoryContext,
  playerId: string,
): Promise<ChannelInfo[]> {
  const out: ChannelInfo[] = [
    ...ctx.names.public.map((name) => ({ name, kind: 'public' as const })),
    ...ctx.names.readonly.map((name) => ({ name, kind: 'readonly' as const })),
  ];
  const sector = ctx.sectorOf(playerId);
  if (sector !== null) {
    const name = sectorChannel(sector);
    if (ctx.kindOf(name) === 'sector') out.push({ name, kind: 'sector' });
  }
  const memberships = await lookup.memberChannels(playerId);
  for (const name of memberships) if (name.startsWith(TEAM_PREFIX)) out.push({ name, kind: 'private' });
  const peers = new Map<string, string>();
  for (const name of memberships) {
    if (!name.startsWith(DIRECT_PREFIX)) continue;
    const peer = directParticipants(name)?.find((id) => id !== playerId);
    if (peer) peers.set(name, peer);
  }
  const names = peers.size > 0 ? await lookup.playerNames([...new Set(peers.values())]) : new Map();
  for (const [name, peer] of peers) {
    out.push({ name, kind: 'direct', peer: { id: peer, name: names.get(peer) ?? peer } });
  }
  return out;
}
