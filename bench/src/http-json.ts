import { type Agent, request } from 'node:http';

export interface JsonAnswer {
  status: number;
  /** The parsed JSON body, or null when there was none or it was not JSON. */
  body: unknown;
}

/**
 * One JSON request over node:http (not fetch): the caller's Agent decides keep-alive, the pool
 * size and the source address (`localAddress`), which a bot fleet of thousands needs to control.
 */
export function requestJson(
  method: 'GET' | 'POST',
  url: string,
  body: unknown,
  opts: { agent?: Agent; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        ...(opts.agent ? { agent: opts.agent } : {}),
        headers: {
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
            : {}),
          ...opts.headers,
        },
        timeout: opts.timeoutMs ?? 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let parsed: unknown = null;
          try {
            parsed = text === '' ? null : JSON.parse(text);
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Polls `url` until it answers 200; rejects when `exited()` turns true or the time is up. */
export async function waitForHttpOk(
  url: string,
  timeoutMs: number,
  exited: () => boolean,
  describe: () => string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (exited()) throw new Error(`the process exited during start-up:\n${describe()}`);
    try {
      if ((await requestJson('GET', url, undefined, { timeoutMs: 1000 })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${describe()}`);
}
