import { ManagementClient } from 'auth0';
import { describe, expect } from 'vitest';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { FirstLoginGateOptions } from '../../../src/gate/options.js';
import type { LogEntry } from '../../../src/internal/log.js';
import { createChangePasswordPage } from '../../../src/page/create-change-password-page.js';
import type { ChangePasswordPageOptions } from '../../../src/page/options.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { verifyHs256 } from '../../../src/internal/jwt.js';
import { tenantTest as it } from '../../helpers/local-tenant.js';
import { signPageSession } from '../../helpers/page-session.js';

/**
 * Issue 23, items 1 and 2, the page's part, end to end on a local tenant through `tenant.fetch` as a
 * browser drives it: `/authorize` → the gate → the page → `/continue` → the application's code.
 * `signOutOtherSessions` ends the user's other sessions (and their refresh tokens) and keeps the login
 * in progress, whose session must still be there for the tenant to hand the application a code; "Not
 * now" in a warning returns with a signed "skipped" answer.
 */
const CALLBACK = 'https://app.example.test/callback';
const PAGE_URL = 'https://login-help.example.test/change-password';
const KEY = 'a-page-key-of-at-least-32-bytes-long!!';
const PASSWORD = 'Initial-Passw0rd';
const NEW_PASSWORD = 'Ada-Chose-This-1';
const DAY = 86_400_000;
const PAGE_SCOPES = ['read:users', 'update:users', 'read:sessions', 'delete:sessions', 'delete:refresh_tokens'];

/** The gate bound to the tenant, the page with its own application, and their log lines. */
function setup(tenant: LocalTenant, pageOptions: Partial<ChangePasswordPageOptions> = {}, gateOptions: FirstLoginGateOptions = {}) {
  const logs: LogEntry[] = [];
  const gate = createFirstLoginGate({ log: (entry) => void logs.push({ ...entry }), changePasswordPage: { url: PAGE_URL }, ...gateOptions });
  tenant.bindActions({ postLogin: gate, secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY } });
  const { clientId, clientSecret } = tenant.addClient({ scopes: pageOptions.clientId === undefined ? PAGE_SCOPES : [] });
  const page = createChangePasswordPage({
    domain: tenant.domain,
    clientId,
    clientSecret,
    sessionSecret: KEY,
    fetch: tenant.fetch,
    passwordPolicy: { level: 'fair' },
    log: (entry) => void logs.push({ ...entry }),
    ...pageOptions,
  });
  return { page, logs };
}

/** Ada, with two sessions elsewhere (a refresh token in each) and one refresh token outside any session; Grace, signed in too. */
function users(tenant: LocalTenant, input: { last_password_reset?: string; logins_count?: number } = {}) {
  const ada = tenant.users.create({ email: 'ada@example.com', password: PASSWORD, ...input });
  const elsewhere = [tenant.sessions.create(ada.user_id), tenant.sessions.create(ada.user_id, { clientId: 'other-app' })];
  for (const session of elsewhere) tenant.sessions.issueRefreshToken(ada.user_id, { sessionId: session.id });
  tenant.sessions.issueRefreshToken(ada.user_id);
  const grace = tenant.users.create({ email: 'grace@example.com', password: PASSWORD });
  const graces = tenant.sessions.create(grace.user_id);
  tenant.sessions.issueRefreshToken(grace.user_id, { sessionId: graces.id });
  return { ada, elsewhere, grace };
}

/** The browser posts the sign-in form: the answer is where it goes next (the page). */
async function signIn(tenant: LocalTenant): Promise<URL> {
  const query = new URLSearchParams({ client_id: tenant.appClientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid email', state: 'app-state' });
  const response = await tenant.fetch(`${tenant.origin}/authorize?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: 'ada@example.com', password: PASSWORD }),
    redirect: 'manual',
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') as string);
}

/** The page's form for the redirect, as HTML. */
async function formAt(page: ReturnType<typeof createChangePasswordPage>, target: URL): Promise<string> {
  const response = await page(new Request(target));
  expect(response.status).toBe(200);
  return response.text();
}

/** POSTs the page's form with `fields` (the session and state of `target` added). */
function submit(page: ReturnType<typeof createChangePasswordPage>, target: URL, fields: Record<string, string>): Promise<Response> {
  return page(
    new Request(PAGE_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      body: new URLSearchParams({ session_token: target.searchParams.get('session_token') as string, state: target.searchParams.get('state') as string, ...fields }),
    }),
  );
}

/** The browser follows the page's way back to `/continue`: where Auth0 then sends it (the application, with a code or an error). */
async function continueFrom(tenant: LocalTenant, html: string): Promise<URL> {
  const action = (/<form id="continue" method="post" action="([^"]+)"/.exec(html)?.[1] as string).replaceAll('&amp;', '&');
  const token = /name="session_token" value="([^"]+)"/.exec(html)?.[1] as string;
  const response = await tenant.fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ session_token: token }), redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') as string);
}

const idsOf = (items: readonly { id: string }[]) => items.map((item) => item.id);
const CHECKBOX = /<input type="checkbox" id="sign-out-others" name="sign_out_others" value="yes"( checked)?>/;

describe("signOutOtherSessions: 'offer' (the default)", () => {
  it('ends the other sessions and their refresh tokens once the password is set; the login in progress reaches the application', async ({ tenant }) => {
    const { ada, grace } = users(tenant);
    const graceBefore = { sessions: tenant.sessions.list(grace.user_id), tokens: tenant.sessions.refreshTokens(grace.user_id) };
    const { page, logs } = setup(tenant);
    const target = await signIn(tenant);
    // The sign-in's own session, besides the two elsewhere.
    const [login] = tenant.sessions.list(ada.user_id).slice(-1);
    const html = await formAt(page, target);
    expect(CHECKBOX.exec(html)?.[1]).toBe(' checked');
    expect(html).toContain('<label for="sign-out-others">Sign me out on my other devices</label>');

    const done = await submit(page, target, { password: NEW_PASSWORD, confirm: NEW_PASSWORD, sign_out_others: 'yes' });
    expect(done.status).toBe(200);
    const back = await continueFrom(tenant, await done.text());
    expect(back.origin + back.pathname).toBe(CALLBACK);
    expect(back.searchParams.has('code')).toBe(true);

    expect(idsOf(tenant.sessions.list(ada.user_id))).toEqual([login!.id]);
    // The refresh token outside any session is not one revoke-access with a session_id reaches.
    expect(tenant.sessions.refreshTokens(ada.user_id).map((token) => token.session_id)).toEqual([undefined]);
    expect({ sessions: tenant.sessions.list(grace.user_id), tokens: tenant.sessions.refreshTokens(grace.user_id) }).toEqual(graceBefore);
    expect(tenant.counts()).toMatchObject({ listSessions: 1, revokeAccess: 2 });
    expect(tenant.users.get(ada.user_id)?.app_metadata['needsPasswordReset']).toBe(false);
    expect(logs.filter((line) => line.trigger === 'change-password-page' && line.decision === 'change')).toEqual([
      expect.objectContaining({ reason: 'password-changed', user_id: ada.user_id, since: expect.any(String) }),
      expect.objectContaining({ reason: 'other-sessions-ended', user_id: ada.user_id, detail: "2 ended, the login's kept" }),
    ]);
  });

  it('unticked, ends nothing', async ({ tenant }) => {
    const { ada } = users(tenant);
    const { page } = setup(tenant);
    const target = await signIn(tenant);
    const done = await submit(page, target, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect((await continueFrom(tenant, await done.text())).searchParams.has('code')).toBe(true);
    expect(tenant.sessions.list(ada.user_id)).toHaveLength(3);
    expect(tenant.sessions.refreshTokens(ada.user_id)).toHaveLength(3);
    expect(tenant.counts()).toMatchObject({ listSessions: 0, revokeAccess: 0 });
  });

  it('keeps the box as the user left it when the form comes back with an error', async ({ tenant }) => {
    users(tenant);
    const { page } = setup(tenant);
    const target = await signIn(tenant);
    const refused = await submit(page, target, { password: NEW_PASSWORD, confirm: 'something else' });
    expect(refused.status).toBe(400);
    expect(CHECKBOX.exec(await refused.text())?.[1]).toBeUndefined();
  });

  it('when Auth0 refuses (a plan without session management), the password is set all the same, and the user is told', async ({ startTenant }) => {
    const tenant = await startTenant({ plan: 'professional' });
    const { ada } = users(tenant);
    const { page, logs } = setup(tenant);
    const target = await signIn(tenant);
    const done = await submit(page, target, { password: NEW_PASSWORD, confirm: NEW_PASSWORD, sign_out_others: 'yes' });
    expect(done.status).toBe(200);
    const html = await done.text();
    expect(html).toContain('Your password is set, but your other devices could not be signed out.');
    // Something to read: no script sends the form on by itself.
    expect(html).not.toContain('<script');
    expect(tenant.users.verifyPassword(ada.user_id, NEW_PASSWORD)).toBe(true);
    expect((await continueFrom(tenant, html)).searchParams.has('code')).toBe(true);
    expect(tenant.sessions.list(ada.user_id)).toHaveLength(3);
    expect(logs).toContainEqual(expect.objectContaining({ trigger: 'change-password-page', decision: 'warn', reason: 'sign-out-failed', detail: expect.stringMatching(/^list sessions: HTTP 403/) }));
  });

  it('a page application without the session scopes: the password is set, the failure logged', async ({ tenant }) => {
    const { ada } = users(tenant);
    const narrow = tenant.addClient({ scopes: ['read:users', 'update:users'] });
    const { page, logs } = setup(tenant, { clientId: narrow.clientId, clientSecret: narrow.clientSecret });
    const target = await signIn(tenant);
    const done = await submit(page, target, { password: NEW_PASSWORD, confirm: NEW_PASSWORD, sign_out_others: 'yes' });
    expect(tenant.users.verifyPassword(ada.user_id, NEW_PASSWORD)).toBe(true);
    expect((await continueFrom(tenant, await done.text())).searchParams.has('code')).toBe(true);
    expect(logs).toContainEqual(expect.objectContaining({ decision: 'warn', reason: 'sign-out-failed', detail: expect.stringMatching(/^list sessions: HTTP 403/) }));
  });
});

describe("signOutOtherSessions: 'never' and 'always'", () => {
  it("'never': no box, and nothing ended even when the field is sent", async ({ tenant }) => {
    const { ada } = users(tenant);
    const { page } = setup(tenant, { signOutOtherSessions: 'never' });
    const target = await signIn(tenant);
    const html = await formAt(page, target);
    expect(html).not.toMatch(CHECKBOX);
    expect(html).not.toContain('id="sign-out-notice"');
    const done = await submit(page, target, { password: NEW_PASSWORD, confirm: NEW_PASSWORD, sign_out_others: 'yes' });
    expect((await continueFrom(tenant, await done.text())).searchParams.has('code')).toBe(true);
    expect(tenant.sessions.list(ada.user_id)).toHaveLength(3);
    expect(tenant.counts()).toMatchObject({ listSessions: 0, revokeAccess: 0 });
  });

  it("'always': no box, a sentence saying so, and the other sessions ended without the field", async ({ tenant }) => {
    const { ada } = users(tenant);
    const { page } = setup(tenant, { signOutOtherSessions: 'always' });
    const target = await signIn(tenant);
    const [login] = tenant.sessions.list(ada.user_id).slice(-1);
    const html = await formAt(page, target);
    expect(html).not.toMatch(CHECKBOX);
    expect(html).toContain('<p id="sign-out-notice">You will be signed out on your other devices.</p>');
    const done = await submit(page, target, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect((await continueFrom(tenant, await done.text())).searchParams.has('code')).toBe(true);
    expect(idsOf(tenant.sessions.list(ada.user_id))).toEqual([login!.id]);
  });

  it('a login whose own session was ended cannot finish: the local tenant shows what keeping it is for', async ({ tenant }) => {
    const { ada } = users(tenant);
    const { page } = setup(tenant, { signOutOtherSessions: 'never' });
    const target = await signIn(tenant);
    const done = await submit(page, target, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    const html = await done.text();
    // Every session ended, the login's too: what revoke-access without a session_id does.
    const admin = tenant.addClient({ scopes: ['delete:sessions', 'delete:refresh_tokens'] });
    await new ManagementClient({ domain: tenant.domain, clientId: admin.clientId, clientSecret: admin.clientSecret, fetch: tenant.fetch }).users.revokeAccess(ada.user_id, {});
    expect(tenant.sessions.list(ada.user_id)).toEqual([]);
    const back = await continueFrom(tenant, html);
    expect(back.searchParams.get('error')).toBe('login_required');
  });
});

describe('"Not now" in a warning window', () => {
  const options: FirstLoginGateOptions = { maxPasswordAgeDays: { days: 90, warnDays: 14 } };

  it('the form offers it with the deadline; chosen, the login reaches the application, the password unchanged, nothing ended; the next login asks again', async ({ tenant }) => {
    const set = new Date(Date.now() - 80 * DAY).toISOString();
    const { ada } = users(tenant, { last_password_reset: set, logins_count: 5 });
    const { page, logs } = setup(tenant, {}, options);
    const target = await signIn(tenant);
    const html = await formAt(page, target);
    expect(html).toContain('<button type="submit" id="not-now" name="action" value="not-now">Not now</button>');
    expect(html).toMatch(/Your password expires on [A-Z][a-z]+ \d{1,2}, \d{4}.* UTC\. You can choose a new one now, or later\./);

    const skipped = await submit(page, target, { action: 'not-now' });
    expect(skipped.status).toBe(200);
    const back = await continueFrom(tenant, await skipped.text());
    expect(back.searchParams.has('code')).toBe(true);
    expect(tenant.users.get(ada.user_id)?.last_password_reset).toBe(set);
    expect(tenant.sessions.list(ada.user_id)).toHaveLength(3);
    // A warning's line says when the change is due; `since` is an obligation's start, which a warning has not.
    const notNowLine = logs.find((entry) => entry.trigger === 'change-password-page' && entry.reason === 'not-now');
    expect(notNowLine).toMatchObject({ decision: 'skip', due: expect.any(String) });
    expect(notNowLine).not.toHaveProperty('since');
    expect(logs).toContainEqual(expect.objectContaining({ trigger: 'post-login', decision: 'allow', reason: 'page-not-now' }));

    // One answer per link: the same session cannot be used again.
    expect((await submit(page, target, { action: 'not-now' })).status).toBe(400);
    // The next login asks again.
    expect((await signIn(tenant)).origin + (await signIn(tenant)).pathname).toBe(PAGE_URL);
  });

  it('a new password instead ends the warning: the next login goes straight to the application', async ({ tenant }) => {
    users(tenant, { last_password_reset: new Date(Date.now() - 80 * DAY).toISOString(), logins_count: 5 });
    const { page } = setup(tenant, {}, options);
    const target = await signIn(tenant);
    const done = await submit(page, target, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect((await continueFrom(tenant, await done.text())).searchParams.has('code')).toBe(true);
    const again = await tenant.fetch(`${tenant.origin}/authorize?${new URLSearchParams({ client_id: tenant.appClientId, redirect_uri: CALLBACK, response_type: 'code', state: 's' })}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'ada@example.com', password: NEW_PASSWORD }),
      redirect: 'manual',
    });
    expect(new URL(again.headers.get('location') as string).searchParams.has('code')).toBe(true);
  });

  it('is not offered to a login the obligation stops, and refused there if sent anyway', async ({ tenant }) => {
    users(tenant);
    const { page, logs } = setup(tenant);
    const target = await signIn(tenant);
    expect(await formAt(page, target)).not.toContain('id="not-now"');
    const refused = await submit(page, target, { action: 'not-now' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('The deadline has passed: choose a new password to continue.');
    expect(logs).toContainEqual(expect.objectContaining({ decision: 'refuse', reason: 'not-now-not-a-warning' }));
  });
});

describe('"Not now" on the page alone', () => {
  it('past the deadline the form no longer offers it, says why, and refuses one sent anyway; a due that is no time is no session', async ({ tenant }) => {
    const ada = tenant.users.create({ email: 'ada@example.com', password: PASSWORD });
    const { page, logs } = setup(tenant);
    const past = new Date(Date.now() - 1000).toISOString();
    const token = signPageSession(KEY, { domain: tenant.domain, userId: ada.user_id }, { reason: 'password-expires-soon', since: new Date(Date.now() - 91 * DAY).toISOString(), due: past });
    const target = new URL(`${PAGE_URL}?${new URLSearchParams({ session_token: token, state: 'st8' })}`);
    const html = await formAt(page, target);
    expect(html).not.toContain('id="not-now"');
    expect(html).toContain('<p id="why">The deadline has passed: choose a new password to continue.</p>');
    const refused = await submit(page, target, { action: 'not-now' });
    expect(refused.status).toBe(400);
    expect(logs).toContainEqual(expect.objectContaining({ decision: 'refuse', reason: 'not-now-too-late', due: past }));

    const malformed = signPageSession(KEY, { domain: tenant.domain, userId: ada.user_id }, { reason: 'password-expires-soon', due: 'next week' });
    expect((await page(new Request(`${PAGE_URL}?${new URLSearchParams({ session_token: malformed, state: 'st8' })}`))).status).toBe(400);
  });

  it('the skipped answer is signed with the page key, bound to the user and the login’s state, and short-lived', async ({ tenant }) => {
    const ada = tenant.users.create({ email: 'ada@example.com', password: PASSWORD });
    const { page } = setup(tenant);
    const due = new Date(Date.now() + 5 * DAY).toISOString();
    const token = signPageSession(KEY, { domain: tenant.domain, userId: ada.user_id }, { reason: 'password-expires-soon', due });
    const target = new URL(`${PAGE_URL}?${new URLSearchParams({ session_token: token, state: 'the-login-state' })}`);
    const html = await (await submit(page, target, { action: 'not-now' })).text();
    expect(html).toContain('You can change your password later. Taking you back…');
    const answer = /name="session_token" value="([^"]+)"/.exec(html)?.[1] as string;
    const verified = verifyHs256(answer, KEY, Math.floor(Date.now() / 1000));
    if ('refused' in verified) throw new Error(verified.refused);
    expect(verified.claims).toMatchObject({ sub: ada.user_id, state: 'the-login-state', purpose: 'afpr:password-change-skipped' });
    expect((verified.claims['exp'] as number) - (verified.claims['iat'] as number)).toBe(60);
    expect(verified.claims).not.toHaveProperty('password_changed_at');
  });
});
