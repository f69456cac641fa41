#!/usr/bin/env node
// Runs every check the project has, in order, and ends with one summary line
// ("N passed, N failed, N skipped") that CI and people can read at a glance.
// Every step runs even when an earlier one fails, so one run shows everything that is broken.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const steps = [
  { name: 'lint', cmd: ['pnpm', 'lint'] },
  { name: 'typecheck', cmd: ['pnpm', 'typecheck'] },
  {
    name: 'unit and integration tests (vitest)',
    cmd: [
      'pnpm',
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${join(reports, 'vitest.json')}`,
    ],
    report: 'vitest',
  },
  // The page Playwright loads, and the compiled server `pnpm start` runs (its vitest test,
  // build/compiled-server.test.ts, has already compiled and started it once).
  { name: 'build the web client and the server', cmd: ['pnpm', 'build'] },
  {
    name: 'browser end-to-end tests (Playwright)',
    cmd: ['pnpm', '--filter', '@perihelion/e2e', 'test'],
    report: 'playwright',
  },
];

const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];

for (const step of steps) {
  console.log(`\n━━ ${step.name} ━━ ${step.cmd.join(' ')}`);
  const started = Date.now();
  const result = spawnSync(step.cmd[0], step.cmd.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PERIHELION_REPORTS: reports },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  console.log(
    `━━ ${step.name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s`,
  );
  if (step.report) {
    const counted = count(step.report);
    if (counted) {
      totals.passed += counted.passed;
      totals.failed += counted.failed;
      totals.skipped += counted.skipped;
    } else if (!ok) {
      totals.failed += 1;
    }
  } else {
    if (ok) totals.passed += 1;
    else totals.failed += 1;
  }
  if (!ok) failedSteps.push(step.name);
}

function count(kind) {
  const file = join(reports, `${kind}.json`);
  if (!existsSync(file)) return null;
  const data = JSON.parse(readFileSync(file, 'utf8'));
  if (kind === 'vitest') {
    return {
      passed: data.numPassedTests,
      failed: data.numFailedTests,
      skipped: data.numPendingTests + data.numTodoTests,
    };
  }
  // Playwright's JSON reporter. A test that failed and then passed on its retry is "flaky": it
  // counts as passed (the run succeeded) but is named, so nobody mistakes it for a clean pass.
  const s = data.stats ?? {};
  if (s.flaky) console.log(`note: ${s.flaky} Playwright test(s) passed only on retry (flaky)`);
  return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0 };
}

console.log('');
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length > 0 ? 1 : 0);
