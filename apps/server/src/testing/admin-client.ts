import { ADMIN_API_PREFIX, type AdminOverview, adminOverviewSchema } from '@perihelion/protocol';
import { eventuallyAsync, fetchSession } from './test-server.js';

/** The ADMIN_TOKEN of the admin console's test servers. */
export const TEST_ADMIN_TOKEN = 'admin-token-of-the-console-tests';

export interface AdminAnswer {
  status: number;
  body: unknown;
}

/**
 * The admin API as the console calls it: `Authorization: Bearer <token>` (an admin session's
 * access token, a player's, the ADMIN_TOKEN, or none), JSON in and out.
 */
export class AdminClient {
  constructor(
    readonly url: string,
    private readonly token: string | null,
  ) {}

  /** Signs in as the console does: a session with the ADMIN_TOKEN, under `name`. */
  static async signIn(
    url: string,
    name = 'Operator Ada',
    adminToken = TEST_ADMIN_TOKEN,
  ): Promise<AdminClient> {
    const session = await fetchSession(url, { name, adminToken });
    if (session.role !== 'admin') throw new Error(`expected an admin session, got ${session.role}`);
    return new AdminClient(url, session.accessToken);
  }

  get(path: string): Promise<AdminAnswer> {
    return this.call('GET', path);
  }

  post(path: string, body?: unknown): Promise<AdminAnswer> {
    return this.call('POST', path, body);
  }

  async overview(): Promise<AdminOverview> {
    const answer = await this.get('/overview');
    if (answer.status !== 200)
      throw new Error(`overview answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return adminOverviewSchema.parse(answer.body);
  }

  /** Asks for the overview until `check` finds what it looks for (the console's view is live). */
  overviewUntil<T>(
    what: string,
    check: (o: AdminOverview) => T | undefined | false,
    guardMs = 15_000,
  ): Promise<T> {
    return eventuallyAsync(async () => check(await this.overview()), what, guardMs);
  }

  async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<AdminAnswer> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.url}${ADMIN_API_PREFIX}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  }
}
