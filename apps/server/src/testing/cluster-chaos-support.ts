import { buildResultSchema } from '@perihelion/protocol';
import type { Participant } from './chat-chaos-support.js';

/*
 * What the cluster chaos test asks of a cluster that keeps failing under it: requests that are
 * tried again until answered (a node may die under one), and a construction started from a
 * pilot's ship whatever its connection goes through. Every loop has a guard and stops when the
 * test is over, so nothing waits forever or acts on a stopped cluster.
 */

export interface PatienceOptions {
  /** How long to keep trying before failing, saying what still failed. */
  guardMs: number;
  /** One attempt's longest wait for an answer. */
  timeoutMs: number;
  /** The test is over: stop trying. */
  stopped: () => boolean;
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A network failure or a timeout (try again), as opposed to an answer. */
export function failedOnTheWay(err: unknown): err is Error {
  return err instanceof TypeError || (err instanceof DOMException && err.name === 'TimeoutError');
}

/** An HTTP request, tried again while it fails on the way or answers 5xx; any other answer is returned. */
export async function requestUntilAnswered(
  url: string,
  init: RequestInit,
  what: string,
  opts: PatienceOptions,
): Promise<Response> {
  const deadline = Date.now() + opts.guardMs;
  for (;;) {
    let failure: string;
    try {
      const res = await fetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs) });
      if (res.status < 500) return res;
      failure = `${res.status} ${await res.text()}`;
    } catch (err) {
      if (!failedOnTheWay(err)) throw err;
      failure = `${err.name}: ${err.message}`;
    }
    if (opts.stopped() || Date.now() > deadline) throw new Error(`${what}: still failing (${failure})`);
    await pause(200);
  }
}

export interface BuildOptions extends PatienceOptions {
  sector: string;
  random: () => number;
  /** The pilot's state, for the failure message. */
  describe: () => string;
}

/**
 * One station core where the pilot's ship is, once the pilot is in the sector. Every attempt
 * carries the same request id, so one whose answer was lost and that is sent again (perhaps to
 * another node) is answered with the build it started, never a second one.
 */
export async function buildWhereTheShipIs(p: Participant, opts: BuildOptions): Promise<void> {
  const pilot = p.pilot;
  if (!pilot) throw new Error(`P${p.index} is no pilot`);
  const deadline = Date.now() + opts.guardMs;
  const requestId = `chaos-build-${p.playerId}`;
  let last = 'not tried yet';
  let shift = { x: 0, y: 0 };
  for (;;) {
    if (opts.stopped() || Date.now() > deadline) {
      throw new Error(`P${p.index} could not start a build: ${last} (${opts.describe()})`);
    }
    const own = pilot.ownRenderState(performance.now());
    if (pilot.status !== 'connected' || pilot.sector !== opts.sector || !own) {
      last = `not in the sector (${pilot.status})`;
      await pause(100);
      continue;
    }
    try {
      const at = { x: Math.round((own[0] ?? 0) + shift.x), y: Math.round((own[1] ?? 0) + shift.y) };
      const answer = buildResultSchema.parse(
        await pilot.request('build', { kind: 'station-core', ...at, requestId }, opts.timeoutMs),
      );
      if (answer.ok) return;
      last = `${answer.error.code}: ${answer.error.message}`;
      // Two ships that happen to be in one spot: build a little further off.
      shift = { x: (opts.random() - 0.5) * 300, y: (opts.random() - 0.5) * 300 };
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await pause(200);
  }
}
