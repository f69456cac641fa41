import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

/** One of the provider's signing keys. */
export interface TestSigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface SignOptions {
  /** Default: the provider's current key. */
  key?: TestSigningKey;
  /** Seconds from now; negative: already expired. Default 600. */
  expiresIn?: number;
  /** Seconds from now the token says it was issued. Default 0. */
  issuedAt?: number;
}

/**
 * A stand-in OpenID Connect provider on a free loopback port, with the two documents a server
 * reads: its metadata (/.well-known/openid-configuration) and its key set (/jwks). It signs ID
 * tokens as a real provider would (RS256, a `kid` naming the key) and can rotate its keys.
 */
export class TestOidcProvider {
  /** Times the key set was fetched. */
  jwksFetches = 0;
  private published: TestSigningKey[];

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly issuer: string,
    private current: TestSigningKey,
    /** Who the tokens are for unless a test says otherwise. */
    readonly audience: string,
  ) {
    this.published = [current];
  }

  /** `metadataIssuer`: what the metadata claims as issuer (a misconfigured provider). */
  static async start(opts: { audience: string; metadataIssuer?: string }): Promise<TestOidcProvider> {
    const key = await TestOidcProvider.newKey();
    let provider: TestOidcProvider | null = null;
    const server = createServer((req, res) => {
      if (!provider) return void res.writeHead(503).end();
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            issuer: opts.metadataIssuer ?? provider.issuer,
            jwks_uri: `${provider.issuer}/jwks`,
            id_token_signing_alg_values_supported: ['RS256'],
          }),
        );
        return;
      }
      if (req.url === '/jwks') {
        provider.jwksFetches++;
        res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
        res.end(JSON.stringify({ keys: provider.published.map((k) => k.publicJwk) }));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    provider = new TestOidcProvider(server, `http://127.0.0.1:${port}`, key, opts.audience);
    return provider;
  }

  /** A new key pair, not published. */
  static async newKey(): Promise<TestSigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomBytes(6).toString('hex');
    const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    return { kid, privateKey, publicJwk };
  }

  /** An ID token for `sub`, with the usual claims unless `claims` overrides them. */
  async sign(sub: string, claims: JWTPayload = {}, opts: SignOptions = {}): Promise<string> {
    const key = opts.key ?? this.current;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: this.issuer,
      aud: this.audience,
      sub,
      iat: now + (opts.issuedAt ?? 0),
      exp: now + (opts.expiresIn ?? 600),
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  /** Replaces the published keys with a new one, which signs from now on. */
  async rotate(): Promise<TestSigningKey> {
    this.current = await TestOidcProvider.newKey();
    this.published = [this.current];
    return this.current;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
