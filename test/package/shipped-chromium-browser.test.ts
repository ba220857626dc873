import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/built-package.js';
import { launchChromium, type Chromium } from '../helpers/chromium.js';
import { chooseChromium, SYSTEM_LOOKUP } from '../helpers/find-chromium.js';

/**
 * The Chromium the browser tests take on linux-x64 without CHROMIUM_PATH, whether Debian's chromium is
 * installed or not: the one the `@sparticuz/chromium` devDependency ships, unpacked into
 * node_modules/.cache and driven by playwright-core — on a `PATH` with no chromium on it, as on a machine
 * with Node and the npm registry only.
 */
let browser: Chromium | undefined;

afterAll(async () => {
  await browser?.close();
});

describe('the Chromium an npm package ships', () => {
  it('is what a machine without chromium on PATH gets, and it runs a page', { timeout: 180_000 }, async () => {
    const source = chooseChromium({ ...SYSTEM_LOOKUP, env: { PATH: '/nonexistent' }, platform: 'linux-x64' });
    expect(source).toEqual({ kind: 'npm package', path: undefined });
    browser = await launchChromium({ source });
    // The package's major version is its Chromium's (147.0.2 ships Chromium 147): not Debian's.
    const shipped = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@sparticuz', 'chromium', 'package.json'), 'utf8')) as { version: string };
    expect(browser.context.browser()?.version()).toMatch(new RegExp(`^${shipped.version.split('.')[0]}\\.`));
    await browser.page.setContent('<title>shipped</title><form><label>Password <input type="password" name="p"></label></form>');
    await browser.page.getByLabel('Password').fill('typed by a browser');
    expect(await browser.page.title()).toBe('shipped');
    expect(await browser.page.inputValue('input[name="p"]')).toBe('typed by a browser');
    // Unpacked once, under node_modules/.cache, not into /tmp.
    expect(existsSync(join(ROOT, 'node_modules', '.cache', `sparticuz-chromium-${shipped.version}`, 'chromium'))).toBe(true);
  });
});
