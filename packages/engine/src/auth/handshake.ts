import { type ErrorPayload, handshakeSchema, PROTOCOL_VERSION, protocolError } from '@perihelion/protocol';
import { type Authenticator, AuthRefusal, type Principal } from './principal.js';

/**
 * A refused handshake. Socket.IO sends an error's `data` to the client with the connect_error,
 * so the client learns the code and the reason, not just "refused".
 */
export class HandshakeRefusal extends Error {
  constructor(readonly data: ErrorPayload) {
    super(data.message);
  }
}

/**
 * The admission every namespace applies to a handshake's `auth`: its shape, the protocol version,
 * then the access token. Resolves with who the connection is; rejects with a HandshakeRefusal
 * (BAD_HANDSHAKE, PROTOCOL_MISMATCH, UNAUTHENTICATED, SESSION_EXPIRED) or, when the check itself
 * failed, with that error.
 */
export async function admitHandshake(auth: unknown, authenticator: Authenticator): Promise<Principal> {
  const parsed = handshakeSchema.safeParse(auth);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HandshakeRefusal(
      protocolError('BAD_HANDSHAKE', `bad handshake: ${issue?.path.join('.') || 'auth'}: ${issue?.message}`),
    );
  }
  const { protocol, accessToken } = parsed.data;
  if (protocol !== PROTOCOL_VERSION) {
    throw new HandshakeRefusal(
      protocolError(
        'PROTOCOL_MISMATCH',
        `client speaks protocol ${protocol} but this server speaks ${PROTOCOL_VERSION}; reload the page`,
      ),
    );
  }
  try {
    return await authenticator.authenticate(accessToken);
  } catch (err) {
    if (err instanceof AuthRefusal) throw new HandshakeRefusal(err.error);
    throw err;
  }
}
