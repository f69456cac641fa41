import {
  type ContentIssue,
  TUNING_PATH,
  type TuningChange,
  type TuningState,
  type TuningValue,
  tuningStateSchema,
} from '@perihelion/protocol';

export type TuningAnswer<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; message: string; issues: ContentIssue[] };

interface ErrorBody {
  error?: { message?: string };
  issues?: ContentIssue[];
}

/**
 * The server's tuning API (/api/tuning) as the page's tuning panel calls it, with the page's own
 * session: a development server lets every player tune, a production one only admins.
 */
export class TuningApi {
  constructor(
    /** The server's origin ("" for the page's own). */
    private readonly server: string,
    private readonly accessToken: () => Promise<string>,
  ) {}

  async state(): Promise<TuningAnswer<TuningState>> {
    const answer = await this.call('GET', '');
    if (!answer.ok) return answer;
    const parsed = tuningStateSchema.safeParse(answer.value);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : {
          ok: false,
          status: 0,
          message: 'the server answered something this page does not understand',
          issues: [],
        };
  }

  set(values: Record<string, TuningValue>, note?: string): Promise<TuningAnswer<unknown>> {
    return this.call('POST', '', { set: values, ...(note ? { note } : {}) });
  }

  revert(change: TuningChange): Promise<TuningAnswer<unknown>> {
    return this.call('POST', `/${change.id}/revert`);
  }

  writeBack(): Promise<TuningAnswer<unknown>> {
    return this.call('POST', '/write-back');
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<TuningAnswer<unknown>> {
    try {
      const res = await fetch(`${this.server}${TUNING_PATH}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await this.accessToken()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json: unknown = await res.json().catch(() => null);
      if (res.ok) return { ok: true, value: json };
      const error = (json ?? {}) as ErrorBody;
      return {
        ok: false,
        status: res.status,
        message: error.error?.message ?? `the server answered ${res.status}`,
        issues: Array.isArray(error.issues) ? error.issues : [],
      };
    } catch (err) {
      return { ok: false, status: 0, message: `the server cannot be reached (${String(err)})`, issues: [] };
    }
  }
}
