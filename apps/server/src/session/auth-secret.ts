import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { MIN_SECRET_BYTES } from '@perihelion/engine';
import type { Config } from '../config.js';

/** Where the signing secret came from (logged at start, never the secret itself). */
export type AuthSecretSource =
  | { kind: 'config' }
  | { kind: 'file'; file: string; created: boolean }
  | { kind: 'memory' };

export interface AuthSecret {
  secret: string;
  source: AuthSecretSource;
}

export class AuthSecretError extends Error {}

/**
 * The file that keeps a generated secret: AUTH_SECRET_FILE, else "auth-secret" next to the
 * embedded store's directory (.data/auth-secret for the default DATA_DIR); null when the data
 * itself is not kept (DATA_DIR=":memory:").
 */
export function authSecretFile(config: Pick<Config, 'AUTH_SECRET_FILE' | 'DATA_DIR'>): string | null {
  if (config.AUTH_SECRET_FILE) return resolve(config.AUTH_SECRET_FILE);
  if (config.DATA_DIR === ':memory:') return null;
  return join(dirname(resolve(config.DATA_DIR)), 'auth-secret');
}

/**
 * The secret that signs session tokens: AUTH_SECRET when configured; otherwise the one kept in the
 * secret file, generated (random, 256 bits) and written there with mode 0600 on first start so
 * tokens stay valid across restarts; with no file (in-memory data) a random one for this process.
 */
export async function loadAuthSecret(
  config: Pick<Config, 'AUTH_SECRET' | 'AUTH_SECRET_FILE' | 'DATA_DIR'>,
): Promise<AuthSecret> {
  if (config.AUTH_SECRET) return { secret: config.AUTH_SECRET, source: { kind: 'config' } };
  const file = authSecretFile(config);
  if (!file) return { secret: generateSecret(), source: { kind: 'memory' } };
  const existing = await readSecret(file);
  if (existing !== null) return { secret: existing, source: { kind: 'file', file, created: false } };
  const secret = generateSecret();
  await mkdir(dirname(file), { recursive: true });
  try {
    // 'wx': never overwrite; a server starting at the same moment may have written it first.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const theirs = await readSecret(file);
    if (theirs === null) throw new AuthSecretError(`AUTH_SECRET_FILE ${file} vanished while starting`);
    return { secret: theirs, source: { kind: 'file', file, created: false } };
  }
  return { secret, source: { kind: 'file', file, created: true } };
}

/** Whether the secret file can be read by others than its owner (it should be 0600). */
export async function secretFileIsShared(file: string): Promise<boolean> {
  return ((await stat(file)).mode & 0o077) !== 0;
}

function generateSecret(): string {
  return randomBytes(MIN_SECRET_BYTES).toString('base64url');
}

async function readSecret(file: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AuthSecretError(`AUTH_SECRET_FILE ${file} cannot be read: ${(err as Error).message}`);
  }
  const secret = text.trim();
  if (secret.length < 32) {
    throw new AuthSecretError(
      `AUTH_SECRET_FILE ${file} holds ${secret.length} characters; a secret needs at least 32 (delete the file to generate a new one)`,
    );
  }
  return secret;
}
