/** What a player's avatar leaves behind on disconnect, so a reconnect resumes instead of respawning. */
export interface SavedPresence {
  sector: string;
  /** The avatar keeps its entity handle, so others see the same ship come back, not a new one. */
  handle: number;
  own: readonly number[] | null;
  lastInputSeq: number;
}

export interface PlayerSession {
  readonly playerId: string;
  name: string;
  /** Live connections of this player (a player may have several tabs open). */
  readonly connections: Set<string>;
  /** The connection whose avatar is in a sector (at most one: one player, one ship). */
  pilot: string | null;
  saved: SavedPresence | null;
  expiry: NodeJS.Timeout | null;
}

/**
 * Players with live connections, or recently dropped ones whose avatar waits `graceMs` for them to
 * come back. Who a connection is comes from its verified access token; this only tracks presence.
 */
export class SessionRegistry {
  private readonly byPlayer = new Map<string, PlayerSession>();

  constructor(
    private readonly graceMs: number,
    /** Called when a player's session is gone (its last connection left and the grace ran out). */
    private readonly onForget?: (playerId: string) => void,
  ) {}

  get(playerId: string): PlayerSession | undefined {
    return this.byPlayer.get(playerId);
  }

  /** The player's session (new or resumed), with this connection added to it. */
  attach(playerId: string, name: string, connectionId: string): PlayerSession {
    let session = this.byPlayer.get(playerId);
    if (!session) {
      session = { playerId, name, connections: new Set(), pilot: null, saved: null, expiry: null };
      this.byPlayer.set(playerId, session);
    }
    if (session.expiry) clearTimeout(session.expiry);
    session.expiry = null;
    session.name = name;
    session.connections.add(connectionId);
    return session;
  }

  /** Removes a connection; the last one leaves the session resumable for the grace period. */
  detach(session: PlayerSession, connectionId: string): void {
    session.connections.delete(connectionId);
    if (session.pilot === connectionId) session.pilot = null;
    if (session.connections.size > 0) return;
    if (session.expiry) clearTimeout(session.expiry);
    session.expiry = setTimeout(() => this.forget(session), this.graceMs);
    session.expiry.unref();
  }

  /** The ships waiting in `sector` for their players to reconnect. */
  savedIn(sector: string): Array<{ playerId: string; saved: SavedPresence }> {
    const out: Array<{ playerId: string; saved: SavedPresence }> = [];
    for (const session of this.byPlayer.values()) {
      if (session.saved?.sector === sector) out.push({ playerId: session.playerId, saved: session.saved });
    }
    return out;
  }

  /** Drops the ships saved for a resume in `sector` (it no longer runs here). */
  dropSaved(sector: string, dropped: (playerId: string) => void): void {
    for (const session of this.byPlayer.values()) {
      if (session.saved?.sector !== sector) continue;
      session.saved = null;
      dropped(session.playerId);
    }
  }

  forget(session: PlayerSession): void {
    if (session.expiry) clearTimeout(session.expiry);
    session.expiry = null;
    if (this.byPlayer.get(session.playerId) === session && session.connections.size === 0) {
      this.byPlayer.delete(session.playerId);
      this.onForget?.(session.playerId);
    }
  }

  clear(): void {
    for (const s of this.byPlayer.values()) if (s.expiry) clearTimeout(s.expiry);
    this.byPlayer.clear();
  }
}
