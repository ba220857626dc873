import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chooseChromium, chromiumExecutable, type ChromiumSource } from './find-chromium.js';

// Without the background-networking switches Chromium's own connections (updates, sync, field trials)
// are refused on these machines and slow every start; QUIC and the GPU are not there either. The same
// for every Chromium: not @sparticuz/chromium's own `args`, which turn off the same-origin policy and
// site isolation (a test of a page's security headers must run in a browser that applies them).
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium, headless, with a fresh profile that {@link closeChromium} deletes. */
export interface Chromium {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/**
 * Starts Chromium through playwright-core: `CHROMIUM_PATH`, else (on linux-x64) the one the
 * `@sparticuz/chromium` devDependency ships, else a chromium on `PATH` (see `find-chromium.ts`); `args`
 * adds switches of the test's own (a host-resolver rule, say).
 */
export async function launchChromium(options: { readonly source?: ChromiumSource; readonly args?: readonly string[] } = {}): Promise<Chromium> {
  const executablePath = await chromiumExecutable(options.source ?? chooseChromium());
  const profile = mkdtempSync(join(tmpdir(), 'afpr-chromium-'));
  // `headless: true` passes --headless; `--user-data-dir` is the fresh profile.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...FLAGS, ...(options.args ?? [])],
    viewport: { width: 800, height: 720 },
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Generous: CI is a busy 2-core machine. Nothing here measures speed.
  page.setDefaultTimeout(30_000);
  page.setDefaultNavigationTimeout(60_000);
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe-core violation, reduced to what a failure message needs. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

/** What an axe-core scan found: its violations, and how many rules passed and were checked. */
export interface AxeSummary {
  readonly violations: readonly AxeViolation[];
  readonly passes: number;
  readonly incomplete: number;
}

/**
 * Runs axe-core on the page as it is (WCAG 2.x A and AA, and best practices). It is evaluated through
 * the DevTools protocol, which the page's Content-Security-Policy does not apply to: the page under test
 * keeps its real policy.
 */
export async function scanWithAxe(page: Page): Promise<AxeSummary> {
  await page.evaluate(`${axeSource};void 0`);
  return page.evaluate(async () => {
    interface AxeResult {
      violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
      passes: unknown[];
      incomplete: unknown[];
    }
    const { axe } = globalThis as unknown as { axe: { run(context: Document, options: object): Promise<AxeResult> } };
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      violations: result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? null,
        help: violation.help,
        targets: violation.nodes.map((node) => String(node.target)),
      })),
      passes: result.passes.length,
      incomplete: result.incomplete.length,
    };
  });
}

