import type { ErrorCode } from '@perihelion/protocol';

/**
 * Where the gateways report what they refuse, so an operator can see errors and abuse at a glance
 * (the server counts them for GET /metrics and the admin console's charts). Every call is cheap
 * and synchronous: it runs on the path of a refused message.
 */
export interface RefusalStats {
  /** A handshake was refused (bad or expired access token, wrong protocol version, …). */
  handshakeRefused(namespace: string, code: ErrorCode): void;
  /** A message was refused with a typed error (invalid, unknown, oversized, over the rate, …). */
  messageRefused(namespace: string, code: ErrorCode): void;
  /** A client that kept misbehaving was disconnected. */
  abusiveDisconnect(namespace: string, code: ErrorCode): void;
}
