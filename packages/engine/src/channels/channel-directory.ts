import type { Executor } from '@perihelion/db';
import { type ChannelInfo, type ChannelKind, directParticipants, sectorChannel } from '@perihelion/protocol';
import { type ChannelNames, DIRECT_PREFIX, TEAM_PREFIX } from './channel-rules.js';
import { memberChannels, playerNames } from './channel-store.js';

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
  exec: Executor,
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
  const [teams, directs] = await Promise.all([
    memberChannels(exec, playerId, TEAM_PREFIX),
    memberChannels(exec, playerId, DIRECT_PREFIX),
  ]);
  for (const name of teams) out.push({ name, kind: 'private' });
  const peers = new Map<string, string>();
  for (const name of directs) {
    const peer = directParticipants(name)?.find((id) => id !== playerId);
    if (peer) peers.set(name, peer);
  }
  const names = await playerNames(exec, [...new Set(peers.values())]);
  for (const [name, peer] of peers) {
    out.push({ name, kind: 'direct', peer: { id: peer, name: names.get(peer) ?? peer } });
  }
  return out;
}
