import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../server.js';
import { freePort } from '../testing/free-port.js';
import { startTestServer } from '../testing/test-server.js';
import { HaproxyProcess } from './haproxy-process.js';
import { haproxySkipReason } from './haproxy-test-support.js';

const skip = haproxySkipReason();
const serverDir = fileURLToPath(new URL('../../', import.meta.url));
const orphanGuard = new URL('../../../../scripts/orphan-guard.mjs', import.meta.url).href;

/** A self-signed certificate for 127.0.0.1: the CA file a client trusts, and HAProxy's PEM. */
function selfSignedCertificate(): { caFile: string; haproxyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'perihelion-tls-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const haproxyPem = join(dir, 'haproxy.pem');
  writeFileSync(haproxyPem, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
  return { caFile: cert, haproxyPem };
}

/** One SDK player in its own process, trusting `caFile` as a browser trusts a certificate. */
function probe(url: string, transport: string, caFile: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', orphanGuard, 'src/testing/tls-probe.ts', url, transport],
      {
        cwd: serverDir,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    child.channel?.unref();
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('{"outcome"'));
      if (line) resolve(JSON.parse(line) as Record<string, unknown>);
      else reject(new Error(`the probe printed no result:\n${out}`));
    });
  });
}

describe.skipIf(skip !== null)('TLS at the load balancer', () => {
  let node: RunningServer | null = null;
  let haproxy: HaproxyProcess | null = null;
  let caFile = '';
  let url = '';

  beforeAll(async () => {
    const cert = selfSignedCertificate();
    caFile = cert.caFile;
    node = await startTestServer({ NODE_ID: 'sealed-node' });
    const port = await freePort();
    haproxy = await HaproxyProcess.start({
      bind: { host: '127.0.0.1', port },
      nodes: [{ id: 'sealed-node', host: '127.0.0.1', port: node.port }],
      tlsPem: cert.haproxyPem,
    });
    url = `https://127.0.0.1:${port}`;
  }, 120_000);
  afterAll(async () => {
    await haproxy?.stop();
    await node?.close();
  });

  it.each(['websocket', 'polling'])(
    'a player joins through TLS over %s (wss://, or https:// long-polling)',
    async (transport) => {
      const result = await probe(url, transport, caFile);
      expect(result).toMatchObject({
        outcome: 'connected',
        status: 'connected',
        transport,
        node: 'sealed-node',
      });
    },
    120_000,
  );

  it('is real TLS: a client that does not trust the certificate is refused, one that does gets through', async () => {
    // This test process trusts only the usual authorities.
    const refused = await fetch(`${url}/healthz`).then(
      () => null,
      (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
    );
    expect(refused).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const trusted = await new Promise<string>((resolve, reject) => {
      const req = httpsGet(`${url}/healthz`, { ca: readFileSync(caFile) }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve(body));
      });
      req.once('error', reject);
    });
    expect(JSON.parse(trusted)).toMatchObject({ status: 'ok', node: 'sealed-node' });
  });
});
