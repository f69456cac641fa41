import { z } from 'zod';

export const ErrorCode = z.enum([
  'PROTOCOL_MISMATCH',
  'BAD_HANDSHAKE',
  /** No access token, or one that is not valid (bad signature, not ours): get a new session. */
  'UNAUTHENTICATED',
  /** The access token expired: get a new one from the session endpoint. */
  'SESSION_EXPIRED',
  'BAD_MESSAGE',
  'UNKNOWN_EVENT',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'NOT_IN_SECTOR',
  'SECTOR_FULL',
  'SECTOR_LIMIT',
  /**
   * Another node of the cluster runs the sector (the refusal names it: reconnect with it as the
   * routing hint), or it is moving between nodes (no node: try again shortly).
   */
  'SECTOR_ELSEWHERE',
  'SERVER_SHUTTING_DOWN',
  /**
   * An operator removed the player from the game (the admin console's kick): the connection is
   * closed and a client must not reconnect by itself; the message says why.
   */
  'KICKED',
  /** The store is unreachable; try again shortly. */
  'UNAVAILABLE',
  'NOT_FOUND',
  'FORBIDDEN',
  /** The request conflicts with the current state (e.g. cancelling a finished build). */
  'CONFLICT',
  'INSUFFICIENT_FUNDS',
  'INVALID_PLACEMENT',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const errorPayloadSchema = z.object({
  code: ErrorCode,
  message: z.string(),
  /** The event that caused the error, when there was one. */
  event: z.string().optional(),
});
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;

export function protocolError(code: ErrorCode, message: string, event?: string): ErrorPayload {
  return event === undefined ? { code, message } : { code, message, event };
}
