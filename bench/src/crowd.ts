import { type BaselineResult, baselineMarkdown, baselineText, runBaseline } from './crowd-baseline.js';
import type { LiveLine } from './live-line.js';
import { describeMachine } from './machine.js';
import { type BenchOptions, botProcessesFor } from './options.js';
import { OUT_DIR, writeOut } from './out-dir.js';
import { Progress } from './progress.js';
import { renderMarkdown, renderText, signedPercent } from './report.js';
import { heapAfterLeavePercent, runScenario, type ScenarioResult } from './scenario.js';
import { mb } from './table.js';

/**
 * The crowd scenario: for each bot count, a fresh game server (on the chosen store) and a separate
 * bot-fleet process flying that many headless SDK clients in one sector; it measures a window and
 * prints what the server and the bots saw, and the server's memory idle, loaded and after the bots
 * left. Returns the exit code.
 */
export async function runCrowd(opts: BenchOptions, line: LiveLine, signal: AbortSignal): Promise<number> {
  const progress = new Progress(line);
  const machine = describeMachine();
  const started = new Date();
  const results: ScenarioResult[] = [];
  const baselines: BaselineResult[] = [];
  let failure: unknown = null;
  for (const [i, bots] of opts.bots.entries()) {
    try {
      const profileDir = opts.profile ? `${OUT_DIR}profiles/${bots}-bots` : null;
      const scenario = {
        bots,
        run: i + 1,
        runs: opts.bots.length,
        sector: opts.sector,
        warmupSeconds: opts.warmupSeconds,
        seconds: opts.seconds,
        eldResolutionMs: opts.eldResolutionMs,
        profileDir,
        quietSeconds: opts.quietSeconds,
        store: opts,
        snapshotRate: opts.snapshotRate,
        afterLeaveSeconds: opts.afterLeaveSeconds,
        botKind: opts.botClient,
        botProcesses: botProcessesFor(opts, bots),
      };
      const result = await runScenario(scenario, progress, signal);
      results.push(result);
      const s = result.server;
      const f = result.fleet;
      const m = result.memory;
      progress.log(
        `${bots} bots: ${s.ticksPerSecond.toFixed(1)} ticks/s, tick p99 ${s.tickP99Ms.toFixed(2)} ms, ` +
          `loop lag p99 ${s.loopLagP99Ms.toFixed(1)} ms, ack p99 ${f.ackLatencyMs.p99.toFixed(1)} ms, ` +
          `${s.bytesPerEntityRecord.toFixed(2)} B/entity, ${f.snapshotsPerBotPerSecond.toFixed(1)} snapshots/s, ` +
          `RSS idle/loaded/after leave ${mb(m.idle.rssBytes)}/${mb(m.loaded.rssBytes)}/${mb(m.afterLeave?.rssBytes ?? null)} MB, ` +
          `heap ${mb(m.idle.heapUsedBytes, 1)}/${mb(m.loaded.heapUsedBytes, 1)}/${mb(m.afterLeave?.heapUsedBytes ?? null, 1)} MB ` +
          `(after leave vs idle ${signedPercent(heapAfterLeavePercent(m))})`,
      );
      if (opts.baseline) {
        const bytes = f.snapshotBytesPerBotPerSecond / f.snapshotsPerBotPerSecond;
        const base = await runBaseline(scenario, bytes, progress, signal);
        baselines.push(base);
        progress.log(
          `${bots} bots, bare Socket.IO baseline: server CPU ${base.cpu.serverPercent.toFixed(0)} % ` +
            `(Perihelion ${s.cpuPercent.toFixed(0)} %), ack p99 ${base.fleet.ackLatencyMs.p99.toFixed(1)} ms, ` +
            `${base.fleet.snapshotsPerBotPerSecond.toFixed(1)} snapshots/s of ${bytes.toFixed(0)} B`,
        );
      }
    } catch (err) {
      failure = signal.aborted ? null : err;
      break;
    }
  }
  progress.done();

  if (results.length > 0) {
    console.log(`\n${renderText(results, opts)}\n`);
    if (baselines.length > 0) console.log(`${baselineText(baselines)}\n`);
    const markdown = renderMarkdown(results, opts, machine, started);
    const file = writeOut(
      'latest.md',
      baselines.length > 0 ? `${markdown}\n${baselineMarkdown(baselines)}` : markdown,
    );
    console.log(`written to ${file}`);
  }
  if (failure) {
    console.error(`bench failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    return 1;
  }
  return signal.aborted ? 130 : 0;
}
