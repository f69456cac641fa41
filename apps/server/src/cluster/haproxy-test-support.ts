import { spawnSync } from 'node:child_process';
import { request } from 'node:http';

/**
 * Why the HAProxy tests cannot run here (null when they can). Where the services are required
 * (CI sets PERIHELION_REQUIRE_SERVICES=1) a missing HAProxy is an error instead.
 */
export function haproxySkipReason(): string | null {
  const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  const reason = probe.error ? 'haproxy is not installed (Debian: apt-get install haproxy)' : null;
  if (reason && process.env.PERIHELION_REQUIRE_SERVICES === '1') {
    throw new Error(`HAProxy is required here (PERIHELION_REQUIRE_SERVICES=1) but ${reason}`);
  }
  if (reason) console.warn(`[skip] HAProxy tests: ${reason}`);
  return reason;
}

export interface PlainResponse {
  status: number;
  body: string;
}

/** One HTTP request from a chosen local address (127.0.0.2, 127.0.0.3…: other "clients"). */
export function requestFrom(
  localAddress: string,
  url: string,
  opts: { method?: string; body?: string } = {},
): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        localAddress,
        headers: opts.body !== undefined ? { 'content-type': 'text/plain;charset=UTF-8' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
