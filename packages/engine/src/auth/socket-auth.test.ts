import { PROTOCOL_VERSION } from '@perihelion/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { SessionTokens } from './session-tokens.js';
import { type AuthSocket, SocketAuth } from './socket-auth.js';

const tokens = new SessionTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256', ttlSeconds: 60 });

type FakeSocket = AuthSocket & { handshake: { auth: Record<string, unknown> }; close(): void };

function fakeSocket(auth: Record<string, unknown>): FakeSocket {
  const onDisconnect: (() => void)[] = [];
  return {
    id: 'c1',
    connected: true,
    handshake: { auth },
    emit: () => true,
    disconnect: () => undefined,
    once: (_event, listener) => onDisconnect.push(listener),
    close: () => {
      for (const listener of onDisconnect) listener();
    },
  };
}

function admit(auth: SocketAuth, socket: AuthSocket): Promise<Error | undefined> {
  return new Promise((resolve) => auth.middleware(socket, resolve));
}

describe('SocketAuth', () => {
  it('admits a valid handshake and keeps the principal, not the access token', async () => {
    const auth = new SocketAuth({ authenticator: tokens, logger: pino({ level: 'silent' }) });
    const { accessToken } = await tokens.issue({ playerId: 'p_ada', name: 'Ada', role: 'player' });
    const socket = fakeSocket({ protocol: PROTOCOL_VERSION, accessToken });
    expect(await admit(auth, socket)).toBeUndefined();
    expect(socket.handshake.auth).toEqual({ protocol: PROTOCOL_VERSION });
    expect(auth.track(socket).playerId).toBe('p_ada');
    expect(auth.principalOf(socket)?.name).toBe('Ada');
    // Idempotent once tracked: the admission record is gone, the expiry holds the principal.
    expect(auth.track(socket).playerId).toBe('p_ada');
    socket.close(); // stops the expiry's timer
  });

  it('refuses a bad token and leaves the handshake as it was', async () => {
    const auth = new SocketAuth({ authenticator: tokens, logger: pino({ level: 'silent' }) });
    const socket = fakeSocket({ protocol: PROTOCOL_VERSION, accessToken: 'not-a-token' });
    const refusal = await admit(auth, socket);
    expect(refusal).toBeInstanceOf(Error);
    expect(socket.handshake.auth.accessToken).toBe('not-a-token');
    expect(() => auth.track(socket)).toThrow(/not admitted/);
  });
});
