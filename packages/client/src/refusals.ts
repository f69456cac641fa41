import type { ErrorCode } from '@perihelion/protocol';

/** The server refused this client as it is: retrying the same handshake cannot help. */
const PERMANENT_HANDSHAKE_REFUSALS: ReadonlySet<ErrorCode> = new Set(['PROTOCOL_MISMATCH', 'BAD_HANDSHAKE']);

/** Join refusals worth retrying (the server is busy or restarting); any other one is final. */
const TRANSIENT_JOIN_REFUSALS: ReadonlySet<ErrorCode> = new Set([
  'INTERNAL',
  'SERVER_SHUTTING_DOWN',
  'RATE_LIMITED',
  'SECTOR_ELSEWHERE',
]);

/** Refused for the access token (missing, invalid, expired): a fresh session gets in. */
const SESSION_REFUSALS: ReadonlySet<ErrorCode> = new Set(['UNAUTHENTICATED', 'SESSION_EXPIRED']);

/**
 * Whether a refused handshake (connect_error) ends the client's attempts for good. A session
 * refusal (UNAUTHENTICATED, SESSION_EXPIRED) is passing: the client gets a new session and retries.
 */
export function isPermanentHandshakeRefusal(code: ErrorCode): boolean {
  return PERMANENT_HANDSHAKE_REFUSALS.has(code);
}

/**
 * Whether a refused join ends the client's attempts for good: a full sector, a server at its
 * sector limit or a malformed request will not change by asking again every few seconds.
 */
export function isPermanentJoinRefusal(code: ErrorCode): boolean {
  return !TRANSIENT_JOIN_REFUSALS.has(code);
}

/** Whether a refusal is about the access token, so a new session is the cure. */
export function isSessionRefusal(code: ErrorCode): boolean {
  return SESSION_REFUSALS.has(code);
}
