import type { ConnectionStatus, TransportName } from '@perihelion/client';
import type { ErrorPayload } from '@perihelion/protocol';
import type { GameSession } from '../../session/session.js';

/** What the HUD shows, read from the session once per frame. */
export interface HudModel {
  name: string;
  sector: string;
  /** Roster size, or null before the first join. */
  players: number | null;
  pingMs: number | null;
  transport: TransportName | null;
  status: ConnectionStatus;
  error: ErrorPayload | null;
}

export function readHudModel({ client, launch }: GameSession): HudModel {
  const self = client.playerId ? client.roster.get(client.playerId) : undefined;
  return {
    // The server may tidy the requested name; show the one everyone else sees.
    name: self?.name ?? launch.name,
    sector: client.sector ?? launch.sector,
    players: client.playerId ? client.roster.size : null,
    pingMs: client.pingMs,
    transport: client.transport,
    status: client.status,
    error: client.lastError,
  };
}
