import type { SessionResponse } from '@perihelion/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryAfterMs, SessionAuth, SessionError } from './session-auth.js';

type Answer = { status: number; body: unknown; headers?: Record<string, string> } | Error;

/** A scripted session endpoint: answers in order, records what was asked. */
class FakeEndpoint {
  readonly requests: Record<string, unknown>[] = [];
  private readonly answers: Answer[] = [];
  private issued = 0;

  constructor(private readonly lifeMs: number) {}

  /** The next answers (after them: valid sessions). */
  answering(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  readonly fetch = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
    this.requests.push(body);
    const answer = this.answers.shift() ?? { status: 200, body: this.session(body) };
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: answer.headers ?? {},
    });
  };

  session(req: Record<string, unknown>): SessionResponse {
    const now = Date.now();
    this.issued++;
    return {
      playerId: 'p_1',
      name: typeof req.name === 'string' ? req.name : 'Guest',
      role: 'player',
      profileToken: 'profile-token-1',
      accessToken: `access-${this.issued}`,
      expiresAt: now + this.lifeMs,
      // The server's clock may be anywhere: only the difference counts.
      serverTime: now,
    };
  }
}

describe('SessionAuth', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fetches a session once and hands out its token while it is valid', async () => {
    const endpoint = new FakeEndpoint(900_000);
    const auth = new SessionAuth({ url: 'http://game.test/', name: 'Vega', fetch: endpoint.fetch });
    const sessions: SessionResponse[] = [];
    auth.on('session', (s) => sessions.push(s));
    const [a, b] = await Promise.all([auth.current(), auth.current()]);
    expect(a).toBe('access-1');
    expect(b).toBe('access-1');
    expect(await auth.current()).toBe('access-1');
    expect(endpoint.requests).toEqual([{ name: 'Vega' }]);
    expect(auth.profileToken).toBe('profile-token-1');
    expect(sessions.map((s) => s.profileToken)).toEqual(['profile-token-1']);
    auth.close();
  });

  it('refreshes at about 80 % of the life with the profile token (the name only went once)', async () => {
    const endpoint = new FakeEndpoint(100_000);
    const auth = new SessionAuth({
      url: '',
      profileToken: 'old-profile',
      name: 'Vega',
      fetch: endpoint.fetch,
    });
    const tokens: string[] = [];
    auth.on('session', (s) => tokens.push(s.accessToken));
    await auth.current();
    await vi.advanceTimersByTimeAsync(79_000);
    expect(tokens).toEqual(['access-1']);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(tokens).toEqual(['access-1', 'access-2']);
    expect(await auth.current()).toBe('access-2');
    await vi.advanceTimersByTimeAsync(80_000);
    expect(tokens).toEqual(['access-1', 'access-2', 'access-3']);
    expect(endpoint.requests).toEqual([
      { profileToken: 'old-profile', name: 'Vega' },
      { profileToken: 'profile-token-1' },
      { profileToken: 'profile-token-1' },
    ]);
    auth.close();
  });

  it('keeps a margin before the expiry of short sessions', async () => {
    const endpoint = new FakeEndpoint(2_000);
    const auth = new SessionAuth({ url: '', fetch: endpoint.fetch });
    let count = 0;
    auth.on('session', () => count++);
    await auth.current();
    await vi.advanceTimersByTimeAsync(1_001);
    expect(count).toBe(2);
    auth.close();
  });

  it('retries a failed request with backoff, waiting callers get the token once it works', async () => {
    const endpoint = new FakeEndpoint(900_000).answering(new TypeError('fetch failed'), {
      status: 503,
      body: { error: { code: 'UNAVAILABLE', message: 'store down' } },
    });
    const auth = new SessionAuth({
      url: '',
      fetch: endpoint.fetch,
      retryDelayMs: 100,
      retryDelayMaxMs: 1000,
    });
    const errors: [string, boolean][] = [];
    auth.on('error', (e, permanent) => errors.push([e.code, permanent]));
    const token = auth.current();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await token).toBe('access-1');
    expect(errors).toEqual([
      ['UNAVAILABLE', false],
      ['UNAVAILABLE', false],
    ]);
    auth.close();
  });

  it('waits as long as a limited server says (Retry-After) before asking again', async () => {
    const endpoint = new FakeEndpoint(900_000).answering({
      status: 429,
      body: { error: { code: 'RATE_LIMITED', message: 'too many guests from this address' } },
      headers: { 'retry-after': '30' },
    });
    const auth = new SessionAuth({
      url: '',
      fetch: endpoint.fetch,
      retryDelayMs: 100,
      retryDelayMaxMs: 1000,
    });
    const errors: [string, boolean][] = [];
    auth.on('error', (e, permanent) => errors.push([e.code, permanent]));
    const token = auth.current();
    await vi.advanceTimersByTimeAsync(29_000);
    // Its own backoff would have asked again after 50-150 ms.
    expect(endpoint.requests).toHaveLength(1);
    expect(errors).toEqual([['RATE_LIMITED', false]]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await token).toBe('access-1');
    expect(endpoint.requests).toHaveLength(2);
    auth.close();
  });

  it('reads Retry-After as seconds or as a date, and ignores what it cannot read', () => {
    const now = Date.UTC(2030, 0, 1);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(new Date(now + 45_000).toUTCString(), now)).toBe(45_000);
    expect(retryAfterMs(new Date(now - 5_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBe(0);
    // A client told to wait a day waits an hour, then asks again.
    expect(retryAfterMs('86400', now)).toBe(3_600_000);
  });

  it('stops at a permanent refusal and says why', async () => {
    const endpoint = new FakeEndpoint(900_000).answering({
      status: 400,
      body: { error: { code: 'BAD_MESSAGE', message: 'invalid session request: name: too long' } },
    });
    const auth = new SessionAuth({ url: '', name: 'x'.repeat(99), fetch: endpoint.fetch });
    const errors: [string, boolean][] = [];
    auth.on('error', (e, permanent) => errors.push([e.code, permanent]));
    const err = await auth.current().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).error.message).toMatch(/name/);
    expect(errors).toEqual([['BAD_MESSAGE', true]]);
    expect(endpoint.requests).toHaveLength(1);
    auth.close();
  });

  it('after a refusal of the held token, fetches a new session; a stale refusal is ignored', async () => {
    const endpoint = new FakeEndpoint(900_000);
    const auth = new SessionAuth({ url: '', fetch: endpoint.fetch });
    expect(await auth.current()).toBe('access-1');
    auth.invalidate('access-1');
    expect(auth.accessToken).toBeNull();
    expect(await auth.current()).toBe('access-2');
    auth.invalidate('access-1');
    expect(await auth.current()).toBe('access-2');
    expect(endpoint.requests).toHaveLength(2);
    auth.close();
  });

  it('does not hand out a token that has (nearly) expired, e.g. after the machine slept', async () => {
    const endpoint = new FakeEndpoint(60_000);
    const auth = new SessionAuth({ url: '', fetch: endpoint.fetch });
    await auth.current();
    // Timers did not run (asleep), but the clock moved on.
    vi.setSystemTime(Date.now() + 59_500);
    expect(auth.accessToken).toBeNull();
    expect(await auth.current()).toBe('access-2');
    auth.close();
  });

  it('rejects waiting callers once closed', async () => {
    const endpoint = new FakeEndpoint(900_000).answering(new TypeError('offline'));
    const auth = new SessionAuth({ url: '', fetch: endpoint.fetch, retryDelayMs: 1000 });
    const pending = auth.current().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    auth.close();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await pending).toBeInstanceOf(SessionError);
  });
});
