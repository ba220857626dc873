import { createHash } from 'node:crypto';
import { describe, expect, vi } from 'vitest';
import { createFirstLoginGate, createPasswordResetClearer } from '../../../../src/index.js';
import type { PostLoginEvent } from '../../../../src/auth0/post-login.js';
import type { LocalTenant, PostLoginActionHandler } from '../../../../src/testing/local-tenant/index.js';
import { createChangePasswordPage } from '../../../../src/page/index.js';
import { accessTokenOf, managementRequest, tenantTest as test } from '../../../helpers/local-tenant.js';

/**
 * The local tenant's side of an interactive sign-in (issue 12, item 4), driven in process through
 * `tenant.fetch` as a browser would drive it over HTTP: `/authorize`, the redirect to a page, `/continue`,
 * the code grant and `/userinfo`, and the post-change-password trigger a Management API PATCH fires.
 */
const CALLBACK = 'https://app.example.test/callback';
const PAGE_URL = 'https://login-help.example.test/change-password';
const PAGE_KEY = 'a-page-key-of-at-least-32-bytes-long!!';
const PASSWORD = 'Initial-Passw0rd';
const NEW_PASSWORD = 'Ada-Chose-This-1';

/** The query of an authorization request from the tenant's one application. */
function authorizeQuery(tenant: LocalTenant, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    client_id: tenant.appClientId,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid profile email',
    state: 'app-state-1',
    nonce: 'nonce-1',
    ...extra,
  }).toString();
}

/** The browser posts the sign-in form; the answer is not followed. */
function signIn(tenant: LocalTenant, email: string, password: string, extra: Record<string, string> = {}): Promise<Response> {
  return tenant.fetch(`${tenant.origin}/authorize?${authorizeQuery(tenant, extra)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }),
    redirect: 'manual',
  });
}

/** Where a 302 sends the browser. */
function locationOf(response: Response): URL {
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? 'about:blank');
}

async function redeem(tenant: LocalTenant, code: string, extra: Record<string, string> = {}): Promise<Response> {
  return tenant.fetch(`${tenant.origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: tenant.appClientId, code, redirect_uri: CALLBACK, ...extra }),
  });
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('GET and POST /authorize: the sign-in form', () => {
  test('shows an accessible form, refuses a wrong password without counting a login, and sends the app a code', async ({ tenant }) => {
    const user = tenant.users.create({ email: 'ada@example.com', password: PASSWORD });

    const form = await tenant.fetch(`${tenant.origin}/authorize?${authorizeQuery(tenant)}`);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(form.headers.get('cache-control')).toBe('no-store');
    const html = await form.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="username"');
    expect(html).toContain('<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password"');
    expect(html).toContain(`action="/authorize?${authorizeQuery(tenant).replaceAll('&', '&amp;')}"`);

    const wrong = await signIn(tenant, 'ada@example.com', 'not-her-password');
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('<p id="login-error" class="error" role="alert">Wrong email or password.</p>');
    expect(wrongHtml).toContain('value="ada@example.com" aria-describedby="login-error" aria-invalid="true"');
    expect(wrongHtml).not.toContain('not-her-password');
    expect(tenant.users.get(user.user_id)!.logins_count).toBe(0);

    const back = locationOf(await signIn(tenant, 'ADA@example.com', PASSWORD));
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    expect([...back.searchParams.keys()]).toEqual(['code', 'state']);
    expect(back.searchParams.get('state')).toBe('app-state-1');
    expect(tenant.users.get(user.user_id)!.logins_count).toBe(1);
    expect(tenant.counts()).toMatchObject({ authorize: 3 });
  });

  test('redeems the code once for an ID token naming the user, and an access token for /userinfo', async ({ tenant }) => {
    const user = tenant.users.create({ email: 'ada@example.com', password: PASSWORD });
    const code = locationOf(await signIn(tenant, 'ada@example.com', PASSWORD)).searchParams.get('code')!;

    const response = await redeem(tenant, code);
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as Record<string, string>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email', expires_in: 86_400 });
    expect(claimsOf(tokens['id_token']!)).toMatchObject({
      iss: `https://${tenant.domain}/`,
      aud: tenant.appClientId,
      sub: user.user_id,
      nonce: 'nonce-1',
      email: 'ada@example.com',
      email_verified: false,
    });

    const profile = await tenant.fetch(`${tenant.origin}/userinfo`, { headers: { authorization: `Bearer ${tokens['access_token']}` } });
    expect(await profile.json()).toMatchObject({ sub: user.user_id, email: 'ada@example.com', nickname: 'ada' });
    expect((await tenant.fetch(`${tenant.origin}/userinfo`)).status).toBe(401);
    expect(tenant.requests.filter(({ route }) => route === 'userinfo').map(({ auth, status }) => [auth, status])).toEqual([['valid', 200], ['none', 401]]);

    const again = await redeem(tenant, code);
    expect(again.status).toBe(403);
    expect(await again.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid authorization code' });
  });

  test('checks PKCE and the redirect_uri when it redeems a code', async ({ tenant }) => {
    tenant.users.create({ email: 'ada@example.com', password: PASSWORD });
    const verifier = 'a-verifier-that-is-long-enough-for-pkce-0123456789';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };

    const first = locationOf(await signIn(tenant, 'ada@example.com', PASSWORD, pkce)).searchParams.get('code')!;
    expect(await (await redeem(tenant, first, { code_verifier: 'wrong' })).json()).toEqual({ error: 'invalid_grant', error_description: 'Failed to verify code verifier' });
    const second = locationOf(await signIn(tenant, 'ada@example.com', PASSWORD, pkce)).searchParams.get('code')!;
    expect((await redeem(tenant, second, { code_verifier: verifier, redirect_uri: 'https://evil.example.test/' })).status).toBe(403);
    const third = locationOf(await signIn(tenant, 'ada@example.com', PASSWORD, pkce)).searchParams.get('code')!;
    expect((await redeem(tenant, third, { code_verifier: verifier })).status).toBe(200);
  });

  test('answers what it cannot send back to an application with an error page, and the rest with an error redirect', async ({ tenant }) => {
    const unknownClient = await tenant.fetch(`${tenant.origin}/authorize?${authorizeQuery(tenant, { client_id: 'someone-else' })}`);
    expect(unknownClient.status).toBe(400);
    expect(await unknownClient.text()).toContain('<strong>invalid_request</strong>: Unknown client');
    const noCallback = await tenant.fetch(`${tenant.origin}/authorize?client_id=${tenant.appClientId}&response_type=code`);
    expect(noCallback.status).toBe(400);

    const implicit = locationOf(await tenant.fetch(`${tenant.origin}/authorize?${authorizeQuery(tenant, { response_type: 'token' })}`, { redirect: 'manual' }));
    expect(Object.fromEntries(implicit.searchParams)).toMatchObject({ error: 'unsupported_response_type', state: 'app-state-1' });
    const silent = locationOf(await tenant.fetch(`${tenant.origin}/authorize?${authorizeQuery(tenant, { prompt: 'none' })}`, { redirect: 'manual' }));
    expect(silent.searchParams.get('error')).toBe('login_required');
  });
});

describe('the bound post-login Actions, run for a browser’s sign-in', () => {
  test('run through the tenant’s login runner with the /authorize request in the event, and a deny goes back as access_denied', async ({ tenant }) => {
    const user = tenant.users.create({ email: 'ada@example.com', password: PASSWORD });
    const seen: PostLoginEvent[] = [];
    const denyOnce: PostLoginActionHandler = (event, api) => {
      seen.push(event);
      api.user.setAppMetadata('seen', true);
      if (event.stats.logins_count === 1) api.access.deny('Not today');
    };
    tenant.bindActions({ postLogin: [denyOnce], secrets: { EXTRA: 'x' } });

    const denied = locationOf(await signIn(tenant, 'ada@example.com', PASSWORD, { ui_locales: 'fr-CA' }));
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: 'access_denied', error_description: 'Not today', state: 'app-state-1' });
    expect(tenant.users.get(user.user_id)!.app_metadata).toEqual({ seen: true });
    const [event] = seen;
    expect(event?.request.query).toMatchObject({ client_id: tenant.appClientId, redirect_uri: CALLBACK, ui_locales: 'fr-CA' });
    expect(JSON.stringify(event?.request)).not.toContain(PASSWORD);
    expect(event?.transaction).toMatchObject({ protocol: 'oidc-basic-profile', locale: 'fr-CA', redirect_uri: CALLBACK, state: 'app-state-1', requested_scopes: ['openid', 'profile', 'email'] });
    expect(event?.secrets).toMatchObject({ EXTRA: 'x', AUTH0_DOMAIN: tenant.domain });

    expect(locationOf(await signIn(tenant, 'ada@example.com', PASSWORD)).searchParams.has('code')).toBe(true);
  });

  test('takes Action modules, and refuses anything else naming the option', async ({ tenant, startTenant }) => {
    const onContinuePostLogin = vi.fn();
    tenant.bindActions({ postLogin: { onExecutePostLogin: () => {}, onContinuePostLogin } });
    expect(() => tenant.bindActions({ postLogin: [() => {}, { onContinuePostLogin } as never] })).toThrow(
      '[auth0-force-password-reset] localTenant.bindActions: "actions.postLogin[1]" must be a function (event, api) => Promise<void>, such as the one createFirstLoginGate() returns, or an Action module with onExecutePostLogin (and optionally onContinuePostLogin)',
    );
    expect(() => tenant.bindActions({ postChangePassword: 'clearer' as never })).toThrow('"actions.postChangePassword" must be a function');
    expect(() => tenant.bindActions({ postlogin: [] } as never)).toThrow(
      '[auth0-force-password-reset] localTenant.bindActions: "actions.postlogin" is not a known option (known: postLogin, postChangePassword, secrets)',
    );
    await expect(startTenant({ actions: { secrets: { A: 1 } } as never })).rejects.toThrow(
      '[auth0-force-password-reset] startLocalTenant: "options.actions.secrets.A" must be a string (the value is not shown)',
    );
  });
});

describe('the redirect to a page and /continue', () => {
  /** The gate with the page, the clearer, and the page (auth0-force-password-reset/page) on this tenant. */
  function bindGateAndPage(tenant: LocalTenant) {
    const gate = createFirstLoginGate({ changePasswordPage: { url: PAGE_URL }, log: false });
    const clearer = createPasswordResetClearer({ log: false });
    tenant.bindActions({ postLogin: gate, postChangePassword: clearer, secrets: { CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY } });
    // The page's own M2M application, with the scopes the page's README lists.
    const pageClient = tenant.addClient({ scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options'] });
    return createChangePasswordPage({ domain: tenant.domain, clientId: pageClient.clientId, clientSecret: pageClient.clientSecret, sessionSecret: PAGE_KEY, fetch: tenant.fetch, log: false });
  }

  /** The page's answer to a form post. */
  function postToPage(page: (request: Request) => Promise<Response>, at: URL, fields: Record<string, string>): Promise<Response> {
    return page(new Request(`${at.origin}${at.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) }));
  }

  test('sends a first login to the page (flag saved first), then /continue lets it into the application with the flag cleared', async ({ tenant }) => {
    const page = bindGateAndPage(tenant);
    const user = tenant.users.create({ email: 'ada@example.com', password: PASSWORD });

    const toPage = locationOf(await signIn(tenant, 'ada@example.com', PASSWORD));
    expect(`${toPage.origin}${toPage.pathname}`).toBe(PAGE_URL);
    expect([...toPage.searchParams.keys()]).toEqual(['session_token', 'state']);
    expect(tenant.users.get(user.user_id)!.app_metadata).toMatchObject({ needsPasswordReset: true });

    const sessionToken = toPage.searchParams.get('session_token')!;
    const state = toPage.searchParams.get('state')!;
    expect((await page(new Request(toPage))).status).toBe(200);

    // Reused: it meets the policy, so the page asks Auth0, which refuses it (password history).
    tenant.connections.setPasswordPolicy('Username-Password-Authentication', { passwordHistorySize: 3 });
    const reused = await postToPage(page, toPage, { session_token: sessionToken, state, password: PASSWORD, confirm: PASSWORD });
    expect(reused.status).toBe(400);
    // Auth0's PasswordHistoryError, said by the page in the user's words.
    expect(await reused.text()).toMatch(/role="alert">You have previously used this password\./);
    expect(tenant.triggeredPasswordChanges).toHaveLength(0);

    const changed = await postToPage(page, toPage, { session_token: sessionToken, state, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    const html = await changed.text();
    const action = /<form id="continue"[^>]*action="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
    const pageToken = /name="session_token" value="([^"]+)"/.exec(html)![1]!;
    expect(action).toBe(`http://${tenant.domain}/continue?state=${encodeURIComponent(state)}`);

    // The PATCH fired post-change-password in the background: the clearer.
    const [run] = tenant.triggeredPasswordChanges;
    expect(await run!.completion).toEqual({ ok: true });

    const back = locationOf(await tenant.fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ session_token: pageToken }), redirect: 'manual' }));
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    expect([...back.searchParams.keys()]).toEqual(['code', 'state']);
    expect(back.searchParams.get('state')).toBe('app-state-1');
    expect(tenant.users.get(user.user_id)).toMatchObject({ logins_count: 1, app_metadata: { needsPasswordReset: false } });
    expect(tenant.users.verifyPassword(user.user_id, NEW_PASSWORD)).toBe(true);
    // Auth0's refusal, the page's change, and the clearer's write.
    expect(tenant.counts()).toMatchObject({ authorize: 1, continue: 1, patchUser: 3 });

    // The next sign-in goes straight through.
    expect(locationOf(await signIn(tenant, 'ada@example.com', NEW_PASSWORD)).searchParams.has('code')).toBe(true);
  });

  test('denies at /continue when the token is not the page’s, and answers invalid_request for a missing, unknown or reused state', async ({ tenant }) => {
    bindGateAndPage(tenant);
    tenant.users.create({ email: 'ada@example.com', password: PASSWORD });
    const toPage = locationOf(await signIn(tenant, 'ada@example.com', PASSWORD));
    const state = toPage.searchParams.get('state')!;

    // The gate's own token, sent straight back, is not a password-change token.
    const forged = await tenant.fetch(`${tenant.origin}/continue?state=${encodeURIComponent(state)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session_token: toPage.searchParams.get('session_token')! }),
      redirect: 'manual',
    });
    const denied = locationOf(forged);
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('app-state-1');

    for (const query of ['', `?state=${encodeURIComponent(state)}`, '?state=forged']) {
      const refused = await tenant.fetch(`${tenant.origin}/continue${query}`, { method: 'POST', redirect: 'manual' });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain('<strong>invalid_request</strong>');
    }
  });

  test('GET /continue gives onContinuePostLogin the request’s method and query, and runs the Actions after it', async ({ tenant }) => {
    tenant.users.create({ email: 'ada@example.com', password: PASSWORD });
    const resumed: PostLoginEvent['request'][] = [];
    const after = vi.fn<PostLoginActionHandler>();
    tenant.bindActions({
      postLogin: [
        { onExecutePostLogin: (_event, api) => void api.redirect.sendUserTo('https://terms.example.test/'), onContinuePostLogin: (event) => void resumed.push(event.request) },
        after,
      ],
    });
    const state = locationOf(await signIn(tenant, 'ada@example.com', PASSWORD)).searchParams.get('state')!;
    expect(after).not.toHaveBeenCalled();

    const back = locationOf(await tenant.fetch(`${tenant.origin}/continue?state=${encodeURIComponent(state)}&accepted=yes`, { redirect: 'manual' }));
    expect(back.searchParams.has('code')).toBe(true);
    expect(resumed).toEqual([expect.objectContaining({ method: 'GET', query: { accepted: 'yes', state }, body: {} })]);
    expect(after).toHaveBeenCalledTimes(1);
  });
});

describe('addClient: another M2M application with its own scopes', () => {
  test('gets tokens with its scopes only, and the wrong secret gets none', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:users', 'update:users_app_metadata'] });
    const user = tenant.users.create({ email: 'ada@example.com' });
    const page = tenant.addClient({ scopes: ['update:users'] });
    const tokenFor = (clientId: string, clientSecret: string) =>
      tenant.fetch(`${tenant.origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience: `https://${tenant.domain}/api/v2/` }),
      });
    expect((await tokenFor(page.clientId, tenant.clientSecret)).status).toBe(401);
    const issued = (await (await tokenFor(page.clientId, page.clientSecret)).json()) as { access_token: string; scope: string };
    expect(issued.scope).toBe('update:users');
    expect(claimsOf(issued.access_token)).toMatchObject({ sub: `${page.clientId}@clients`, azp: page.clientId });

    const path = `/users/${encodeURIComponent(user.user_id)}`;
    expect((await managementRequest(tenant, issued.access_token, 'PATCH', path, { password: NEW_PASSWORD })).status).toBe(200);
    expect((await managementRequest(tenant, issued.access_token, 'GET', path)).status).toBe(403);
    // The first client keeps its narrower scopes: no password.
    expect((await managementRequest(tenant, await accessTokenOf(tenant), 'PATCH', path, { password: 'An0ther-Passw0rd' })).status).toBe(403);
    expect(() => tenant.addClient({ scopes: 'update:users' as never })).toThrow('"options.scopes" must be an array of scope names without spaces (got "update:users")');
  });
});

describe('PATCH /api/v2/users/{id} with a password', () => {
  test('runs the bound post-change-password Actions after answering, and a metadata-only PATCH does not', async ({ tenant }) => {
    const user = tenant.users.create({ email: 'ada@example.com' });
    const order: string[] = [];
    tenant.bindActions({ postChangePassword: { onExecutePostChangePassword: (event) => void order.push(`trigger ${event.user.user_id}`) } });
    const token = await accessTokenOf(tenant);

    const response = await managementRequest(tenant, token, 'PATCH', `/users/${encodeURIComponent(user.user_id)}`, { password: NEW_PASSWORD, connection: 'Username-Password-Authentication' });
    order.push(`answered ${response.status}`);
    await managementRequest(tenant, token, 'PATCH', `/users/${encodeURIComponent(user.user_id)}`, { app_metadata: { a: 1 } });
    const runs = tenant.triggeredPasswordChanges;
    expect(runs).toHaveLength(1);
    expect(await runs[0]!.completion).toEqual({ ok: true });
    expect(order).toEqual(['answered 200', `trigger ${user.user_id}`]);
    expect(runs[0]!.event.user).not.toHaveProperty('app_metadata');
  });
});
