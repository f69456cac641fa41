import { randomId } from './ids.js';

/** Who a connection is, as decided by the server (never by the client). */
export interface Identity {
  playerId: string;
  name: string;
  /** The token the client keeps and presents next time (new for a new profile). */
  token: string;
}

/**
 * Decides who a connection is from what its handshake presents. A known token is that player; no
 * token, or one the store does not know, is a new guest. May reject by throwing an IdentityRefusal.
 */
export interface IdentityProvider {
  identify(claim: { token?: string | undefined; name?: string | undefined }): Promise<Identity>;
}

/** In memory: every connection without a known token is a new guest (tests, bots, no store). */
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
