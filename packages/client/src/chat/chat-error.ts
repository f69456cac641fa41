import type { ErrorCode, ErrorPayload } from '@perihelion/protocol';

/** Why the SDK itself gave up on a request: the chat client was closed before it was answered. */
export type ChatErrorCode = ErrorCode | 'CLOSED';

/**
 * A refused chat request (a publish the server answered with RATE_LIMITED, FORBIDDEN, BAD_MESSAGE…),
 * as a typed error: `code` says what to do about it, `message` is for people.
 */
export class ChatError extends Error {
  override readonly name = 'ChatError';

  constructor(
    readonly code: ChatErrorCode,
    message: string,
    readonly channel?: string,
  ) {
    super(message);
  }

  static from(payload: ErrorPayload, channel?: string): ChatError {
    return new ChatError(payload.code, payload.message, channel);
  }
}

/**
 * Answers that may pass on their own (the store is briefly unreachable, the server is restarting):
 * the request is kept and tried again. Every other refusal is final.
 */
const TRANSIENT: ReadonlySet<ChatErrorCode> = new Set<ChatErrorCode>([
  'UNAVAILABLE',
  'SERVER_SHUTTING_DOWN',
  'INTERNAL',
]);

export function isTransient(code: ChatErrorCode): boolean {
  return TRANSIENT.has(code);
}
