import { setTimeout as sleep } from 'node:timers/promises';
import { machineTaskCpuSeconds } from './proc-stat.js';

/** "Quiet" = everything running uses less than this share of one core. */
const QUIET_PERCENT = 20;
const SAMPLE_MS = 3000;

/**
 * Waits (up to `maxSeconds`) until nothing much else runs on the machine, so a run does not
 * measure someone else's test suite. Returns the busy share seen last (100 % = one core), or
 * null where /proc/stat is unavailable. `onWait` reports each busy sample.
 */
export async function waitForQuietMachine(
  maxSeconds: number,
  signal: AbortSignal,
  onWait: (busyPercent: number) => void,
): Promise<number | null> {
  const deadline = performance.now() + maxSeconds * 1000;
  for (;;) {
    const a = machineTaskCpuSeconds();
    const t0 = performance.now();
    await sleep(SAMPLE_MS, undefined, { signal });
    const b = machineTaskCpuSeconds();
    if (a === null || b === null) return null;
    const busy = ((b - a) / ((performance.now() - t0) / 1000)) * 100;
    if (busy < QUIET_PERCENT || performance.now() >= deadline) return busy;
    onWait(busy);
  }
}
