/**
 * What the dev runner (dev-runner.ts) and the server processes it starts say to each other over
 * their IPC channel. A process is started early and does its slow part (importing) while the
 * previous server still serves; it opens the store and listens only when told to, once the
 * previous server has stopped and let go of the store.
 */

/** Set (to "1") in the environment of a process the runner starts: wait for 'go' before starting. */
export const WARM_START_ENV = 'PERIHELION_WARM_START';

/** From a server process to the runner. */
export type ChildMessage =
  /** Third-party modules are loaded; the process waits for 'load' (see standby.ts). */
  | { type: 'standby' }
  /** The server's code is imported and its config parsed; it waits for 'go'. */
  | { type: 'warm' }
  /** It listens: a restart may now stop it (before this, SIGTERM would find no shutdown handler). */
  | { type: 'live'; url: string };

/** From the runner to a server process. */
export type RunnerMessage =
  /** Import the server's entry module now (the sources as they are at this moment). */
  | { type: 'load' }
  /** The previous server has stopped: open the store and listen. */
  | { type: 'go' };

/** The message if it is one of ours, else null (anything may arrive on a channel). */
export function parseChildMessage(value: unknown): ChildMessage | null {
  if (!isTyped(value)) return null;
  if (value.type === 'standby' || value.type === 'warm') return { type: value.type };
  if (value.type === 'live' && 'url' in value && typeof value.url === 'string') {
    return { type: 'live', url: value.url };
  }
  return null;
}

export function parseRunnerMessage(value: unknown): RunnerMessage | null {
  if (!isTyped(value)) return null;
  return value.type === 'load' || value.type === 'go' ? { type: value.type } : null;
}

function isTyped(value: unknown): value is { type: unknown } {
  return typeof value === 'object' && value !== null && 'type' in value;
}
