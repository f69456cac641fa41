import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('HTTP settings', () => {
  it('defaults: peer addresses, no CORS, sessions 60/min and guests 30 per 10 min per address', () => {
    const c = loadConfig({});
    expect(c.TRUST_PROXY).toBeUndefined();
    expect(c.CORS_ORIGINS).toBeUndefined();
    expect(c.SESSION_RATE_LIMIT).toEqual({ max: 60, windowMs: 60_000, text: '60/1m' });
    expect(c.GUEST_RATE_LIMIT).toEqual({ max: 30, windowMs: 600_000, text: '30/10m' });
    expect([c.ACCESS_LOG, c.ACCESS_LOG_PROBES, c.ACCESS_LOG_SOCKETIO]).toEqual(['info', 'debug', 'off']);
    // Empty means unset, as for every other variable.
    expect(loadConfig({ SESSION_RATE_LIMIT: '', CORS_ORIGINS: '', TRUST_PROXY: '' })).toMatchObject({
      SESSION_RATE_LIMIT: { max: 60 },
      CORS_ORIGINS: undefined,
      TRUST_PROXY: undefined,
    });
  });

  it('reads limits as <count>/<window>, or off', () => {
    const c = loadConfig({ SESSION_RATE_LIMIT: '1000/30s', GUEST_RATE_LIMIT: 'off' });
    expect(c.SESSION_RATE_LIMIT).toEqual({ max: 1000, windowMs: 30_000, text: '1000/30s' });
    expect(c.GUEST_RATE_LIMIT).toBeNull();
    expect(loadConfig({ GUEST_RATE_LIMIT: '5/2h' }).GUEST_RATE_LIMIT?.windowMs).toBe(7_200_000);
  });

  it('reads proxies and origins as lists', () => {
    const c = loadConfig({
      TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback,fd00::/8',
      CORS_ORIGINS: 'https://play.example.com, http://localhost:5173',
    });
    expect(c.TRUST_PROXY).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback', 'fd00::/8']);
    expect(c.CORS_ORIGINS).toEqual(['https://play.example.com', 'http://localhost:5173']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).CORS_ORIGINS).toEqual(['*']);
  });

  it.each([
    [{ SESSION_RATE_LIMIT: '60' }, /SESSION_RATE_LIMIT="60": must be "<count>\/<window>"/],
    [{ GUEST_RATE_LIMIT: '0/1m' }, /GUEST_RATE_LIMIT="0\/1m"/],
    [{ GUEST_RATE_LIMIT: '10/1d' }, /GUEST_RATE_LIMIT="10\/1d"/],
    [{ TRUST_PROXY: 'true' }, /TRUST_PROXY="true": must be a comma-separated list of proxy addresses/],
    [{ TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY="10.0.0.0\/33"/],
    [{ CORS_ORIGINS: 'https://play.example.com/' }, /CORS_ORIGINS="https:\/\/play.example.com\/": must be/],
    [{ CORS_ORIGINS: 'play.example.com' }, /CORS_ORIGINS="play.example.com"/],
    [{ ACCESS_LOG: 'loud' }, /ACCESS_LOG="loud"/],
    [{ ACCESS_LOG_SOCKETIO: 'yes' }, /ACCESS_LOG_SOCKETIO="yes"/],
  ])('names the bad variable in %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
