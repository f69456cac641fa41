import { join } from 'node:path';
import { defineConfig, type ReporterDescription } from '@playwright/test';
import { browserLaunchOptions } from './support/browser.js';

/**
 * One worker: every test drives three or four real browser players plus the server, which is
 * already all a 2-core machine can run without the tests measuring CPU starvation instead of the
 * game. Timeouts are failure guards, never benchmarks.
 */
const reporter: ReporterDescription[] = [
  ['list'],
  ['html', { open: 'never', outputFolder: 'playwright-report' }],
];
// The root test command (scripts/test-all.mjs) reads this to print its one-line summary.
const reports = process.env.PERIHELION_REPORTS;
if (reports) reporter.push(['json', { outputFile: join(reports, 'playwright.json') }]);

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  workers: 1,
  fullyParallel: false,
  // A test that fails now and then is a bug to fix, not one to retry until it passes.
  retries: 0,
  forbidOnly: !!process.env.CI,
  // Guards, not budgets: on a busy 2-core machine a page draws a few frames a second and a
  // three-player test takes minutes. A guard only has to catch a test that is stuck.
  timeout: 300_000,
  expect: { timeout: 20_000 },
  reporter,
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: browserLaunchOptions(),
    viewport: { width: 960, height: 600 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
