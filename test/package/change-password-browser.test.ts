import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleMessage, Page } from 'playwright-core';
import { createFirstLoginGate, createPasswordResetClearer } from '../../src/index.js';
import type { LogEntry } from '../../src/internal/log.js';
import { startLocalApplication, startLocalTenant, type LocalApplication, type LocalTenant, type TenantUser } from '../../src/testing/local-tenant/index.js';
import { createChangePasswordPage, DEFAULT_TEXTS } from '../../src/page/index.js';
import { BUILT_IN_LOCALES } from '../../src/page/locales/index.js';
import { serveOverHttp, type HttpListener } from '../../src/testing/local-tenant/serve-over-http.js';
import { assertBuilt, ROOT } from '../helpers/built-package.js';
import { launchChromium, scanWithAxe, type AxeSummary, type Chromium } from '../helpers/chromium.js';
import { chooseChromium, SYSTEM_LOOKUP } from '../helpers/find-chromium.js';

/**
 * Issue 12, item 5, and issue 20: a real browser (Chromium, see find-chromium.ts) goes through the whole inline
 * change, over HTTP on loopback — an application, the local tenant's sign-in, the change-password page
 * and `/continue` — as a person would: click, type, paste, read; in English, French and Japanese, with
 * and without JavaScript; axe-core checks each state, and the English ones are the docs' screenshots
 * (with UPDATE_SCREENSHOTS=1). Then `npm run demo:browser`, driven with what it prints. All in one
 * Chromium — the one an npm package ships, on linux-x64 — launched once for the file.
 * Nothing here measures speed; the timeouts are only generous upper bounds for a busy CI machine.
 */
const PAGE_KEY = 'a-shared-page-key-of-at-least-32-bytes!';
const INITIAL_PASSWORD = 'Initial-Passw0rd';
const NEW_PASSWORD = 'Kite-Zebra-Moss-7';
const EMAIL = 'ada@example.com';
const DATABASE = 'Username-Password-Authentication';
const IMAGES = join(ROOT, 'docs', 'images');
/**
 * Where the screenshot of the page in one state goes, for the docs (the README shows the English
 * refusal): written only when `UPDATE_SCREENSHOTS=1` asks for it (CONTRIBUTING), so that a test run never
 * changes a tracked file, nor spends its time encoding PNGs nobody reads.
 */
const screenshotPath = (name: string) => join(IMAGES, `${name}.png`);
const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';

let tenant: LocalTenant;
let app: LocalApplication;
let pageServer: HttpListener;
let browser: Chromium;
/** The custom domain of the last tests' tenant: the browser resolves it to that tenant's listener. */
const CUSTOM = 'login.example.test';
let customTenant: LocalTenant;
const pageRequests: string[] = [];
const gateLog: LogEntry[] = [];
const pageLog: LogEntry[] = [];

beforeAll(async () => {
  // The clearer's application has the narrowest scopes; the page has its own.
  tenant = await startLocalTenant({ scopes: ['read:users', 'update:users_app_metadata'] });
  const pageClient = tenant.addClient({
    scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options', 'read:sessions', 'delete:sessions', 'delete:refresh_tokens'],
  });
  const page = createChangePasswordPage({
    domain: tenant.domain,
    clientId: pageClient.clientId,
    clientSecret: pageClient.clientSecret,
    sessionSecret: PAGE_KEY,
    fetch: tenant.fetch,
    log: (entry) => void pageLog.push(entry),
  });
  pageServer = await serveOverHttp(async (request) => {
    pageRequests.push(`${request.method} ${new URL(request.url).pathname}`);
    return page(request);
  });
  bindGate();
  app = await startLocalApplication(tenant);
  // One browser for every test: the custom-domain tests' tenant is started now, so that its name can be
  // mapped to its listener (a switch given at launch); no other test goes to that name.
  customTenant = await startLocalTenant({ customDomain: CUSTOM });
  const customPort = customTenant.domain.split(':')[1];
  browser = await launchChromium({ args: [`--host-resolver-rules=MAP ${CUSTOM} 127.0.0.1:${customPort}`] });
  mkdirSync(IMAGES, { recursive: true });
}, 120_000);

/** The tenant's Actions: the gate (with `gateOptions`) sending users to the page, and the clearer. */
function bindGate(gateOptions: Parameters<typeof createFirstLoginGate>[0] = {}): void {
  tenant.bindActions({
    postLogin: createFirstLoginGate({ changePasswordPage: { url: `http://${pageServer.domain}/change-password` }, log: (entry) => void gateLog.push(entry), ...gateOptions }),
    postChangePassword: createPasswordResetClearer({ log: false }),
    secrets: { CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY },
  });
}

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await pageServer?.close();
  await tenant?.close();
  await customTenant?.close();
});

/** A readable failure: which rule, where. */
const violationsOf = (scan: AxeSummary) => scan.violations.map(({ id, impact, targets }) => `${id} (${impact}) at ${targets.join(', ')}`);

/**
 * While `run` runs, the page's answers reach the browser without their scripts: the form and the way
 * back as a browser without JavaScript gets them (the tenant's pages and the application have none).
 * Scripts stay on in the browser itself, for axe.
 */
async function withoutPageScripts(run: () => Promise<void>): Promise<void> {
  const pattern = `http://${pageServer.domain}/**`;
  await browser.context.route(pattern, async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    await route.fulfill({ response, body });
  });
  try {
    await run();
  } finally {
    await browser.context.unroute(pattern);
  }
}

/**
 * The connection's Flexible Password Policy, created users' passwords set first (they stay valid, as
 * in Auth0): 10 characters, three kinds of four, no runs, the 10,000 common passwords, no personal data,
 * and the last 5 passwords (which only Auth0 checks).
 */
function usePolicy(): void {
  tenant.connections.setPasswordOptions(DATABASE, {
    password_options: {
      complexity: { min_length: 10, character_types: ['lowercase', 'uppercase', 'number', 'special'], character_type_rule: 'three_of_four', identical_characters: 'block', sequential_characters: 'block' },
      history: { active: true, size: 5 },
      dictionary: { active: true, default: 'en_10k' },
      profile_data: { active: true },
    },
  });
}

/** Signs a new user in from the application, in `language` (the browser's), and lands on the page. */
async function signInToPage(page: Page, language: string, email: string, givenName?: string): Promise<TenantUser> {
  const user = tenant.users.create({ email, password: INITIAL_PASSWORD, ...(givenName === undefined ? {} : { given_name: givenName }) });
  usePolicy();
  await page.setExtraHTTPHeaders({ 'accept-language': language });
  await page.goto(app.origin);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.waitForURL(`${tenant.origin}/authorize?**`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(INITIAL_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`http://${pageServer.domain}/change-password?**`);
  return user;
}

/** Types the password twice into the page's form (fields `password` and `confirm`, its contract). */
async function typePassword(page: Page, password: string): Promise<void> {
  const form = page.locator('form:has(input[name="confirm"])');
  await form.locator('input[name="password"]').fill(password);
  await form.locator('input[name="confirm"]').fill(password);
}

/** The three languages of the browser test; one of them Japanese. */
const LANGUAGES = [
  { language: 'en-US', lang: 'en', texts: DEFAULT_TEXTS },
  { language: 'fr-FR', lang: 'fr', texts: BUILT_IN_LOCALES.fr! },
  { language: 'ja', lang: 'ja', texts: BUILT_IN_LOCALES.ja! },
];

describe('the Chromium an npm package ships', () => {
  /**
   * The Chromium these tests take on linux-x64 without CHROMIUM_PATH, whether Debian's chromium is
   * installed or not: the one the `@sparticuz/chromium` devDependency ships, unpacked into
   * node_modules/.cache and driven by playwright-core — on a `PATH` with no chromium on it, as on a
   * machine with Node and the npm registry only. The file's browser is that one unless CHROMIUM_PATH
   * chose another; then it is launched here too.
   */
  it('is what a machine without chromium on PATH gets, and it runs a page', { timeout: 180_000 }, async () => {
    const source = chooseChromium({ ...SYSTEM_LOOKUP, env: { PATH: '/nonexistent' }, platform: 'linux-x64' });
    expect(source).toEqual({ kind: 'npm package', path: undefined });
    const same = JSON.stringify(chooseChromium()) === JSON.stringify(source);
    const shippedBrowser = same ? browser : await launchChromium({ source });
    // A tab of its own, closed whatever happens: the tests after this one use the browser's first.
    const page = await shippedBrowser.context.newPage();
    try {
      // The package's major version is its Chromium's (147.0.2 ships Chromium 147): not Debian's.
      const shipped = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@sparticuz', 'chromium', 'package.json'), 'utf8')) as { version: string };
      expect(shippedBrowser.context.browser()?.version()).toMatch(new RegExp(`^${shipped.version.split('.')[0]}\\.`));
      await page.setContent('<title>shipped</title><form><label>Password <input type="password" name="p"></label></form>');
      await page.getByLabel('Password').fill('typed by a browser');
      expect(await page.title()).toBe('shipped');
      expect(await page.inputValue('input[name="p"]')).toBe('typed by a browser');
      // Unpacked once, under node_modules/.cache, not into /tmp.
      expect(existsSync(join(ROOT, 'node_modules', '.cache', `sparticuz-chromium-${shipped.version}`, 'chromium'))).toBe(true);
    } finally {
      await page.close();
      if (!same) await shippedBrowser.close();
    }
  });
});

describe('the inline password change, in Chromium, in three languages', () => {
  it.each(LANGUAGES)('$lang: the checklist, the show-password button, paste, a refusal with its reasons and a success on one click of two — axe finds nothing', { timeout: 240_000 }, async ({ language, lang, texts }) => {
    const { page, context } = browser;
    const email = `ada.${lang}@example.com`;
    const user = await signInToPage(page, language, email);
    // Signed in elsewhere too (another browser, perhaps the attacker's), with a refresh token there.
    const elsewhere = tenant.sessions.create(user.user_id, { clientId: 'other-app' });
    tenant.sessions.issueRefreshToken(user.user_id, { sessionId: elsewhere.id, clientId: 'other-app' });
    const started = performance.now();
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    // "Sign me out on my other devices", ticked by default (signOutOtherSessions: 'offer').
    expect(await page.getByLabel(texts.signOutOthers).isChecked()).toBe(true);
    await expect.poll(() => page.locator('#why').textContent()).toBe(texts.reasonFirstLogin);
    const formScan = await scanWithAxe(page);
    expect(violationsOf(formScan)).toEqual([]);

    // The checklist ticks off, as the user types, what a password alone decides; screen readers hear it.
    const password = page.getByLabel(texts.passwordLabel, { exact: true });
    await password.fill('passwor');
    const states = () => page.locator('#rule-list li').evaluateAll((items) => items.map((item) => item.getAttribute('data-met')));
    // At least 10 characters; 3 kinds of 4; no run of 3; no sequence of 3; then the server's rules (unmarked).
    await expect.poll(states).toEqual(['no', 'no', 'yes', 'yes', null, null, null]);
    expect(await page.locator('#rule-list li').first().textContent()).toBe(`${texts.ruleNotMet} ${texts.ruleMinLength.replace('{min}', '10')}`);
    if (UPDATE_SCREENSHOTS && lang === 'en') await page.screenshot({ path: screenshotPath('change-password-page-typing'), fullPage: true });
    await password.fill('Kite-Zebra');
    await expect.poll(states).toEqual(['yes', 'yes', 'yes', 'yes', null, null, null]);

    // Shown and hidden again by a button whose name says what it does.
    await page.getByRole('button', { name: texts.showPassword }).click();
    expect(await password.getAttribute('type')).toBe('text');
    expect(await page.getByLabel(texts.confirmLabel).getAttribute('type')).toBe('text');
    await page.getByRole('button', { name: texts.hidePassword }).click();
    expect(await password.getAttribute('type')).toBe('password');

    // Paste is allowed: from the clipboard into the field, as a password manager or a user does.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://${pageServer.domain}` });
    await page.evaluate((text) => navigator.clipboard.writeText(text), 'Pasted-Passw0rd');
    await password.fill('');
    await password.focus();
    await page.keyboard.press('ControlOrMeta+V');
    expect(await password.inputValue()).toBe('Pasted-Passw0rd');

    // A common password: refused before Auth0 is asked, with every rule it broke, under the field.
    const patches = tenant.counts().patchUser;
    await typePassword(page, 'password');
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#password-error').textContent()).toContain(texts.passwordRefused);
    expect(await page.locator('#password-error li').allTextContents()).toEqual([
      texts.ruleMinLength.replace('{min}', '10'),
      describeFourTypes(texts),
      texts.ruleNotCommon,
    ]);
    expect(await password.getAttribute('aria-describedby')).toBe('password-error rules');
    expect(tenant.counts().patchUser).toBe(patches);
    const refusalScan = await scanWithAxe(page);
    expect(violationsOf(refusalScan)).toEqual([]);
    if (UPDATE_SCREENSHOTS) await page.screenshot({ path: screenshotPath(lang === 'en' ? 'change-password-page' : `change-password-page-${lang}`), fullPage: true });

    // The initial password: it meets every rule the page checks, so Auth0 is asked — and refuses it
    // (password history); the page says so in the user's language.
    await typePassword(page, INITIAL_PASSWORD);
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#password-error').textContent()).toBe(texts.refusedHistory);
    expect(tenant.counts().patchUser).toBe(patches + 1);
    expect(tenant.users.verifyPassword(user.user_id, INITIAL_PASSWORD)).toBe(true);

    // A good one, clicked twice while the first click's request is on its way (held by the test): the
    // button turns itself off, so the browser sends one request and the user never meets the page's
    // "busy" answer. No Content Security Policy of the page may stand in the way back (browsers apply
    // form-action to the redirects after a form's POST too).
    const blockedByPolicy: string[] = [];
    const onConsole = (message: ConsoleMessage) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) blockedByPolicy.push(message.text().replace(/state=[^'"]+/g, 'state=…'));
    };
    page.on('console', onConsole);
    const posts = pageRequests.filter((request) => request === 'POST /change-password').length;
    const sent: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // The form posts back to the URL it was served at, query and all.
    const formUrl = (url: URL) => url.host === pageServer.domain && url.pathname === '/change-password';
    await page.route(formUrl, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      sent.push(route.request().method());
      if (sent.length === 1) await held;
      // A request the browser gave up (a second submission replaces the first) cannot go on.
      await route.continue().catch(() => {});
    });
    await typePassword(page, NEW_PASSWORD);
    // Two clicks where the button is, as a person makes them (not a locator's, which would wait for the
    // held navigation): the second while the first one's request is on its way.
    await page.locator('#submit').scrollIntoViewIfNeeded();
    const button = (await page.locator('#submit').boundingBox())!;
    const clickButton = () => page.mouse.click(button.x + button.width / 2, button.y + button.height / 2);
    await clickButton();
    await expect.poll(() => sent.length).toBe(1);
    await clickButton();
    release();
    await page.waitForURL(`${app.origin}/`);
    await page.unroute(formUrl);
    page.off('console', onConsole);
    expect(sent).toEqual(['POST']);
    expect(blockedByPolicy).toEqual([]);
    await expect.poll(() => page.locator('#signed-in').textContent()).toBe(`Signed in as ${email}`);
    expect(pageRequests.filter((request) => request === 'POST /change-password').length).toBe(posts + 1);
    expect(pageLog.filter((entry) => entry.user_id === user.user_id).map((entry) => entry.reason)).not.toContain('session-busy');
    expect(tenant.users.verifyPassword(user.user_id, NEW_PASSWORD)).toBe(true);
    expect(tenant.users.get(user.user_id)).toMatchObject({ logins_count: 1, app_metadata: { needsPasswordReset: false } });
    // The other session and its refresh token are gone; the browser's own session is the one left.
    const sessions = tenant.sessions.list(user.user_id);
    expect(sessions.map((session) => session.id)).not.toContain(elsewhere.id);
    expect(sessions).toHaveLength(1);
    expect(tenant.sessions.refreshTokens(user.user_id)).toEqual([]);
    await page.getByRole('link', { name: 'Sign out' }).click();

    // Reported, never asserted: how long a real browser took, and what axe checked.
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    expect(JSON.stringify([...gateLog, ...pageLog])).not.toMatch(new RegExp(`${NEW_PASSWORD}|${INITIAL_PASSWORD}|${PAGE_KEY}|session_token=`));
    console.info(`browser flow (${lang}): ${seconds} s; axe: form ${formScan.passes} rules passed, refusal ${refusalScan.passes}, no violations`);
  });

  it.each(LANGUAGES)('$lang, without the page’s script: the form, a refusal and the way back work, and axe finds nothing', { timeout: 240_000 }, async ({ language, lang, texts }) => withoutPageScripts(async () => {
    const { page } = browser;
    const email = `grace.${lang}@example.com`;
    const user = await signInToPage(page, language, email, 'Grace');
    // Routes do not see the end of a redirect chain: the form is asked for again, as it is.
    await page.reload();
    // No script ran: no button to show the password, no ticks — the rules are there all the same.
    expect(await page.getByRole('button', { name: texts.showPassword }).count()).toBe(0);
    expect(await page.locator('#rule-list li').count()).toBe(7);

    await typePassword(page, 'Kite-Zebra-Grace');
    await page.locator('#submit').click();
    await expect.poll(() => page.locator('#password-error li').allTextContents()).toEqual([texts.ruleNoProfileData]);
    expect(violationsOf(await scanWithAxe(page))).toEqual([]);

    const elsewhere = tenant.sessions.create(user.user_id, { clientId: 'other-app' });
    await page.getByLabel(texts.signOutOthers).uncheck();
    await typePassword(page, NEW_PASSWORD);
    await page.locator('#submit').click();
    // The way back waits for the user's click, with the page's words.
    await expect.poll(() => page.locator('[role="status"]').textContent()).toBe(texts.done);
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    expect(violationsOf(await scanWithAxe(page))).toEqual([]);
    if (UPDATE_SCREENSHOTS && lang === 'en') await page.screenshot({ path: screenshotPath('change-password-page-done'), fullPage: true });
    await page.getByRole('button', { name: texts.continue }).click();
    await page.waitForURL(`${app.origin}/`);
    await expect.poll(() => page.locator('#signed-in').textContent()).toBe(`Signed in as ${email}`);
    expect(tenant.users.verifyPassword(user.user_id, NEW_PASSWORD)).toBe(true);
    // Unticked: the session elsewhere lives on.
    expect(tenant.sessions.list(user.user_id).map((session) => session.id)).toContain(elsewhere.id);
    await page.getByRole('link', { name: 'Sign out' }).click();
  }));

  it('goes straight through the next time: the page is not seen again', { timeout: 120_000 }, async () => {
    const { page } = browser;
    const email = 'ada.en@example.com';
    const pageVisits = pageRequests.length;
    await page.goto(`${app.origin}/logout`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${app.origin}/`);
    await expect.poll(() => page.locator('#signed-in').textContent()).toBe(`Signed in as ${email}`);
    expect(pageRequests.length).toBe(pageVisits);
  });

  it('shows the tenant’s own sign-in form with no accessibility violations', { timeout: 120_000 }, async () => {
    const { page } = browser;
    await page.goto(`${app.origin}/logout`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${tenant.origin}/authorize?**`);
    expect(violationsOf(await scanWithAxe(page))).toEqual([]);
    await page.getByLabel('Email address').fill('ada.en@example.com');
    await page.getByLabel('Password').fill('not-her-password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    expect(violationsOf(await scanWithAxe(page))).toEqual([]);
  });
});

describe('"Not now" before a deadline, in Chromium', () => {
  const DAY = 86_400_000;

  it('a warning offers "Not now" with the deadline: chosen, the user reaches the application with the old password; the next sign-in asks again — axe finds nothing', { timeout: 240_000 }, async () => {
    const { page } = browser;
    const email = 'lin.en@example.com';
    bindGate({ maxPasswordAgeDays: { days: 90, warnDays: 14 } });
    try {
      // The password is 80 days old: 10 days before the 90-day limit, inside the 14-day warning.
      const setAt = new Date(Date.now() - 80 * DAY).toISOString();
      const user = tenant.users.create({ email, password: INITIAL_PASSWORD, last_password_reset: setAt, logins_count: 4 });
      const signIn = async () => {
        await page.goto(`${app.origin}/logout`);
        await page.getByRole('link', { name: 'Sign in' }).click();
        await page.getByLabel('Email address').fill(email);
        await page.getByLabel('Password').fill(INITIAL_PASSWORD);
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.waitForURL(`http://${pageServer.domain}/change-password?**`);
      };
      await page.setExtraHTTPHeaders({ 'accept-language': 'en-US' });
      await signIn();
      await expect.poll(() => page.locator('#why').textContent()).toMatch(/^Your password expires on .+ UTC\. You can choose a new one now, or later\.$/);
      expect(await page.getByLabel(DEFAULT_TEXTS.signOutOthers).isChecked()).toBe(true);
      expect(violationsOf(await scanWithAxe(page))).toEqual([]);
      if (UPDATE_SCREENSHOTS) await page.screenshot({ path: screenshotPath('change-password-page-not-now'), fullPage: true });

      await page.getByRole('button', { name: DEFAULT_TEXTS.notNow }).click();
      await page.waitForURL(`${app.origin}/`);
      await expect.poll(() => page.locator('#signed-in').textContent()).toBe(`Signed in as ${email}`);
      expect(tenant.users.get(user.user_id)?.last_password_reset).toBe(setAt);
      expect(gateLog).toContainEqual(expect.objectContaining({ decision: 'allow', reason: 'page-not-now', user_id: user.user_id }));
      // A warning's line says when the change is due (90 days after it was set); `since` is an obligation's start.
      const notNowLine = pageLog.find((entry) => entry.reason === 'not-now' && entry.user_id === user.user_id);
      expect(notNowLine).toMatchObject({ decision: 'skip', due: new Date(Date.parse(setAt) + 90 * DAY).toISOString() });
      expect(notNowLine).not.toHaveProperty('since');

      // The next sign-in asks again.
      await page.getByRole('link', { name: 'Sign out' }).click();
      await signIn();
      expect(await page.getByRole('button', { name: DEFAULT_TEXTS.notNow }).count()).toBe(1);
    } finally {
      bindGate();
    }
  });
});

/** "At least 3 of these: …" in `texts`' language. */
function describeFourTypes(texts: typeof DEFAULT_TEXTS): string {
  const types = [texts.typeLowercase, texts.typeUppercase, texts.typeNumber, texts.typeSpecial].join(texts.listSeparator);
  return texts.ruleCharacterTypes.replace('{atLeast}', '3').replace('{types}', types);
}

describe('on a custom domain, in Chromium', () => {
  // The sign-in happens on login.example.test — resolved by Chromium to the tenant's listener — while
  // Auth0's iss stays the tenant's own domain. The page must send the browser back to the host of the
  // sign-in: https://login.example.test/continue (forwarded to the tenant's plain-HTTP listener here).
  let customApp: LocalApplication;
  let customPage: HttpListener;
  const continued: string[] = [];
  const continueRoute = `https://${CUSTOM}/**`;

  beforeAll(async () => {
    // The earlier tests' cookies (every 127.0.0.1 port shares them) stay out of this sign-in.
    await browser.context.clearCookies();
    // A tenant without Auth0's session management would set signOutOtherSessions: 'never'; this one has it.
    const pageClient = customTenant.addClient({
      scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options', 'read:sessions', 'delete:sessions', 'delete:refresh_tokens'],
    });
    const page = createChangePasswordPage({
      domain: customTenant.domain,
      clientId: pageClient.clientId,
      clientSecret: pageClient.clientSecret,
      sessionSecret: PAGE_KEY,
      fetch: customTenant.fetch,
      allowedHosts: [customTenant.domain, `https://${CUSTOM}`],
      log: false,
    });
    customPage = await serveOverHttp(page);
    customTenant.bindActions({
      postLogin: createFirstLoginGate({ changePasswordPage: { url: `http://${customPage.domain}/change-password` }, log: false }),
      secrets: { CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY },
    });
    customApp = await startLocalApplication(customTenant, { signInOrigin: `http://${CUSTOM}` });
    // No TLS on loopback: the browser's visit to https://login.example.test/continue is recorded and
    // sent on, body and all (307), to the tenant's listener under the same name.
    await browser.context.route(continueRoute, async (route) => {
      const url = route.request().url();
      continued.push(`${route.request().method()} ${url.replace(/state=[^&]+/, 'state=…')}`);
      await route.fulfill({ status: 307, headers: { location: url.replace(/^https:/, 'http:') } });
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.context.unroute(continueRoute);
    await customApp?.close();
    await customPage?.close();
  });

  it('signs in on the custom domain, changes the password on the page and comes back to that domain’s /continue', { timeout: 240_000 }, async () => {
    const { page } = browser;
    const user = customTenant.users.create({ email: EMAIL, password: INITIAL_PASSWORD });
    await page.goto(customApp.origin);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`http://${CUSTOM}/authorize?**`);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password').fill(INITIAL_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`http://${customPage.domain}/change-password?**`);
    const form = page.locator('form:has(input[name="confirm"])');
    await form.locator('input[name="password"]').fill(NEW_PASSWORD);
    await form.locator('input[name="confirm"]').fill(NEW_PASSWORD);
    await form.locator('[type="submit"]').click();
    await page.waitForURL(`${customApp.origin}/`);
    await expect.poll(() => page.locator('#signed-in').textContent()).toBe(`Signed in as ${EMAIL}`);
    expect(continued).toEqual([`POST https://${CUSTOM}/continue?state=…`]);
    expect(customTenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
    expect(customTenant.users.verifyPassword(user.user_id, NEW_PASSWORD)).toBe(true);
  });
});

describe('npm run demo:browser', () => {
  // examples/demo-browser.mjs against dist/: it prints where to go and whom to sign in as, a person (here
  // Chromium) can go through the inline change with what it printed, and Ctrl-C stops it cleanly.
  let demo: ChildProcess;
  let output = '';

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
    // The earlier tests' cookies (every 127.0.0.1 port shares them) stay out of this sign-in.
    await browser.context.clearCookies();
    demo = spawn(process.execPath, [join(ROOT, 'examples', 'demo-browser.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout?.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
    demo.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  });

  afterAll(() => {
    if (demo !== undefined && demo.exitCode === null) demo.kill('SIGKILL');
  });

  it('serves an application whose sign-in, with the credentials it prints, leads to the page; and stops on Ctrl-C', { timeout: 240_000 }, async () => {
    const [, appUrl] = await printed(/Open (http:\/\/127\.0\.0\.1:\d+\/) and choose "Sign in"/);
    const [, email, password] = await printed(/^ {4}(\S+@example\.com) {3}(\S+) {3}\(new: must choose/m);
    const { page } = browser;

    await page.goto(appUrl!);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email address').fill(email!);
    await page.getByLabel('Password').fill(password!);
    await page.getByRole('button', { name: 'Continue' }).click();
    // The first sign-in lands on the page the demo printed; the whole way through is the tests' above.
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
