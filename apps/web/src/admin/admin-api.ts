import type { SessionAuth } from '@perihelion/client';
import {
  ADMIN_API_PREFIX,
  type AdminAnnounced,
  type AdminDrained,
  type AdminKicked,
  type AdminMessageSent,
  type AdminOverview,
  type AdminRaidResult,
  adminAnnouncedSchema,
  adminDrainedSchema,
  adminKickedSchema,
  adminMessageSentSchema,
  adminOverviewSchema,
  adminRaidResultSchema,
} from '@perihelion/protocol';

/** What the console needs of a protocol schema (zod's, without depending on zod here). */
interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export type AdminAnswer<T> = { ok: true; value: T } | { ok: false; status: number; message: string };

interface ErrorBody {
  error?: { message?: string };
}

/**
 * The admin API (/api/admin) as the console calls it, with the console's admin session: every
 * answer checked with the protocol's schema, every refusal turned into a sentence to show.
 */
export class AdminApi {
  constructor(private readonly auth: SessionAuth) {}

  overview(): Promise<AdminAnswer<AdminOverview>> {
    return this.call('GET', '/overview', adminOverviewSchema);
  }

  announce(text: string): Promise<AdminAnswer<AdminAnnounced>> {
    return this.call('POST', '/announcements', adminAnnouncedSchema, { text });
  }

  message(playerId: string, text: string): Promise<AdminAnswer<AdminMessageSent>> {
    return this.call('POST', `/players/${encodeURIComponent(playerId)}/messages`, adminMessageSentSchema, {
      text,
    });
  }

  kick(playerId: string, reason: string): Promise<AdminAnswer<AdminKicked>> {
    const body = reason ? { reason } : {};
    return this.call('POST', `/players/${encodeURIComponent(playerId)}/kick`, adminKickedSchema, body);
  }

  raid(sector: string, step: 'trigger' | 'cancel'): Promise<AdminAnswer<AdminRaidResult>> {
    return this.call('POST', `/raids/${encodeURIComponent(sector)}/${step}`, adminRaidResultSchema);
  }

  /**
   * Drains `node`. The request names it (?node=), which is also the load balancer's routing hint:
   * a node that gets a drain meant for another refuses it instead of draining itself.
   */
  drain(node: string): Promise<AdminAnswer<AdminDrained>> {
    return this.call('POST', `/drain?node=${encodeURIComponent(node)}`, adminDrainedSchema);
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    schema: Schema<T>,
    body?: unknown,
  ): Promise<AdminAnswer<T>> {
    let token: string;
    try {
      token = await this.auth.current();
    } catch (err) {
      return { ok: false, status: 401, message: `no admin session: ${String(err)}` };
    }
    try {
      const res = await fetch(`${ADMIN_API_PREFIX}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json: unknown = await res.json().catch(() => null);
      if (res.status === 401) this.auth.invalidate(token);
      if (!res.ok) {
        const message = (json as ErrorBody | null)?.error?.message ?? `the server answered ${res.status}`;
        return { ok: false, status: res.status, message };
      }
      const parsed = schema.safeParse(json);
      return parsed.success
        ? { ok: true, value: parsed.data }
        : { ok: false, status: 0, message: 'the server answered something this console does not understand' };
    } catch (err) {
      return { ok: false, status: 0, message: `the server cannot be reached (${String(err)})` };
    }
  }
}
