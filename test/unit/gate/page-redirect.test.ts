import { describe, expect, it } from 'vitest';
import type { PostLoginApi, PostLoginEvent } from '../../../src/auth0/post-login.js';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { FirstLoginGateOptions } from '../../../src/gate/options.js';
import { signHs256, verifyHs256 } from '../../../src/internal/jwt.js';
import type { LogEntry } from '../../../src/internal/log.js';
import { buildPostLoginEvent, type DeepPartial } from '../../../src/testing/events.js';
import { createPostLoginApi, type RecordingPostLoginApi } from '../../../src/testing/recording-api.js';

/**
 * The gate's half of the change-password page (issue 12): the redirect instead of a deny, and
 * `onContinuePostLogin` on the way back, against the toolkit's `api.redirect` (Auth0's rules).
 */
const KEY = 'k'.repeat(48);
const PAGE = 'https://login-help.example.com/change-password';
const FLAGGED_AT = '2026-02-01T00:00:00.000Z';

function setup(options: FirstLoginGateOptions = {}, overrides: DeepPartial<PostLoginEvent> = {}) {
  const logs: LogEntry[] = [];
  const gate = createFirstLoginGate({ changePasswordPage: { url: PAGE }, log: (entry) => void logs.push(entry), ...options });
  const event = buildPostLoginEvent({ secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY }, ...overrides });
  const api = createPostLoginApi({ event });
  return { gate, event, api, logs };
}

/** The session token of the redirect, verified with the shared key. */
const sessionOf = (api: RecordingPostLoginApi) => {
  const token = new URL(api.redirectedTo!.url).searchParams.get('session_token');
  const verified = verifyHs256(token, KEY, Math.floor(Date.now() / 1000));
  if ('refused' in verified) throw new Error(`token refused: ${verified.refused}`);
  return verified.claims;
};

describe('the redirect to the change-password page', () => {
  it('sends a first login to the page with a signed token, writes the flag, and does not deny', async () => {
    const { gate, event, api, logs } = setup({}, { transaction: { locale: 'fr-CA' } });
    await gate(event, api);
    expect(api.denials).toEqual([]);
    expect(api.appMetadataWrites.map(([key]) => key)).toEqual(['needsPasswordReset', 'needsPasswordResetAt']);
    const target = new URL(api.redirectedTo!.url);
    expect(`${target.origin}${target.pathname}`).toBe(PAGE);
    expect([...target.searchParams.keys()]).toEqual(['session_token', 'state']);
    const claims = sessionOf(api);
    expect(claims).toMatchObject({
      sub: event.user.user_id,
      iss: event.request.hostname,
      purpose: 'afpr:change-password',
      connection: 'Username-Password-Authentication',
      host: event.request.hostname,
      flag: 'needsPasswordReset',
      since: api.pendingAppMetadata['needsPasswordResetAt'],
      reason: 'first-login',
      locale: 'fr-CA',
    });
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(600);
    // The token travels in a URL: nothing personal in it.
    expect(Object.keys(claims)).not.toContain('email');
    expect(logs).toEqual([expect.objectContaining({ decision: 'redirect', reason: 'first-login', page: 'sent' })]);
  });

  it('sends a flagged user, with the obligation’s start and the configured lifetime', async () => {
    const { gate, event, api } = setup(
      { changePasswordPage: { url: PAGE, secret: 'PAGE_KEY', expiresInSeconds: 120 } },
      { stats: { logins_count: 4 }, user: { app_metadata: { needsPasswordReset: true, needsPasswordResetAt: FLAGGED_AT } }, secrets: { PAGE_KEY: KEY } },
    );
    await gate(event, api);
    expect(api.denials).toEqual([]);
    const claims = sessionOf(api);
    expect(claims).toMatchObject({ reason: 'flagged', since: FLAGGED_AT });
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(120);
  });

  it('sends a user the breach cut-off stops, and lets them back in after the change on the page', async () => {
    const cutOff = new Date(Date.now() - 60_000).toISOString();
    const { gate, event, api, logs } = setup({ passwordsSetBefore: cutOff }, { stats: { logins_count: 12 } });
    await gate(event, api);
    expect(api.denials).toEqual([]);
    expect(api.appMetadataWrites).toEqual([]);
    expect(sessionOf(api)).toMatchObject({ reason: 'passwords-set-before', since: cutOff });
    expect(logs[0]).toMatchObject({ decision: 'redirect', reason: 'passwords-set-before' });

    // Back from the page: the page's change is after the cut-off, so the rule no longer stops the login.
    const iat = Math.floor(Date.now() / 1000);
    const state = api.redirectedTo!.state;
    const back = buildPostLoginEvent({ stats: { logins_count: 12 }, secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY }, request: { query: { state }, body: {} } });
    back.request.body = {
      session_token: signHs256({ sub: back.user.user_id, iss: back.request.hostname, iat, exp: iat + 60, state, purpose: 'afpr:password-changed', password_changed_at: new Date().toISOString() }, KEY),
    };
    const continued = createPostLoginApi({ event: back });
    await gate.onContinuePostLogin(back, continued);
    expect(continued.denials).toEqual([]);
    expect(logs[1]).toMatchObject({ decision: 'allow', reason: 'page-password-changed' });
  });

  it.each([
    ['a refresh-token exchange', { transaction: { protocol: 'oauth2-refresh-token' } }, 'not-possible'],
    ['a password grant', { transaction: { protocol: 'oauth2-password' } }, 'not-possible'],
    ['silent authentication', { transaction: { prompt: ['none'] } }, 'not-possible'],
    ['a login without the secret', { secrets: {} }, 'secret-unusable'],
    ['a login whose secret is 31 bytes', { secrets: { CHANGE_PASSWORD_PAGE_SECRET: 'x'.repeat(31) } }, 'secret-unusable'],
  ] as const)('denies %s as without the page, saying why', async (_name, overrides, outcome) => {
    const { gate, event, api, logs } = setup({}, overrides as DeepPartial<PostLoginEvent>);
    await gate(event, api);
    expect(api.denials).toEqual(['Please reset your password!']);
    expect(api.redirectedTo).toBeUndefined();
    expect(logs[0]).toMatchObject({ decision: 'deny', reason: 'first-login', page: outcome });
    expect(JSON.stringify(logs)).not.toContain('x'.repeat(31));
  });

  it('never redirects a login the obligation does not stop, nor in report mode', async () => {
    const returning = setup({}, { stats: { logins_count: 9 } });
    await returning.gate(returning.event, returning.api);
    expect(returning.api.redirectedTo).toBeUndefined();
    const report = setup({ mode: 'report' });
    await report.gate(report.event, report.api);
    expect(report.api.redirectedTo).toBeUndefined();
    expect(report.api.denials).toEqual([]);
  });

  it('denies a login whose host is unknown: the page could not send the user back', async () => {
    const { gate, event, api, logs } = setup();
    delete (event.request as { hostname?: string }).hostname;
    await gate(event, api);
    expect(api.redirectedTo).toBeUndefined();
    expect(api.denials).toEqual(['Please reset your password!']);
    expect(logs).toEqual([expect.objectContaining({ decision: 'deny', page: 'not-possible' })]);
  });

  it('denies, and never throws, when api.redirect fails', async () => {
    const { gate, event, api, logs } = setup();
    Object.assign(api.redirect, { encodeToken: () => { throw new TypeError(`bad url ${KEY}`); } });
    await expect(gate(event, api)).resolves.toBeUndefined();
    expect(api.denials).toEqual(['Please reset your password!']);
    expect(logs[0]).toMatchObject({ page: 'failed', detail: 'api.redirect failed (TypeError)' });
    expect(JSON.stringify(logs)).not.toContain(KEY);
  });

  it('emails the reset link instead only when the page could not be used', async () => {
    const sent: string[] = [];
    const transport: typeof fetch = async (input) => {
      sent.push(String(input));
      return new Response(null, { status: 200 });
    };
    const page = setup({ sendResetEmail: true, fetch: transport });
    await page.gate(page.event, page.api);
    expect(sent).toEqual([]);
    const noSecret = setup({ sendResetEmail: true, fetch: transport }, { secrets: {} });
    await noSecret.gate(noSecret.event, noSecret.api);
    expect(sent).toHaveLength(1);
  });

  it.each([
    [{ url: 'http://login-help.example.com/x' }, '"options.changePasswordPage.url" must be an https:// URL (http:// only for a loopback host such as 127.0.0.1) (got "http://login-help.example.com/x")'],
    [{ url: 'https://user:hunter2@login-help.example.com/' }, '"options.changePasswordPage.url" must not hold credentials (the value is not shown)'],
    // Named, never quoted: a fragment may hold a token.
    [{ url: 'https://login-help.example.com/#access_token=t0k3n' }, '"options.changePasswordPage.url" must not have a #fragment (Auth0 adds the state to the query)'],
    [{ url: PAGE, expiresInSeconds: 5 }, '"options.changePasswordPage.expiresInSeconds" must be an integer from 60 to 3600 (seconds) (got 5)'],
    [{ url: PAGE, secret: '' }, '"options.changePasswordPage.secret" must be the name of an Action secret (got "")'],
    [{ url: PAGE, key: 'x' }, '"options.changePasswordPage.key" is not a known option (known: url, secret, expiresInSeconds)'],
    ['https://x', '"options.changePasswordPage" must be { url, secret?, expiresInSeconds? } (got "https://x")'],
  ])('rejects changePasswordPage %j with an exact message', (changePasswordPage, expected) => {
    expect(() => createFirstLoginGate({ changePasswordPage } as never)).toThrow(`[auth0-force-password-reset] createFirstLoginGate: ${expected}`);
  });

  it.each(['https://user:s3cret@login help.example.com/', 'http://login-help.example.com/x?key=k3y'])(
    'names a page URL that may hold credentials or a key, and never quotes it: %s',
    (url) => {
      expect(() => createFirstLoginGate({ changePasswordPage: { url } })).toThrow(
        /"options\.changePasswordPage\.url" must be an https:\/\/ URL \(http:\/\/ only for a loopback host such as 127\.0\.0\.1\)$/,
      );
    },
  );

  it('names a page URL with a #fragment and never quotes it: a fragment may hold a token', () => {
    const create = () => createFirstLoginGate({ changePasswordPage: { url: 'https://login-help.example.com/#access_token=t0k3n' } });
    expect(create).toThrow(/"options\.changePasswordPage\.url" must not have a #fragment \(Auth0 adds the state to the query\)$/);
    expect(create).not.toThrow('t0k3n');
  });

  it('accepts plain http:// for a loopback page, and sends the first login there', async () => {
    const loopback = 'http://127.0.0.1:4000/change-password';
    const { gate, event, api } = setup({ changePasswordPage: { url: loopback }, log: false });
    await gate(event, api);
    const target = new URL(api.redirectedTo!.url);
    expect(`${target.origin}${target.pathname}`).toBe(loopback);
    expect(api.denials).toEqual([]);
  });
});

describe('onContinuePostLogin: back from the page', () => {
  const STATE = 'state-from-auth0';

  /** The event Auth0 hands onContinuePostLogin: the flag saved before the redirect, the page's token posted. */
  function back(claims: Record<string, unknown>, options: FirstLoginGateOptions = {}, appMetadata: PostLoginEvent['user']['app_metadata'] = { needsPasswordReset: true, needsPasswordResetAt: FLAGGED_AT }) {
    const { gate, logs } = setup(options);
    const event = buildPostLoginEvent({ stats: { logins_count: 1 }, user: { app_metadata: appMetadata }, secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY } });
    const iat = Math.floor(Date.now() / 1000);
    const token = signHs256({ sub: event.user.user_id, iss: event.request.hostname, iat, exp: iat + 60, state: STATE, purpose: 'afpr:password-changed', password_changed_at: '2026-02-02T00:00:00.000Z', ...claims }, KEY);
    event.request.query = { state: STATE };
    event.request.body = { session_token: token };
    return { gate, event, api: createPostLoginApi({ event }), logs };
  }

  it('lets the login go on and clears the flag when the page changed the password after the obligation began', async () => {
    const { gate, event, api, logs } = back({});
    await gate.onContinuePostLogin(event, api);
    expect(api.denials).toEqual([]);
    expect(api.appMetadataWrites).toEqual([['needsPasswordReset', false]]);
    expect(logs).toEqual([expect.objectContaining({ decision: 'allow', reason: 'page-password-changed', wrote: ['needsPasswordReset'] })]);
  });

  it.each([
    ['a change that predates the obligation', { password_changed_at: '2026-01-31T00:00:00.000Z' }, 'page-change-too-early'],
    ['a token from the gate, not the page', { purpose: 'afpr:change-password' }, 'page-token-invalid'],
    ['another user’s token', { sub: 'auth0|someone-else' }, 'page-token-invalid'],
    ['a token for another transaction', { state: 'another-state' }, 'page-token-invalid'],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 60 }, 'page-token-invalid'],
    ['a change time that is not a time', { password_changed_at: '2026-13-01T00:00:00.000Z' }, 'page-token-invalid'],
  ])('denies %s, with a log line saying which', async (_name, claims, reason) => {
    const { gate, event, api, logs } = back(claims);
    await expect(gate.onContinuePostLogin(event, api)).resolves.toBeUndefined();
    expect(api.denials).toEqual(['Please reset your password!']);
    expect(api.appMetadataWrites).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ decision: 'deny', reason })]);
  });

  it('denies a forged token (another key) and a missing one', async () => {
    const forged = back({});
    forged.event.request.body = { session_token: signHs256({ sub: forged.event.user.user_id, exp: 2e9, state: STATE }, 'x'.repeat(48)) };
    await forged.gate.onContinuePostLogin(forged.event, forged.api);
    expect(forged.logs[0]).toMatchObject({ decision: 'deny', reason: 'page-token-invalid', detail: expect.stringMatching(/^The session token is invalid: Failed signature/) });
    const missing = back({});
    missing.event.request.body = {};
    await missing.gate.onContinuePostLogin(missing.event, missing.api);
    expect(missing.logs[0]).toMatchObject({ decision: 'deny', reason: 'page-token-invalid' });
    expect(missing.api.denials).toHaveLength(1);
  });

  it('denies without a configured page, and with an unusable secret', async () => {
    const { event, api } = back({});
    const logs: LogEntry[] = [];
    await createFirstLoginGate({ log: (entry) => void logs.push(entry) }).onContinuePostLogin(event, api);
    expect(logs[0]).toMatchObject({ decision: 'deny', reason: 'page-not-configured' });
    event.secrets = {};
    const withPage = back({});
    withPage.event.secrets = {};
    await withPage.gate.onContinuePostLogin(withPage.event, withPage.api);
    expect(withPage.logs[0]).toMatchObject({ decision: 'deny', reason: 'page-secret-unusable', detail: expect.stringMatching(/^Action secret CHANGE_PASSWORD_PAGE_SECRET is/) });
  });

  it('never throws, whatever the api does', async () => {
    const { gate, event, logs } = back({});
    const broken = { redirect: { validateToken: () => { throw new Error('boom'); } }, access: { deny: () => { throw new Error('no deny'); } } } as unknown as PostLoginApi;
    await expect(gate.onContinuePostLogin(event, broken)).resolves.toBeUndefined();
    // It decided to deny (the token could not be checked), tried, and said that the deny failed.
    expect(logs).toEqual([
      expect.objectContaining({ decision: 'deny', reason: 'page-token-invalid', detail: 'boom' }),
      expect.objectContaining({ decision: 'warn', reason: 'deny-failed', detail: 'Error: no deny' }),
    ]);
  });

  it('is a named function, exported next to the handler', () => {
    const gate = createFirstLoginGate({ log: false });
    expect(gate.name).toBe('onExecutePostLogin');
    expect(gate.onContinuePostLogin.name).toBe('onContinuePostLogin');
  });
});
