import type { ErrorPayload, Role } from '@perihelion/protocol';

/** Who a connection is, as its verified session says (never what the client claims). */
export interface Principal {
  playerId: string;
  name: string;
  role: Role;
  /** When the session's access token expires (ms since the epoch). */
  expiresAt: number;
}

/**
 * Turns the access token a handshake presents into a Principal, or refuses with an AuthRefusal
 * (missing, malformed, badly signed or expired token). Every namespace admits through one.
 */
export interface Authenticator {
  authenticate(accessToken: string | undefined): Promise<Principal>;
}

/** A refused credential; `error` is what the client is told (UNAUTHENTICATED, SESSION_EXPIRED). */
export class AuthRefusal extends Error {
  constructor(readonly error: ErrorPayload) {
    super(error.message);
  }
}
