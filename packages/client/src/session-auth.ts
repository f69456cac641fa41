import {
  type ErrorPayload,
  errorPayloadSchema,
  protocolError,
  SESSION_PATH,
  type SessionRequest,
  type SessionResponse,
  sessionResponseSchema,
} from '@perihelion/protocol';
import { Emitter } from './emitter.js';
import { RetryTimer } from './retry-timer.js';

export interface SessionAuthOptions {
  /** Server origin, e.g. "http://127.0.0.1:3000"; empty string = the page's own origin. */
  url: string;
  /** The profile token from an earlier session: the same player. Without one, a new guest. */
  profileToken?: string | null;
  /** Display name; sent with the first request only (it renames the stored profile). */
  name?: string;
  /** The server's ADMIN_TOKEN: sessions get the admin role. */
  adminToken?: string;
  /** Default: the global fetch (browsers, Node 18+). */
  fetch?: typeof globalThis.fetch;
  /** Backoff between failed requests. Defaults 500 ms doubling up to 10 s. */
  retryDelayMs?: number;
  retryDelayMaxMs?: number;
  /** A request unanswered this long counts as failed. Default 10 s. */
  requestTimeoutMs?: number;
}

export interface SessionAuthEvents {
  /** A new session (the first, a refresh, or one after a refusal): keep `profileToken`. */
  session: (session: SessionResponse) => void;
  /** A session request failed; a `permanent` failure (bad name, wrong admin token) is not retried. */
  error: (error: ErrorPayload, permanent: boolean) => void;
}

/** A session request the server refused for good, or a SessionAuth that was closed. */
export class SessionError extends Error {
  constructor(readonly error: ErrorPayload) {
    super(error.message);
  }
}

/** Refresh at this share of a token's life … */
const REFRESH_AT = 0.8;
/** … but leave at least this long before it expires (short lifetimes), and never before half. */
const REFRESH_MARGIN_MS = 1000;
/** A token this close to its expiry is not handed out for a new handshake. */
const HANDOUT_MARGIN_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Held {
  session: SessionResponse;
  /** When the token expires, on this machine's clock (the server's life span, our start). */
  localExpiry: number;
}

/**
 * The player's session: asks the server (POST /api/session) for a short-lived access token with the
 * player's profile token, keeps the newest one, and gets the next one at about 80 % of its life,
 * so live connections can be handed it (`session:renew`) before the old one runs out. A failed
 * request is retried with backoff. When a handshake is refused for its token (`invalidate`), the
 * next `current()` fetches a new session; an unknown profile token simply yields a new guest.
 */
export class SessionAuth {
  private readonly events = new Emitter<SessionAuthEvents>();
  private readonly retry: RetryTimer;
  private readonly fetchImpl: typeof globalThis.fetch;
  private held: Held | null = null;
  private pending: Promise<SessionResponse> | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private profile: string | null;
  /** Sent until a session has been created with it. */
  private nameToSend: string | undefined;
  private abort: AbortController | null = null;
  /** Ends the pending request's waiters when close() cancels its retries. */
  private rejectPending: ((err: SessionError) => void) | null = null;
  private closed = false;

  constructor(private readonly opts: SessionAuthOptions) {
    this.profile = opts.profileToken ?? null;
    this.nameToSend = opts.name;
    this.fetchImpl = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.retry = new RetryTimer(opts.retryDelayMs ?? 500, opts.retryDelayMaxMs ?? 10_000);
  }

  /** The player's long-lived profile token (null until the first session on a first visit). */
  get profileToken(): string | null {
    return this.profile;
  }

  /** The newest session, if any (its access token may have been invalidated since). */
  get session(): SessionResponse | null {
    return this.held?.session ?? null;
  }

  /** The newest access token while it is usable, else null. */
  get accessToken(): string | null {
    return this.usable()?.session.accessToken ?? null;
  }

  on<E extends keyof SessionAuthEvents>(event: E, listener: SessionAuthEvents[E]): () => void {
    return this.events.on(event, listener);
  }

  /**
   * A usable access token: the one held, or a new session's. Waits through transient failures
   * (retrying with backoff); rejects with a SessionError on a permanent refusal or close().
   */
  current(): Promise<string> {
    const held = this.usable();
    if (held) return Promise.resolve(held.session.accessToken);
    return this.fetchSession().then((s) => s.accessToken);
  }

  /** Gets a new session now (the held token stays in use until it arrives). */
  refresh(): Promise<SessionResponse> {
    return this.fetchSession();
  }

  /**
   * A handshake was refused for this access token (UNAUTHENTICATED, SESSION_EXPIRED): forget it,
   * so the next current() fetches a new session. A token other than the newest is ignored (a
   * newer session already replaced it).
   */
  invalidate(accessToken?: string): void {
    if (!this.held) return;
    if (accessToken !== undefined && accessToken !== this.held.session.accessToken) return;
    this.held = { ...this.held, localExpiry: Number.NEGATIVE_INFINITY };
    this.cancelRefresh();
  }

  /** Stops refreshing; pending and later current() calls reject. */
  close(): void {
    this.closed = true;
    this.cancelRefresh();
    this.retry.cancel();
    this.abort?.abort();
    this.rejectPending?.(new SessionError(closedError()));
    this.events.removeAll();
  }

  private usable(): Held | null {
    const held = this.held;
    if (!held) return null;
    const life = held.session.expiresAt - held.session.serverTime;
    const margin = Math.min(HANDOUT_MARGIN_MS, life / 4);
    return Date.now() < held.localExpiry - margin ? held : null;
  }

  private fetchSession(): Promise<SessionResponse> {
    if (this.closed) return Promise.reject(new SessionError(closedError()));
    if (this.pending) return this.pending;
    const pending = new Promise<SessionResponse>((resolve, reject) => {
      this.rejectPending = reject;
      const attempt = () => {
        if (this.closed) {
          reject(new SessionError(closedError()));
          return;
        }
        this.request().then(
          (session) => {
            this.retry.succeeded();
            this.accept(session);
            resolve(session);
          },
          (err: unknown) => {
            const failed =
              err instanceof Failure ? err : failure(protocolError('INTERNAL', String(err)), false);
            if (this.closed) {
              reject(new SessionError(closedError()));
              return;
            }
            this.events.emit('error', failed.error, failed.permanent);
            if (failed.permanent) reject(new SessionError(failed.error));
            else this.retry.schedule(attempt, failed.retryAfterMs);
          },
        );
      };
      attempt();
    });
    this.pending = pending;
    const done = () => {
      if (this.pending !== pending) return;
      this.pending = null;
      this.rejectPending = null;
    };
    pending.then(done, done);
    return pending;
  }

  private async request(): Promise<SessionResponse> {
    const body: SessionRequest = {
      ...(this.profile !== null ? { profileToken: this.profile } : {}),
      ...(this.nameToSend !== undefined ? { name: this.nameToSend } : {}),
      ...(this.opts.adminToken !== undefined ? { adminToken: this.opts.adminToken } : {}),
    };
    const abort = new AbortController();
    this.abort = abort;
    const timer = setTimeout(() => abort.abort(), this.opts.requestTimeoutMs ?? 10_000);
    let res: Response;
    let json: unknown;
    try {
      res = await this.fetchImpl(`${this.opts.url.replace(/\/+$/, '')}${SESSION_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: abort.signal,
      });
      json = await res.json().catch(() => null);
    } catch (err) {
      throw failure(
        protocolError('UNAVAILABLE', `the session request failed: ${(err as Error).message ?? err}`),
        false,
      );
    } finally {
      clearTimeout(timer);
      if (this.abort === abort) this.abort = null;
    }
    if (!res.ok) {
      const sent = errorPayloadSchema.safeParse((json as { error?: unknown } | null)?.error);
      const error = sent.success
        ? sent.data
        : protocolError('UNAVAILABLE', `the session request was answered ${res.status}`);
      // The server refused what we send (bad name, wrong admin token): asking again cannot help.
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
      // A limit (429) or an overloaded server (503) may say when to come back; sooner is refused again.
      throw failure(error, permanent, retryAfterMs(res.headers.get('retry-after'), Date.now()));
    }
    const session = sessionResponseSchema.safeParse(json);
    if (!session.success) {
      throw failure(protocolError('BAD_MESSAGE', 'the server sent a malformed session'), false);
    }
    return session.data;
  }

  private accept(session: SessionResponse): void {
    const life = session.expiresAt - session.serverTime;
    this.held = { session, localExpiry: Date.now() + life };
    this.profile = session.profileToken;
    this.nameToSend = undefined;
    this.scheduleRefresh(life);
    this.events.emit('session', session);
  }

  private scheduleRefresh(life: number): void {
    this.cancelRefresh();
    const delay = Math.max(life / 2, Math.min(life * REFRESH_AT, life - REFRESH_MARGIN_MS));
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = null;
        this.fetchSession().catch(() => {
          // Reported through 'error'; the next handshake will ask again.
        });
      },
      Math.min(Math.max(delay, 0), MAX_TIMER_MS),
    );
    // A refresh alone must not keep a Node process (a bot, a test) alive.
    (this.refreshTimer as { unref?: () => void }).unref?.();
  }

  private cancelRefresh(): void {
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }
}

/** One failed request: what the server (or the network) said, and whether to try again. */
class Failure extends Error {
  constructor(
    readonly error: ErrorPayload,
    readonly permanent: boolean,
    /** The server's Retry-After, in ms from now (0: none). */
    readonly retryAfterMs: number,
  ) {
    super(error.message);
  }
}

function failure(error: ErrorPayload, permanent: boolean, retryAfter = 0): Failure {
  return new Failure(error, permanent, retryAfter);
}

/** A Retry-After longer than this is taken as this: a client that waits hours looks broken. */
const RETRY_AFTER_MAX_MS = 3_600_000;

/**
 * A Retry-After header (seconds, or an HTTP date) as ms from `now`; 0 when absent or unreadable.
 * Exported for its tests.
 */
export function retryAfterMs(header: string | null, now: number): number {
  if (header === null) return 0;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_AFTER_MAX_MS) : 0;
}

function closedError(): ErrorPayload {
  return protocolError('UNAVAILABLE', 'the session was closed');
}
