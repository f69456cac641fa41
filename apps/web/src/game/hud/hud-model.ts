import type { ConnectionStatus, TransportName } from '@perihelion/client';
import type { ErrorPayload, QaProfile, QaWorldEvent } from '@perihelion/protocol';
import type { GameSession } from '../../session/session.js';
import type { Toast } from '../../session/toasts.js';
import type { ShownNotification } from '../../session/universe-state.js';

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
  /** Ore and credits, once the server has sent the profile. */
  profile: QaProfile | null;
  /** The world event banner's words, with its live countdown. */
  worldEvent: QaWorldEvent | null;
  notifications: readonly ShownNotification[];
  notificationsOpen: boolean;
  toasts: readonly Toast[];
}

/**
 * Profile and world event come from the frame the play scene just published, so the HUD shows
 * exactly what the QA surface reports.
 */
export function readHudModel(session: GameSession, now: number): HudModel {
  const { client, launch, frame, universe } = session;
  return {
    // The server may tidy the requested name; show the one everyone else sees.
    name: session.pilotName(),
    sector: client.sector ?? launch.sector,
    players: client.playerId ? client.roster.size : null,
    pingMs: client.pingMs,
    transport: client.transport,
    status: client.status,
    error: client.lastError,
    profile: frame.state.profile,
    worldEvent: frame.state.worldEvent,
    notifications: universe.notifications,
    notificationsOpen: session.ui.notificationsOpen,
    toasts: session.toasts.active(now),
  };
}
