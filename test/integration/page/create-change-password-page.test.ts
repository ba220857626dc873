import { inspect } from 'node:util';
import { describe, expect } from 'vitest';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import { createPasswordResetClearer } from '../../../src/clearer/create-password-reset-clearer.js';
import { OptionsError } from '../../../src/errors/index.js';
import { signHs256, verifyHs256 } from '../../../src/internal/jwt.js';
import { createChangePasswordPage } from '../../../src/page/create-change-password-page.js';
import type { ChangePasswordPageOptions } from '../../../src/page/options.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { tenantTest as it } from '../../helpers/local-tenant.js';
import { INITIAL_PASSWORD, PAGE_KEY, PAGE_URL, setUpPage, type PageSetup } from '../../helpers/page-session.js';

/**
 * The change-password page (issue 12, item 3) against a local tenant: the real SDK sets the password
 * through the Management API, the tenant enforces the connection's policy and history as Auth0 does.
 */
const KEY = PAGE_KEY;
const PAGE = PAGE_URL;
const PASSWORD = 'Brand-New-Passw0rd';
const INITIAL = INITIAL_PASSWORD;

type Setup = PageSetup;

/** The page and its user; `since` is now: a password set from here on meets the obligation. */
const setup = (tenant: LocalTenant, options: Partial<ChangePasswordPageOptions> = {}): Setup =>
  setUpPage(tenant, options, () => ({ since: new Date().toISOString() }));

const get = (page: Setup['page'], query: Record<string, string>) =>
  page(new Request(`${PAGE}?${new URLSearchParams(query)}`));

const post = (page: Setup['page'], fields: Record<string, string>, headers: Record<string, string> = {}) =>
  page(
    new Request(PAGE, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
      body: new URLSearchParams(fields).toString(),
    }),
  );

/** The token and URL of the page that sends the browser back to /continue. */
function continueOf(html: string): { action: string; token: string } {
  const action = /<form id="continue" method="post" action="([^"]+)"/.exec(html)?.[1];
  const token = /name="session_token" value="([^"]+)"/.exec(html)?.[1];
  if (action === undefined || token === undefined) throw new Error('no way back in the page');
  return { action: action.replaceAll('&amp;', '&'), token };
}

describe('GET: the form', () => {
  it('shows an accessible form with the rules in words, the account, the session — and strict headers', async ({ tenant }) => {
    const { page, session } = setup(tenant);
    const response = await get(page, { session_token: session(), state: 'st8' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<input id="password" name="password" type="password" autocomplete="new-password"/);
    expect(html).toMatch(/<input id="confirm" name="confirm" type="password" autocomplete="new-password"/);
    expect(html).toContain('<input id="username" name="username" type="email" autocomplete="username" value="ada@example.com" readonly>');
    expect(html).toContain('<li data-rule="min-length" data-min="8"><span class="state"></span>At least 8 characters</li>');
    expect(html).toContain('name="state" value="st8"');
    // One script, the form's, under the answer's nonce; nothing loaded from anywhere.
    const csp = response.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(html.match(/<script[^>]*>/g)).toEqual([`<script nonce="${nonce}">`]);
    expect(html).not.toMatch(/\bsrc=|\bhref=/);
    expect(Buffer.byteLength(html)).toBeLessThan(16_000);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('speaks the login’s language, and says so: French text under lang="fr" for a fr-CA login', async ({ tenant }) => {
    const { page, session } = setup(tenant, { texts: { title: { default: 'Choose a new Acme password', fr: 'Choisissez un nouveau mot de passe Acme' } } });
    const html = await (await get(page, { session_token: session({ locale: 'fr-CA' }), state: 's' })).text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<h1>Choisissez un nouveau mot de passe Acme</h1>');
    expect(html).toContain('<label for="password">Nouveau mot de passe</label>');
    expect(html).toContain('Au moins 8 caractères');
  });

  it.for([
    ['a forged token (another key)', () => signHs256({ sub: 'auth0|x', iss: 'x', exp: 2e9, purpose: 'afpr:change-password', connection: 'c' }, 'another key, also long enough to sign!!'), 'session-invalid'],
    ['alg none', () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"exp":2000000000}').toString('base64url')}.`, 'session-invalid'],
    ['an expired token', (s: Setup) => s.session({ exp: Math.floor(Date.now() / 1000) - 60 }), 'session-expired'],
    ['a token of another purpose', (s: Setup) => s.session({ purpose: 'afpr:password-changed' }), 'session-invalid'],
    ['a login host outside allowedHosts (no open redirect)', (s: Setup) => s.session({ host: 'attacker.example' }), 'session-host-not-allowed'],
    ['a session without its login host', (s: Setup) => s.session({ host: undefined }), 'session-invalid'],
  ] as const)('refuses %s with a plain page telling the user to sign in again', async ([, token, reason], { tenant }) => {
    const setupped = setup(tenant);
    const response = await get(setupped.page, { session_token: token(setupped), state: 's' });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Go back to the application and sign in again.');
    expect(html).not.toContain('<form');
    expect(setupped.logs).toEqual([expect.objectContaining({ decision: 'refuse', reason })]);
  });

  it('refuses a missing state and a missing token', async ({ tenant }) => {
    const { page, session, logs } = setup(tenant);
    expect((await get(page, { session_token: session() })).status).toBe(400);
    expect((await get(page, { state: 's' })).status).toBe(400);
    expect(logs.map((entry) => entry.reason)).toEqual(['session-no-state', 'session-missing']);
  });
});

describe('POST: the change', () => {
  it('sets the password with the Management API and sends the browser back to /continue with a token the gate accepts', async ({ tenant }) => {
    const { page, session, userId, logs } = setup(tenant);
    const response = await post(page, { session_token: session(), state: 'the state', password: PASSWORD, confirm: PASSWORD });
    expect(response.status).toBe(200);
    expect(tenant.users.verifyPassword(userId, PASSWORD)).toBe(true);
    const html = await response.text();
    const { action, token } = continueOf(html);
    // A loopback tenant is reached over plain HTTP; a real one over HTTPS.
    expect(action).toBe(`http://${tenant.domain}/continue?state=the%20state`);
    expect(html).toMatch(/<script nonce="[^"]+">document.getElementById\('continue'\).submit\(\)<\/script>/);
    // No form-action on the way back: browsers apply it to /continue's redirect to the application too.
    expect(response.headers.get('content-security-policy')).not.toContain('form-action');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const verified = verifyHs256(token, KEY, Math.floor(Date.now() / 1000));
    expect('claims' in verified && verified.claims).toMatchObject({
      sub: userId,
      iss: tenant.domain,
      state: 'the state',
      purpose: 'afpr:password-changed',
      password_changed_at: tenant.users.get(userId)!.last_password_reset,
    });
    expect((verified as unknown as { claims: { exp: number; iat: number } }).claims.exp - (verified as unknown as { claims: { iat: number } }).claims.iat).toBe(60);
    expect(logs.at(-1)).toMatchObject({ decision: 'change', reason: 'password-changed', user_id: userId });
  });

  it('is single use: the same session cannot set a password twice', async ({ tenant }) => {
    const { page, session, logs } = setup(tenant);
    const token = session();
    expect((await post(page, { session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD })).status).toBe(200);
    const replay = await post(page, { session_token: token, state: 's', password: `${PASSWORD}2`, confirm: `${PASSWORD}2` });
    expect(replay.status).toBe(400);
    expect((await get(page, { session_token: token, state: 's' })).status).toBe(400);
    expect(logs.slice(-2).map((entry) => entry.reason)).toEqual(['session-used', 'session-used']);
    expect(tenant.users.verifyPassword(tenant.users.list()[0]!.user_id, PASSWORD)).toBe(true);
  });

  it('keeps the session and says what is wrong: different passwords, a policy the password breaks', async ({ tenant }) => {
    const { page, session, userId } = setup(tenant);
    const token = session();
    const mismatch = await post(page, { session_token: token, state: 's', password: PASSWORD, confirm: 'other' });
    expect(mismatch.status).toBe(400);
    const html = await mismatch.text();
    expect(html).toContain('<p class="error" id="confirm-error" role="alert">The two passwords are not the same.</p>');
    expect(html).toContain('aria-describedby="confirm-error" aria-invalid="true" autofocus>');
    expect(html).toContain(`name="session_token" value="${token}"`);
    const weak = await (await post(page, { session_token: token, state: 's', password: 'password', confirm: 'password' })).text();
    expect(weak).toContain(
      '<div class="error" id="password-error" role="alert"><p>This password does not meet these requirements:</p><ul><li>At least 3 of these: lower case letters (a–z), upper case letters (A–Z), numbers (0–9), special characters (such as ! @ # $ % ^ &amp; *)</li></ul></div>',
    );
    expect(weak).toContain('aria-describedby="password-error rules" aria-invalid="true" autofocus>');
    expect(tenant.users.verifyPassword(userId, INITIAL)).toBe(true);
  });

  it('shows Auth0’s own refusal inline: a password used before (history)', async ({ tenant }) => {
    // The page's own check passes (the policy is met); only Auth0 knows the history.
    const { page, session, userId, logs } = setup(tenant);
    const response = await post(page, { session_token: session(), state: 's', password: INITIAL, confirm: INITIAL });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<p class="error" id="password-error" role="alert">You have previously used this password. Please choose another one.</p>');
    expect(logs.at(-1)).toMatchObject({ decision: 'refuse', reason: 'password-refused-by-auth0', user_id: userId, detail: 'PasswordHistoryError' });
  });

  it('locks a session after five failed attempts', async ({ tenant }) => {
    const { page, session, logs } = setup(tenant);
    const token = session();
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      expect((await post(page, { session_token: token, state: 's', password: 'a', confirm: 'b' })).status).toBe(400);
    }
    const locked = await post(page, { session_token: token, state: 's', password: 'a', confirm: 'b' });
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain('Too many attempts.');
    expect((await post(page, { session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD })).status).toBe(400);
    expect(logs.map((entry) => entry.reason)).toContain('session-locked');
  });

  it('turns away a cross-site POST, and a POST without a session', async ({ tenant }) => {
    const { page, session, userId } = setup(tenant);
    expect((await post(page, { session_token: session(), state: 's', password: PASSWORD, confirm: PASSWORD }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(page, { state: 's', password: PASSWORD, confirm: PASSWORD })).status).toBe(400);
    expect(tenant.users.verifyPassword(userId, INITIAL)).toBe(true);
    expect(tenant.counts().patchUser).toBe(0);
  });

  it('reads the connection’s policy from Auth0 when none is given, and says what scope is missing when it cannot', async ({ startTenant }) => {
    const full = await startTenant({ scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options'] });
    const withPolicy = setup(full, { passwordPolicy: undefined as never });
    const html = await (await get(withPolicy.page, { session_token: withPolicy.session(), state: 's' })).text();
    expect(html).toContain('At least 8 characters</li>');
    await get(withPolicy.page, { session_token: withPolicy.session(), state: 's' });
    expect(full.counts()).toMatchObject({ token: 1 });

    const narrow = await startTenant({ scopes: ['read:users', 'update:users', 'read:connections'] });
    const without = setup(narrow, { passwordPolicy: undefined as never });
    const response = await get(without.page, { session_token: without.session(), state: 's' });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toMatch(/Error|at |stack/);
    expect(without.logs.at(-1)).toMatchObject({ decision: 'fail', reason: 'internal-error', detail: expect.stringContaining('read:connections_options') });
  });

  it('never logs or shows a password, a token or a secret', async ({ tenant }) => {
    const { page, session, logs } = setup(tenant);
    const token = session();
    await post(page, { session_token: token, state: 's', password: 'weak', confirm: 'weak' });
    const done = await (await post(page, { session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD })).text();
    const printed = JSON.stringify(logs) + inspect(logs);
    for (const secret of [PASSWORD, 'weak', token, KEY, tenant.clientSecret]) expect(printed).not.toContain(secret);
    for (const secret of [PASSWORD, KEY, tenant.clientSecret]) expect(done).not.toContain(secret);
  });
});

describe('options', () => {
  it.for([
    [{ sessionSecret: 'short' }, '"options.sessionSecret" must be at least 32 bytes (the value is not shown)'],
    [{ clientSecret: '' }, '"options.clientSecret" is required: a non-empty string (the value is not shown)'],
    [{ allowedHosts: ['https://acme.auth0.com/login'] }, '"options.allowedHosts[0]" has a path, a query or a fragment: it must be a host such as "login.acme.com", optionally with a port; https:// may be given, http:// only for a loopback host (got "https://acme.auth0.com/login")'],
    [{ allowedHosts: ['http://login.acme.com'] }, '"options.allowedHosts[0]" uses http://, which only a loopback host (a local tenant) may: it must be a host such as'],
    [{ usedSessions: new Map() }, '"options.usedSessions" is not a known option'],
    [{ sessionStore: { claim() {} } }, '"options.sessionStore" must be a store with claim, release, spend, isSpent, countAttempt (missing: release, spend, isSpent, countAttempt) (got an object)'],
    [{ passwordPolicy: { level: 'strong' } }, '"options.passwordPolicy.level" must be one of "none", "low", "fair", "good", "excellent" (got "strong")'],
    // Auth0's shape, with Auth0's limits.
    [{ passwordPolicy: { password_options: { complexity: { min_length: 0 } } } }, '"options.passwordPolicy.password_options.complexity.min_length" must be an integer from 1 to 72 (characters) (got 0)'],
    [{ passwordPolicy: { password_dictionary: { enable: true, dictionary: [''] } } }, '"options.passwordPolicy.password_dictionary.dictionary[0]" must be a non-empty string of at most 50 characters (got "")'],
    [{ texts: { ruleMinLength: { de: 'Mindestens {minimum} Zeichen' } } }, '"options.texts.ruleMinLength.de" must use no placeholder but {min} (found {minimum})'],
    [{ texts: { title: { fr_CA: 'Titre' } } }, '"options.texts.title.fr_CA" must be a language tag such as "fr", "pt-BR" or "default" (got "fr_CA")'],
    [{ texts: { tooShort: 'x' } }, '"options.texts.tooShort" is not a known option'],
    [{ breachedPasswords: { rangeUrl: 'http://api.pwnedpasswords.com/range/' } }, '"options.breachedPasswords.rangeUrl" must be an https:// URL (http:// only for a loopback host such as 127.0.0.1), without query or fragment (got'],
    // A value that may hold a key or credentials is not quoted, whatever else is wrong with it.
    [{ breachedPasswords: { rangeUrl: 'https://range.example/range/?apikey=k3y-not-for-logs', onUnavailable: 'refuse' } }, '"options.breachedPasswords.rangeUrl" must be an https:// URL (http:// only for a loopback host such as 127.0.0.1), without query or fragment'],
    [{ breachedPasswords: { rangeUrl: 'https://user:s3cret@range example/range/', onUnavailable: 'refuse' } }, '"options.breachedPasswords.rangeUrl" must be an https:// URL (http:// only for a loopback host such as 127.0.0.1), without query or fragment'],
    [{ breachedPasswords: {} }, '"options.breachedPasswords.onUnavailable" is required: "allow" or "refuse" (what to do when the range API cannot answer)'],
    [{ domain: 'acme.auth0.com/x' }, '"options.domain" has a path, a query or a fragment: it must be'],
    [{ maxTries: 3 }, '"options.maxTries" is not a known option'],
    [{ passwordPolicy: { minLength: 12 } }, '"options.passwordPolicy.level" is required: "none", "low", "fair", "good", "excellent"'],
    // A required option left out (an unset environment variable) is named at creation, not found later
    // as a TypeError or as every session refused.
    [{ domain: undefined }, '"options.domain" is required: the tenant’s canonical domain, such as "acme.eu.auth0.com"'],
    [{ clientId: undefined }, '"options.clientId" is required: the client id of the page’s M2M application'],
    [{ clientSecret: undefined }, '"options.clientSecret" is required: the client secret of the page’s M2M application'],
    [{ sessionSecret: undefined }, '"options.sessionSecret" is required: the key shared with the post-login Action (at least 32 bytes)'],
  ] as const)('rejects %j, never quoting a secret', ([options, expected]) => {
    const base = { domain: 'acme.auth0.test', clientId: 'id', clientSecret: 'client-secret-value', sessionSecret: KEY };
    let error: unknown;
    try {
      createChangePasswordPage({ ...base, ...options } as ChangePasswordPageOptions);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as Error).message).toContain(`[auth0-force-password-reset] createChangePasswordPage: ${expected}`);
    expect((error as Error).message).not.toContain('client-secret-value');
    expect((error as Error).message).not.toContain('short');
    expect((error as Error).message).not.toMatch(/k3y-not-for-logs|s3cret/);
  });

  it('names every missing required option at once', () => {
    expect(() => createChangePasswordPage(undefined as never)).toThrow(
      /createChangePasswordPage: "options\.domain" is required: .*; "options\.clientId" is required: .*; "options\.clientSecret" is required: .*; "options\.sessionSecret" is required: /,
    );
  });
});

describe('the whole handshake on a local tenant: gate → page → /continue', () => {
  it('redirects a first login, changes the password on the page, continues into the application and clears the flag', async ({ tenant }) => {
    const { page, userId } = setup(tenant);
    const gate = createFirstLoginGate({ log: false, changePasswordPage: { url: PAGE } });
    const secrets = { CHANGE_PASSWORD_PAGE_SECRET: KEY };
    const first = await tenant.runLogin(userId, gate, { secrets });
    expect(first.allowed).toBe(false);
    expect(first.redirect).toBeDefined();
    expect(tenant.users.get(userId)!.app_metadata['needsPasswordReset']).toBe(true);

    const form = await page(new Request(first.redirect!.url));
    expect(form.status).toBe(200);
    const fields = new URL(first.redirect!.url).searchParams;
    const done = await post(page, { session_token: fields.get('session_token')!, state: fields.get('state')!, password: PASSWORD, confirm: PASSWORD });
    const { token } = continueOf(await done.text());

    const resumed = await tenant.continueLogin(first.redirect!.state, { method: 'POST', body: { session_token: token } });
    expect(resumed.allowed).toBe(true);
    expect(tenant.users.get(userId)!.app_metadata['needsPasswordReset']).toBe(false);

    // The clearer, had it run for the page's change, finds nothing left to do; the next login goes straight in.
    await tenant.runPasswordChange(userId, 'Another-Passw0rd!', createPasswordResetClearer({ log: false })).completion;
    expect((await tenant.runLogin(userId, gate, { secrets })).allowed).toBe(true);
  });
});

describe('on node:http, through createNodeListener', () => {
  it('serves the form and takes the POST over a real socket', async ({ tenant }) => {
    const { createServer } = await import('node:http');
    const { createNodeListener } = await import('../../../src/page/create-node-listener.js');
    const { page, session, userId } = setup(tenant);
    const server = createServer(createNodeListener(page));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const origin = `http://127.0.0.1:${port}`;
      const token = session();
      const form = await fetch(`${origin}/change-password?${new URLSearchParams({ session_token: token, state: 's' })}`);
      expect(form.status).toBe(200);
      expect(form.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const done = await fetch(`${origin}/change-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD }),
      });
      expect(done.status).toBe(200);
      expect(tenant.users.verifyPassword(userId, PASSWORD)).toBe(true);
      const tooBig = await fetch(`${origin}/change-password`, { method: 'POST', body: 'x'.repeat(70_000) });
      expect(tooBig.status).toBe(413);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
