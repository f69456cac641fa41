/**
 * `pnpm bench`: for each bot count, a fresh game server and a separate bot-fleet process flying
 * that many headless SDK clients in one sector; it measures a window and prints what the server
 * and the bots saw. A benchmark measures; it never asserts. See bench/RESULTS.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stopAllChildren } from './children.js';
import { describeMachine } from './machine.js';
import { type BenchOptions, parseOptions, UsageError } from './options.js';
import { Progress } from './progress.js';
import { renderMarkdown, renderText } from './report.js';
import { runScenario, type ScenarioResult } from './scenario.js';

const OUT_DIR = fileURLToPath(new URL('../.out/', import.meta.url));

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }

  const progress = new Progress();
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      progress.log(`\n${signal}: stopping the server and the bots…`);
      abort.abort();
    } else {
      // Impatient: kill everything now.
      void stopAllChildren(500).then(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

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
        abort.signal,
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
      failure = abort.signal.aborted ? null : err;
      break;
    }
  }
  progress.done();

  if (results.length > 0) {
    console.log(`\n${renderText(results)}\n`);
    mkdirSync(OUT_DIR, { recursive: true });
    const file = `${OUT_DIR}latest.md`;
    writeFileSync(file, renderMarkdown(results, opts, machine, started));
    console.log(`written to ${file}`);
  }
  if (failure) {
    console.error(`bench failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    return 1;
  }
  return abort.signal.aborted ? 130 : 0;
}

main().then(
  async (code) => {
    await stopAllChildren();
    process.exit(code);
  },
  async (err: unknown) => {
    console.error(err);
    await stopAllChildren();
    process.exit(1);
  },
);
