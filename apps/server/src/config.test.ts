import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', TICK_RATE: 30, SNAPSHOT_RATE: 15 });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT="eighty"/],
    [{ PORT: '70000' }, /PORT="70000"/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud"/],
    [{ TICK_RATE: '20', SNAPSHOT_RATE: '30' }, /SNAPSHOT_RATE="30": must not exceed TICK_RATE/],
    [{ SESSION_TTL_S: '1' }, /SESSION_TTL_S="1"/],
    [{ NODE_ID: 'node.one' }, /NODE_ID="node.one": must be 1–64 letters, digits/],
    [{ REDIS_PREFIX: 'a b' }, /REDIS_PREFIX="a b"/],
  ])('names the bad variable in %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('has session defaults: 15-minute tokens, a generated secret, no admin token', () => {
    for (const env of [{}, { AUTH_SECRET: '', AUTH_SECRET_FILE: '', ADMIN_TOKEN: '' }]) {
      const c = loadConfig(env);
      expect(c.SESSION_TTL_S).toBe(900);
      expect([c.AUTH_SECRET, c.AUTH_SECRET_FILE, c.ADMIN_TOKEN]).toEqual([undefined, undefined, undefined]);
    }
  });

  it('refuses short secrets by name without printing them', () => {
    const env = { AUTH_SECRET: 'hunter2', ADMIN_TOKEN: 'letmein' };
    expect(() => loadConfig(env)).toThrow(
      /AUTH_SECRET=\(hidden, 7 characters\): must be at least 32 characters/,
    );
    expect(() => loadConfig(env)).toThrow(
      /ADMIN_TOKEN=\(hidden, 7 characters\): must be at least 16 characters/,
    );
    expect(() => loadConfig(env)).not.toThrow(/hunter2|letmein/);
  });

  it('runs alone without REDIS_URL; a cluster needs PostgreSQL too, and URLs are never echoed', () => {
    expect(loadConfig({}).REDIS_URL).toBeUndefined();
    expect(loadConfig({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(
      /DATABASE_URL=.*a cluster \(REDIS_URL\) keeps its data in PostgreSQL/,
    );
    const cluster = loadConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATABASE_URL: 'postgres://127.0.0.1/game',
      NODE_ID: 'node-1',
    });
    expect(cluster).toMatchObject({ REDIS_PREFIX: 'perihelion:', NODE_ID: 'node-1' });
    const bad = { REDIS_URL: 'http://:s3cret@example', DATABASE_URL: 'mysql://:s3cret@example' };
    expect(() => loadConfig(bad)).toThrow(/REDIS_URL=\(hidden, \d+ characters\): must be a redis:\/\//);
    expect(() => loadConfig(bad)).toThrow(/DATABASE_URL=\(hidden/);
    expect(() => loadConfig(bad)).not.toThrow(/s3cret/);
  });
});
