import { readStored, writeStored } from './storage.js';

const STORAGE_KEY = 'perihelion.token';

/**
 * The profile token the server issues with every session: presenting it again brings back the same
 * player (name, ore, credits, structures) on the next visit. Kept in memory too, so a page without
 * storage still resumes its profile after a reconnect.
 */
export class ProfileToken {
  private value: string | null = readStored(STORAGE_KEY);

  get(): string | null {
    return this.value;
  }

  save(token: string): void {
    if (token === this.value) return;
    this.value = token;
    writeStored(STORAGE_KEY, token);
  }
}
