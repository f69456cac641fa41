import { z } from 'zod';
import { isTrustedProviderUrl } from './oidc-config.js';

/** The provider did not say where its keys are (unreachable, or an answer we cannot use). */
export class DiscoveryError extends Error {}

/** The part of an OpenID Provider's metadata the server uses. */
const metadataSchema = z.object({
  issuer: z.string(),
  jwks_uri: z
    .string()
    .refine(isTrustedProviderUrl, 'jwks_uri must be an https:// URL (http:// only on localhost)'),
});

const DISCOVERY_TIMEOUT_MS = 5000;

/**
 * Where an issuer publishes its signing keys, read from its metadata document (OpenID Connect
 * Discovery 1.0, section 4). The document must name the same issuer, character for character:
 * otherwise another provider's metadata (a misconfigured URL, a redirect) would choose our keys.
 */
export async function discoverJwksUrl(
  issuer: string,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
): Promise<URL> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let body: unknown;
  try {
    const res = await fetchImpl(url, {
      headers: { accept: 'application/json' },
      // A redirect would hand the choice of keys to wherever it points.
      redirect: 'error',
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    if (res.status !== 200) throw new DiscoveryError(`${url} answered ${res.status}`);
    body = await res.json();
  } catch (err) {
    if (err instanceof DiscoveryError) throw err;
    throw new DiscoveryError(`could not read ${url}: ${(err as Error).message}`, { cause: err });
  }
  const metadata = metadataSchema.safeParse(body);
  if (!metadata.success) {
    throw new DiscoveryError(`${url} is not usable provider metadata: ${metadata.error.issues[0]?.message}`);
  }
  if (metadata.data.issuer !== issuer) {
    throw new DiscoveryError(
      `${url} names the issuer ${JSON.stringify(metadata.data.issuer)}, not the configured ${JSON.stringify(issuer)}`,
    );
  }
  return new URL(metadata.data.jwks_uri);
}
