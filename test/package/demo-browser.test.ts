import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from '../helpers/built-package.js';
import { launchChromium, type Chromium } from '../helpers/chromium.js';

/**
 * `npm run demo:browser` (examples/demo-browser.mjs against dist/): it prints where to go and whom to
 * sign in as, a person (here Chromium) can go through the inline change with what it printed, and
 * Ctrl-C stops it cleanly.
 */
let demo: ChildProcess;
let output = '';
let browser: Chromium;

/** Resolves once the demo has printed `pattern`. */
function printed(pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output);
      if (match === null) return;
      demo.stdout?.off('data', check);
      resolve(match);
    };
    demo.stdout?.on('data', check);
    demo.once('exit', (code) => reject(new Error(`the demo exited (${code}) before printing ${pattern}:\n${output}`)));
    check();
  });
}

beforeAll(async () => {
  assertBuilt();
  demo = spawn(process.execPath, [join(ROOT, 'examples', 'demo-browser.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  demo.stdout?.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  demo.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (demo.exitCode === null) demo.kill('SIGKILL');
});

describe('npm run demo:browser', () => {
  it('serves an application whose sign-in, with the credentials it prints, leads to the page; and stops on Ctrl-C', { timeout: 240_000 }, async () => {
    const [, appUrl] = await printed(/Open (http:\/\/127\.0\.0\.1:\d+\/) and choose "Sign in"/);
    const [, email, password] = await printed(/^ {4}(\S+@example\.com) {3}(\S+) {3}\(new: must choose/m);
    const { page } = browser;

    await page.goto(appUrl!);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email address').fill(email!);
    await page.getByLabel('Password').fill(password!);
    await page.getByRole('button', { name: 'Continue' }).click();
    // The first sign-in lands on the page the demo printed; the whole way through is the browser test's.
    const [, pageUrl] = await printed(/The page: {5}(http:\/\/127\.0\.0\.1:\d+\/change-password)/);
    await page.waitForURL(`${pageUrl!}?**`);
    await expect.poll(() => page.locator('input[name="confirm"]').count()).toBe(1);
    // What the Actions decided, as printed: the redirect to the page.
    await printed(/\[gate\] redirect first-login \(page: sent\)/);
    // It prints the demo users' credentials on purpose, but never a token.
    expect(output).not.toMatch(/session_token=|eyJ[\w-]+\./);

    demo.kill('SIGINT');
    // 'close', not 'exit': 'exit' may come before the last of the output is read.
    const [code] = (await once(demo, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(output).toMatch(/Stopped\.\n$/);
  });
});
