/*
 * localStorage, for what a player should keep across visits. Storage can be unavailable (private
 * mode, sandboxed frames, a full quota): then reads find nothing and writes are dropped, and the
 * caller keeps its own copy in memory.
 */

export function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Memory only for this page; the next visit starts over.
  }
}
