import type { LiveLine } from './live-line.js';
import { describeMachine } from './machine.js';
import type { BenchOptions } from './options.js';
import { OUT_DIR, writeOut } from './out-dir.js';
import { Progress } from './progress.js';
import { renderMarkdown, renderText } from './report.js';
import { runScenario, type ScenarioResult } from './scenario.js';

/**
 * The crowd scenario: for each bot count, a fresh game server and a separate bot-fleet process
 * flying that many headless SDK clients in one sector; it measures a window and prints what the
 * server and the bots saw. Returns the exit code.
 */
export async function runCrowd(opts: BenchOptions, line: LiveLine, signal: AbortSignal): Promise<number> {
  const progress = new Progress(line);
  const machine = describeMachine();
  const started = new Date();
  const results: ScenarioResult[] = [];
  let failure: unknown = null;
  for (const [i, bots] of opts.bots.entries()) {
    try {
      const profileDir = opts.profile ? `${OUT_DIR}profiles/${bots}-bots` : null;
      const result = await runScenario(
        {
          bots,
          run: i + 1,
          runs: opts.bots.length,
          sector: opts.sector,
          warmupSeconds: opts.warmupSeconds,
          seconds: opts.seconds,
          eldResolutionMs: opts.eldResolutionMs,
          profileDir,
          quietSeconds: opts.quietSeconds,
        },
        progress,
        signal,
      );
      results.push(result);
      const s = result.server;
      const f = result.fleet;
      progress.log(
        `${bots} bots: ${s.ticksPerSecond.toFixed(1)} ticks/s, tick p99 ${s.tickP99Ms.toFixed(2)} ms, ` +
          `loop lag p99 ${s.loopLagP99Ms.toFixed(1)} ms, ack p99 ${f.ackLatencyMs.p99.toFixed(1)} ms, ` +
          `${s.bytesPerEntityRecord.toFixed(2)} B/entity`,
      );
    } catch (err) {
      failure = signal.aborted ? null : err;
      break;
    }
  }
  progress.done();

  if (results.length > 0) {
    console.log(`\n${renderText(results)}\n`);
    const file = writeOut('latest.md', renderMarkdown(results, opts, machine, started));
    console.log(`written to ${file}`);
  }
  if (failure) {
    console.error(`bench failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    return 1;
  }
  return signal.aborted ? 130 : 0;
}
