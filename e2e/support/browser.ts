import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from '@playwright/test';

/** Where the browser came from, in the order we look: explicit choice, the OS's, Playwright's. */
export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'playwright';

export interface ResolvedBrowser {
  source: BrowserSource;
  executablePath: string;
}

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a quiet, deterministic headless Chromium: no sandbox (containers and CI often lack the
 * user namespaces it needs), no GPU, and none of the background traffic (updates, sync, field
 * trials) that would add noise to a test about our own network traffic.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export class BrowserNotFoundError extends Error {}

/** Playwright's own downloaded Chromium, if `playwright install chromium` has been run. */
function playwrightChromium(): string | null {
  try {
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    // Playwright throws on platforms it has no build for; that simply means "none installed".
    return null;
  }
}

/**
 * Picks the Chromium the suites drive: CHROMIUM_PATH, then /usr/bin/chromium, then Playwright's
 * own. Returns null when there is none. A CHROMIUM_PATH that does not exist is an error rather
 * than a silent fallback, because whoever set it expects that browser to be used.
 */
export function resolveBrowser(env: NodeJS.ProcessEnv = process.env): ResolvedBrowser | null {
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new BrowserNotFoundError(`CHROMIUM_PATH=${explicit} does not exist`);
    }
    return { source: 'CHROMIUM_PATH', executablePath: explicit };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { source: 'system', executablePath: SYSTEM_CHROMIUM };
  const bundled = playwrightChromium();
  return bundled ? { source: 'playwright', executablePath: bundled } : null;
}

/** Launch options for playwright.config: the resolved browser (if any) with our flags. */
export function browserLaunchOptions(): LaunchOptions {
  const browser = resolveBrowser();
  // Without a resolved browser Playwright falls back to its own and fails with its install hint;
  // the ensure-browser script has already tried to install one by then.
  return browser
    ? { executablePath: browser.executablePath, args: [...CHROMIUM_ARGS] }
    : { args: [...CHROMIUM_ARGS] };
}

export function describeBrowser(browser: ResolvedBrowser): string {
  const origin: Record<BrowserSource, string> = {
    CHROMIUM_PATH: 'from CHROMIUM_PATH',
    system: 'the system Chromium',
    playwright: "Playwright's own Chromium",
  };
  return `${browser.executablePath} (${origin[browser.source]})`;
}
