import type { ConnOptions } from './conn-options.js';
import { renderConnMarkdown, renderConnText } from './conn-report.js';
import type { RunContext } from './conn-run.js';
import { type FanoutResult, runFanout } from './fanout-scenario.js';
import { planFleet, sourceAddresses } from './fleet-plan.js';
import { type IdleResult, runIdle } from './idle-scenario.js';
import type { LiveLine } from './live-line.js';
import { describeMachine } from './machine.js';
import { writeOut } from './out-dir.js';

/**
 * The idle and fan-out scenarios: the same fleet of idle tabs against each server in turn
 * (Perihelion, then the bare Socket.IO baseline, each a fresh process), in the same run. Prints
 * the tables and writes bench/.out/latest-<scenario>.md. Returns the exit code.
 */
export async function runConnScenario(
  opts: ConnOptions,
  line: LiveLine,
  signal: AbortSignal,
): Promise<number> {
  const plan = planFleet(opts);
  if (plan.problem) {
    console.error(`cannot run here: ${plan.problem}`);
    return 2;
  }
  const machine = describeMachine();
  const started = new Date();
  // A block of loopback source addresses of its own for this run (see sourceAddresses).
  const runOctet = 10 + Math.floor(Math.random() * 240);
  const results: (IdleResult | FanoutResult)[] = [];
  const failures: string[] = [];
  for (const [index, kind] of opts.targets.entries()) {
    const ctx: RunContext = {
      opts,
      plan,
      line,
      signal,
      index,
      localAddresses: sourceAddresses(opts.clients, runOctet, index),
    };
    try {
      const result = opts.scenario === 'idle' ? await runIdle(kind, ctx) : await runFanout(kind, ctx);
      results.push(result);
      line.log(summary(result));
    } catch (err) {
      if (signal.aborted) break;
      const message = err instanceof Error ? err.message : String(err);
      failures.push(`${kind}: ${message}`);
      line.log(`${kind} failed: ${message}`);
    }
  }
  line.done();

  if (results.length > 0) {
    console.log(`\n${renderConnText(opts, results)}\n`);
    const file = writeOut(`latest-${opts.scenario}.md`, renderConnMarkdown(opts, results, machine, started));
    console.log(`written to ${file}`);
  }
  if (failures.length > 0) {
    console.error(`bench failed:\n${failures.join('\n')}`);
    return 1;
  }
  return signal.aborted ? 130 : 0;
}

function summary(r: IdleResult | FanoutResult): string {
  const connect =
    `${r.connect.reached} connected in ${r.connect.seconds.toFixed(1)} s ` +
    `(${r.connect.failed} failed, ${r.dropped} dropped since)`;
  if ('rssPerConnection' in r) {
    return (
      `${r.target}: ${connect}, ${(r.rssPerConnection / 1024).toFixed(2)} KB RSS/conn, ` +
      `${r.window.serverPercent.toFixed(1)} % CPU idle`
    );
  }
  return (
    `${r.target}: ${connect}, ${r.delivered}/${r.expected} delivered, ` +
    `p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms`
  );
}
