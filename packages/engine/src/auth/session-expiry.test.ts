import type { ErrorPayload } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ExpiringSocket, SessionExpiry } from './session-expiry.js';
import { SessionTokens } from './session-tokens.js';

const tokens = new SessionTokens({ secret: 'a-test-secret-that-is-long-enough-for-hs256', ttlSeconds: 10 });
const alice = { playerId: 'p_alice', name: 'Alice', role: 'player' as const };
const bob = { playerId: 'p_bob', name: 'Bob', role: 'player' as const };

class FakeSocket implements ExpiringSocket {
  connected = true;
  readonly errors: ErrorPayload[] = [];
  emit(_event: 'server:error', error: ErrorPayload): void {
    this.errors.push(error);
  }
  disconnect(): void {
    this.connected = false;
  }
}

describe('SessionExpiry', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function admitted(socket: FakeSocket) {
    const { accessToken } = await tokens.issue(alice);
    const principal = await tokens.authenticate(accessToken);
    return new SessionExpiry(socket, principal, tokens, { graceMs: 0 });
  }

  it('disconnects with SESSION_EXPIRED when the token runs out without a renewal', async () => {
    const socket = new FakeSocket();
    await admitted(socket);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(socket.connected).toBe(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(socket.connected).toBe(false);
    expect(socket.errors).toEqual([expect.objectContaining({ code: 'SESSION_EXPIRED' })]);
  });

  it('a renewal with a fresh token of the same player moves the deadline', async () => {
    const socket = new FakeSocket();
    const expiry = await admitted(socket);
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(8_000);
      const fresh = await tokens.issue(alice);
      expect(await expiry.renew(fresh.accessToken)).toEqual({ ok: true, expiresAt: fresh.expiresAt });
    }
    expect(socket.connected).toBe(true);
    expect(expiry.principal.expiresAt).toBeGreaterThan(Date.now());
    await vi.advanceTimersByTimeAsync(11_000);
    expect(socket.connected).toBe(false);
  });

  it("refuses another player's token (FORBIDDEN) and an invalid one, keeping the old deadline", async () => {
    const socket = new FakeSocket();
    const expiry = await admitted(socket);
    const before = expiry.principal;
    const other = await tokens.issue(bob);
    expect(await expiry.renew(other.accessToken)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await expiry.renew('garbage')).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect(expiry.principal).toEqual(before);
    await vi.advanceTimersByTimeAsync(11_000);
    expect(socket.connected).toBe(false);
  });

  it('leaves nothing behind once stopped', async () => {
    const socket = new FakeSocket();
    const expiry = await admitted(socket);
    expiry.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.errors).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
