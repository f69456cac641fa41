/**
 * Runs before the suites: says which Chromium they will drive, and when there is none, installs
 * Playwright's own. Failing here, with a fix in the message, beats every test failing at launch.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  BrowserNotFoundError,
  describeBrowser,
  type ResolvedBrowser,
  resolveBrowser,
} from '../support/browser.js';

const HOW_TO_FIX = [
  'Get a Chromium in one of these ways, then run the tests again:',
  '  - point CHROMIUM_PATH at a Chromium or Chrome executable',
  '  - install the system package (Debian/Ubuntu: sudo apt-get install chromium)',
  "  - install Playwright's: pnpm --filter @perihelion/e2e exec playwright install --with-deps chromium",
].join('\n');

function resolveOrExit(): ResolvedBrowser | null {
  try {
    return resolveBrowser();
  } catch (err) {
    if (!(err instanceof BrowserNotFoundError)) throw err;
    console.error(`e2e: ${err.message}\n${HOW_TO_FIX}`);
    process.exit(1);
  }
}

function installPlaywrightChromium(): boolean {
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  const result = spawnSync(process.execPath, [cli, 'install', 'chromium'], { stdio: 'inherit' });
  return result.status === 0;
}

const found = resolveOrExit();
if (found) {
  console.log(`e2e: browser ${describeBrowser(found)}`);
} else {
  console.log(
    "e2e: no Chromium found (CHROMIUM_PATH, /usr/bin/chromium, Playwright's own); " +
      'installing one with "playwright install chromium"…',
  );
  const installed = installPlaywrightChromium() ? resolveOrExit() : null;
  if (!installed) {
    console.error(`e2e: could not install Chromium.\n${HOW_TO_FIX}`);
    process.exit(1);
  }
  console.log(`e2e: browser ${describeBrowser(installed)}`);
}
