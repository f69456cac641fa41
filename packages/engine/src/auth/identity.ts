import { randomId } from '../ids.js';

/** A player's profile as the server decided it (never the client). */
export interface Identity {
  playerId: string;
  name: string;
  /** The long-lived profile token the client keeps and presents next time (new for a new profile). */
  token: string;
}

/**
 * Decides whose profile a session request is for, from the profile token it presents. A known
 * token is that player; no token, or one the store does not know, is a new guest. The session
 * endpoint asks this, then signs a short-lived access token for the player it names.
 */
export interface IdentityProvider {
  identify(claim: { token?: string | undefined; name?: string | undefined }): Promise<Identity>;
}

/** In memory: every request without a known token is a new guest (tests, bots, no store). */
export class EphemeralIdentities implements IdentityProvider {
  private readonly byToken = new Map<string, Identity>();
  constructor(private readonly newName: () => string) {}

  async identify(claim: { token?: string | undefined; name?: string | undefined }): Promise<Identity> {
    const known = claim.token ? this.byToken.get(claim.token) : undefined;
    if (known) {
      if (claim.name) known.name = claim.name;
      return { ...known };
    }
    const id = { playerId: randomId('p'), name: claim.name ?? this.newName(), token: randomId('t', 32) };
    this.byToken.set(id.token, id);
    return { ...id };
  }
}
