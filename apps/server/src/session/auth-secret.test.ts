import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthSecretError, authSecretFile, loadAuthSecret } from './auth-secret.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'perihelion-secret-test-'));

describe('the session signing secret', () => {
  it('comes from AUTH_SECRET when it is configured', async () => {
    const secret = 'configured-secret-configured-secret-123';
    expect(
      await loadAuthSecret({ AUTH_SECRET: secret, AUTH_SECRET_FILE: undefined, DATA_DIR: '.data/pglite' }),
    ).toEqual({ secret, source: { kind: 'config' } });
  });

  it('is generated once next to the data, readable by its owner only, and the same on the next start', async () => {
    const dir = tempDir();
    const config = { AUTH_SECRET: undefined, AUTH_SECRET_FILE: undefined, DATA_DIR: join(dir, 'pglite') };
    expect(authSecretFile(config)).toBe(join(dir, 'auth-secret'));
    const first = await loadAuthSecret(config);
    expect(first.source).toEqual({ kind: 'file', file: join(dir, 'auth-secret'), created: true });
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dir, 'auth-secret')).mode & 0o777).toBe(0o600);
    const again = await loadAuthSecret(config);
    expect(again).toEqual({ secret: first.secret, source: { ...first.source, created: false } });
  });

  it('uses AUTH_SECRET_FILE when given, even with in-memory data', async () => {
    const file = join(tempDir(), 'nested', 'secret');
    const config = { AUTH_SECRET: undefined, AUTH_SECRET_FILE: file, DATA_DIR: ':memory:' };
    const first = await loadAuthSecret(config);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
    expect((await loadAuthSecret(config)).secret).toBe(first.secret);
  });

  it('lives in memory only with in-memory data: a new one per process', async () => {
    const config = { AUTH_SECRET: undefined, AUTH_SECRET_FILE: undefined, DATA_DIR: ':memory:' };
    const a = await loadAuthSecret(config);
    const b = await loadAuthSecret(config);
    expect(a.source).toEqual({ kind: 'memory' });
    expect(a.secret).not.toBe(b.secret);
  });

  it('refuses a secret file that holds too short a secret, naming the file', async () => {
    const file = join(tempDir(), 'auth-secret');
    writeFileSync(file, 'short\n');
    const load = loadAuthSecret({ AUTH_SECRET: undefined, AUTH_SECRET_FILE: file, DATA_DIR: ':memory:' });
    await expect(load).rejects.toThrow(AuthSecretError);
    await expect(load).rejects.toThrow(file);
  });
});
