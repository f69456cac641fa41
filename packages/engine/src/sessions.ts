import { randomId } from './ids.js';

/** What a player leaves behind on disconnect, so a reconnect resumes instead of starting over. */
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
  readonly resumeToken: string;
  readonly leaveToken: string;
  /** Socket id of the live connection, if any. */
  connectionId: string | null;
  saved: SavedPresence | null;
  expiry: NodeJS.Timeout | null;
}

/**
 * Players known to this process, with the secrets that let a dropped connection resume the same
 * player (and ship) and let an unloading page end its session at once. A disconnected session is
 * forgotten after `graceMs`.
 */
export class SessionRegistry {
  private readonly byResume = new Map<string, PlayerSession>();
  private readonly byLeave = new Map<string, PlayerSession>();

  constructor(private readonly graceMs: number) {}

  /** The session for a resume token, if it is still held. */
  resume(token: string | undefined): PlayerSession | null {
    if (!token) return null;
    const session = this.byResume.get(token);
    if (!session) return null;
    if (session.expiry) clearTimeout(session.expiry);
    session.expiry = null;
    return session;
  }

  create(name: string): PlayerSession {
    const session: PlayerSession = {
      playerId: randomId('p'),
      name,
      resumeToken: randomId('r', 18),
      leaveToken: randomId('l', 18),
      connectionId: null,
      saved: null,
      expiry: null,
    };
    this.byResume.set(session.resumeToken, session);
    this.byLeave.set(session.leaveToken, session);
    return session;
  }

  byLeaveToken(token: string): PlayerSession | null {
    return this.byLeave.get(token) ?? null;
  }

  /** Keeps the session resumable for the grace period after its connection went away. */
  release(session: PlayerSession): void {
    session.connectionId = null;
    if (session.expiry) clearTimeout(session.expiry);
    session.expiry = setTimeout(() => this.forget(session), this.graceMs);
    session.expiry.unref();
  }

  forget(session: PlayerSession): void {
    if (session.expiry) clearTimeout(session.expiry);
    session.expiry = null;
    this.byResume.delete(session.resumeToken);
    this.byLeave.delete(session.leaveToken);
  }

  clear(): void {
    for (const s of this.byResume.values()) if (s.expiry) clearTimeout(s.expiry);
    this.byResume.clear();
    this.byLeave.clear();
  }
}
