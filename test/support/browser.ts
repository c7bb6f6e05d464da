import { accessSync, constants, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (CI installs it); CHROMIUM_PATH points elsewhere on other machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether chromium is installed, asked before jest registers a suite's cases: elsewhere than CI
 * the browser cases are skipped and say so on stderr; in CI (`CI=true`) a missing browser fails.
 */
export function chromiumAvailableSync(suite: string): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    if (process.env.CI === 'true') {
      throw new Error(`${suite}: no chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
    }
    process.stderr.write(
      `${suite}: no chromium at ${CHROMIUM_PATH}; the browser cases are SKIPPED\n`,
    );
    return false;
  }
}

/** A headless chromium, one per test file (each launch costs a second or two). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * What a page did wrong: script errors, and every refusal the browser reports for the CSP
 * ("Refused to load/execute/apply …"), so a test fails when a page needs what its policy forbids.
 */
export function watchPage(page: Page): { problems: string[]; requests: string[] } {
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) problems.push(`csp: ${text}`);
  });
  page.on('request', (request) => requests.push(request.url()));
  return { problems, requests };
}

export const ARTIFACTS_DIR = join(__dirname, '..', '..', 'test-artifacts', 'console');
const DOCS_DIR = join(__dirname, '..', '..', 'docs', 'console');

/**
 * `test-artifacts/console/<name>.png`; with UPDATE_CONSOLE_SCREENSHOTS=1 also the README's copy
 * in `docs/console/` (viewport-sized, so the committed files stay small).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  if (process.env.UPDATE_CONSOLE_SCREENSHOTS === '1') {
    mkdirSync(DOCS_DIR, { recursive: true });
    copyFileSync(path, join(DOCS_DIR, `${name}.png`));
  }
}
