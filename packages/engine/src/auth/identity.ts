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
  identify(
    claim: { token?: string | undefined; name?: string | undefined },
    policy?: IdentifyPolicy,
  ): Promise<Identity>;
}

/** What the server allows one identify call (the client's claim cannot change it). */
export interface IdentifyPolicy {
  /**
   * Awaited just before a new guest profile is created (no token, or one nobody has): a rejection
   * is passed on and nothing is created. How the server limits new guests per client address;
   * asked here because only the provider knows whether a token it was given is known.
   */
  beforeNewGuest?: () => Promise<void>;
}

/** In memory: every request without a known token is a new guest (tests, bots, no store). */
export class EphemeralIdentities implements IdentityProvider {
  private readonly byToken = new Map<string, Identity>();
  constructor(private readonly newName: () => string) {}

  async identify(
    claim: { token?: string | undefined; name?: string | undefined },
    policy?: IdentifyPolicy,
  ): Promise<Identity> {
    const known = claim.token ? this.byToken.get(claim.token) : undefined;
    if (known) {
      if (claim.name) known.name = claim.name;
      return { ...known };
    }
    await policy?.beforeNewGuest?.();
    const id = { playerId: randomId('p'), name: claim.name ?? this.newName(), token: randomId('t', 32) };
    this.byToken.set(id.token, id);
    return { ...id };
  }
}
