import { type ErrorCode, type ErrorPayload, protocolError } from '@perihelion/protocol';

/**
 * A refused channel operation. `error` is what the caller is told (a socket ack, an HTTP body);
 * anything else thrown by the channels is a fault of the server, not of the request.
 */
export class ChannelError extends Error {
  constructor(readonly error: ErrorPayload) {
    super(error.message);
    this.name = 'ChannelError';
  }

  static of(code: ErrorCode, message: string): ChannelError {
    return new ChannelError(protocolError(code, message));
  }
}
