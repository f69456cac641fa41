/**
 * `node --import tsx tls-probe.ts <url> <websocket|polling>`: one SDK player joins a sector at
 * `url` over the given transport and prints what it got as one JSON line, then exits. Run as its
 * own process so the test can give it a certificate authority (NODE_EXTRA_CA_CERTS) the way a
 * browser trusts a site's certificate: nothing in it turns verification off.
 */
import { GameClient, type TransportName } from '@perihelion/client';

const [url, transport] = process.argv.slice(2) as [string, TransportName];
const client = new GameClient({ url, sector: 'over-tls', name: 'Sealed', transport });
const guard = setTimeout(() => finish('timed out'), 60_000);

function finish(outcome: string): void {
  clearTimeout(guard);
  console.log(
    JSON.stringify({
      outcome,
      status: client.status,
      transport: client.transport,
      node: client.node,
      error: client.lastError?.message ?? null,
    }),
  );
  client.close();
  process.exit(outcome === 'connected' ? 0 : 1);
}

client.on('status', (status) => {
  if (status === 'connected') finish('connected');
  if (status === 'failed') finish('failed');
});
client.connect();
