import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { oidcSettings } from './oidc-config.js';

const ISSUER = 'https://idp.example.com/realms/studio';

describe('identity provider configuration', () => {
  it('is off unless an issuer is configured (empty is unset)', () => {
    expect(oidcSettings(loadConfig({}))).toBeNull();
    expect(oidcSettings(loadConfig({ OIDC_ISSUER: '', OIDC_AUDIENCE: '' }))).toBeNull();
  });

  it('reads the issuer as written, a list of audiences and the defaults', () => {
    const settings = oidcSettings(
      loadConfig({ OIDC_ISSUER: `${ISSUER}/`, OIDC_AUDIENCE: 'web-client, mobile-client' }),
    );
    expect(settings).toEqual({
      // Compared with `iss` character for character: a trailing slash is part of it.
      issuer: `${ISSUER}/`,
      audiences: ['web-client', 'mobile-client'],
      jwksUrl: null,
      algorithms: ['RS256'],
      clockToleranceS: 30,
      jwksCooldownMs: 30_000,
      signInTtlS: 86_400,
    });
    const explicit = oidcSettings(
      loadConfig({
        OIDC_ISSUER: 'http://127.0.0.1:8080',
        OIDC_AUDIENCE: 'web',
        OIDC_JWKS_URL: 'http://localhost:8080/certs',
        OIDC_ALLOWED_ALGS: 'RS256,ES256',
      }),
    );
    expect(explicit).toMatchObject({
      jwksUrl: new URL('http://localhost:8080/certs'),
      algorithms: ['RS256', 'ES256'],
    });
  });

  it.each([
    [
      { OIDC_ISSUER: 'http://idp.example.com', OIDC_AUDIENCE: 'web' },
      /OIDC_ISSUER="http:\/\/idp.example.com": must be an https:\/\/ URL/,
    ],
    [{ OIDC_ISSUER: 'accounts.google.com', OIDC_AUDIENCE: 'web' }, /OIDC_ISSUER="accounts.google.com"/],
    [{ OIDC_ISSUER: ISSUER }, /OIDC_AUDIENCE="": set it with OIDC_ISSUER/],
    [{ OIDC_AUDIENCE: 'web' }, /OIDC_AUDIENCE="web": needs OIDC_ISSUER/],
    [{ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: ' , ' }, /OIDC_AUDIENCE=" , ": must name at least one value/],
    [
      { OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'web', OIDC_ALLOWED_ALGS: 'RS256,HS256' },
      /OIDC_ALLOWED_ALGS="RS256,HS256": HS256 not accepted/,
    ],
    [{ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'web', OIDC_ALLOWED_ALGS: 'none' }, /OIDC_ALLOWED_ALGS="none"/],
    [{ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'web', OIDC_SIGN_IN_TTL_S: '10' }, /OIDC_SIGN_IN_TTL_S="10"/],
  ])('names the bad variable in %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
