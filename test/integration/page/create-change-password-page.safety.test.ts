import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { LogEntry } from '../../../src/internal/log.js';
import { createChangePasswordPage } from '../../../src/page/create-change-password-page.js';
import type { ChangePasswordPageOptions } from '../../../src/page/options.js';
import { createRedisSessionStore } from '../../../src/page/redis-session-store.js';
import { createMemorySessionStore, type PageSessionStore } from '../../../src/page/session-store.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { buildPostLoginEvent } from '../../../src/testing/events.js';
import { createPostLoginApi } from '../../../src/testing/recording-api.js';
import { tenantTest as it } from '../../helpers/local-tenant.js';
import { INITIAL_PASSWORD, PAGE_KEY, PAGE_URL, setUpPage } from '../../helpers/page-session.js';
import { redisTestsRun, startRedisServer, type RedisServer } from '../../helpers/redis-server.mjs';

/**
 * The change-password page under attack (issue 19): what an attacker with one valid link, a fast
 * client or a hostile request can make of it, and what a custom domain needs. Each test here failed
 * on the page as it was before that issue.
 */
const KEY = PAGE_KEY;
const PAGE = PAGE_URL;
const PASSWORD = 'Brand-New-Passw0rd';
const INITIAL = INITIAL_PASSWORD;
const CUSTOM_DOMAIN = 'login.example.test';

/** The page and its user; sessions begin a minute ago, as the gate's first login. */
const setup = (tenant: LocalTenant, options: Partial<ChangePasswordPageOptions> = {}) => setUpPage(tenant, options);

const formPost = (fields: Record<string, string>) =>
  new Request(PAGE, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams(fields).toString(),
  });

/** The action of the form that sends the browser back to `/continue`, if the answer has one. */
const continueActionOf = (html: string) => /<form id="continue" method="post" action="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');

/** The other spellings of a base64url signature: its last character carries unused low bits. */
function respellings(token: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(token.at(-1)!);
  // 32 bytes in 43 characters of 6 bits: the last one holds 4 bits of the signature and 2 unused ones.
  return [0, 1, 2, 3].map((low) => `${token.slice(0, -1)}${alphabet[(last & ~0b11) | low]}`).filter((other) => other !== token);
}

describe('1. one link, one password: the store is keyed on what the signature covers', () => {
  it('refuses a used link spelled another way, and gives it no fresh attempts', async ({ tenant }) => {
    const { page, session, logs } = setup(tenant);
    const token = session();
    expect((await page(formPost({ session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD }))).status).toBe(200);
    const others = respellings(token);
    expect(others).toHaveLength(3);
    for (const other of others) {
      const replay = await page(formPost({ session_token: other, state: 's', password: `${PASSWORD}-${other.at(-1)}`, confirm: `${PASSWORD}-${other.at(-1)}` }));
      expect(replay.status).toBe(400);
    }
    expect(tenant.counts().patchUser).toBe(1);
    expect(logs.filter((entry) => entry.decision === 'change')).toHaveLength(1);
  });

  it('refuses a fresh link spelled another way before anything is counted', async ({ tenant }) => {
    const { page, session, logs } = setup(tenant);
    const [other] = respellings(session());
    const response = await page(new Request(`${PAGE}?${new URLSearchParams({ session_token: other!, state: 's' })}`));
    expect(response.status).toBe(400);
    expect(logs).toEqual([expect.objectContaining({ decision: 'refuse', reason: 'session-invalid' })]);
  });
});

describe('the session store around a change: what it is told, and what a failure of it costs', () => {
  /** The memory store, with what the page asks of it recorded, and `spend` failing when `failSpend` says so. */
  function recordingStore(failSpend = () => false) {
    const store = createMemorySessionStore();
    const claims: number[] = [];
    const spends: number[] = [];
    const recorded: PageSessionStore = {
      claim: (key, expiresAt) => (claims.push(expiresAt), store.claim(key, expiresAt)),
      release: (key) => store.release(key),
      spend: (key, expiresAt) => {
        spends.push(expiresAt);
        if (failSpend()) throw new Error('the store is down');
        return store.spend(key, expiresAt);
      },
      isSpent: (key) => store.isSpent(key),
      countAttempt: (key, change, expiresAt) => store.countAttempt(key, change, expiresAt),
    };
    return { store: recorded, claims, spends };
  }

  it('claims for two minutes at most, whatever the link has left, so a claim that is never given back does not hold the link', async ({ tenant }) => {
    const { store, claims } = recordingStore();
    const { page, session } = setup(tenant, { sessionStore: store });
    const before = Date.now();
    const answer = await page(formPost({ session_token: session(), state: 's', password: PASSWORD, confirm: PASSWORD }));
    expect(continueActionOf(await answer.text())).toBeDefined();
    expect(claims).toHaveLength(1);
    expect(claims[0]).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(claims[0]).toBeGreaterThanOrEqual(before + 120_000);
  });

  it('keeps a spent link spent for as long as its token is accepted: past exp, by the clock tolerance', async ({ tenant }) => {
    const { store, spends } = recordingStore();
    const { page, session } = setup(tenant, { sessionStore: store });
    const exp = Math.floor(Date.now() / 1000) + 300;
    await page(formPost({ session_token: session({ exp }), state: 's', password: PASSWORD, confirm: PASSWORD }));
    expect(spends).toEqual([(exp + 5) * 1000]);
  });

  it('a store that fails after the password is set: the user goes on, the log says it changed, and the link sets no second password', async ({ tenant }) => {
    let failing = true;
    const { store } = recordingStore(() => failing);
    const { page, session, userId, logs } = setup(tenant, { sessionStore: store });
    const token = session();
    const answer = await page(formPost({ session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD }));
    expect(answer.status).toBe(200);
    expect(continueActionOf(await answer.text())).toBeDefined();
    expect(tenant.users.verifyPassword(userId, PASSWORD)).toBe(true);
    expect(logs.map(({ decision, reason }) => `${decision} ${reason}`)).toEqual(expect.arrayContaining(['change password-changed', 'warn store-spend-failed']));

    failing = false;
    const again = await page(formPost({ session_token: token, state: 's', password: `${PASSWORD}2`, confirm: `${PASSWORD}2` }));
    expect(continueActionOf(await again.text())).toBeUndefined();
    expect(tenant.counts().patchUser).toBe(1);
    expect(logs.at(-1)).toEqual(expect.objectContaining({ decision: 'refuse', reason: 'session-obligation-met' }));
  });
});

describe('2. parallel requests: claimed before Auth0 is asked, counted before it answers', () => {
  it('sets the password once for 10 parallel POSTs of one link, and sends one way back', async ({ tenant }) => {
    const { page, session, userId } = setup(tenant);
    const token = session();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => page(formPost({ session_token: token, state: 's', password: `${PASSWORD}${index}`, confirm: `${PASSWORD}${index}` }))),
    );
    const pages = await Promise.all(answers.map((answer) => answer.text()));
    const wayBack = pages.filter((html) => continueActionOf(html) !== undefined);
    expect(wayBack).toHaveLength(1);
    expect(tenant.counts().patchUser).toBe(1);
    const chosen = Array.from({ length: 10 }, (_, index) => `${PASSWORD}${index}`).filter((password) => tenant.users.verifyPassword(userId, password));
    expect(chosen).toHaveLength(1);
  });

  it('lets at most maxAttempts of 20 parallel attempts that Auth0 refuses reach the Management API', async ({ tenant }) => {
    const { page, session } = setup(tenant, { maxAttempts: 3 });
    const token = session();
    // INITIAL meets the policy, so only Auth0 (its password history) refuses it.
    const answers = await Promise.all(Array.from({ length: 20 }, () => page(formPost({ session_token: token, state: 's', password: INITIAL, confirm: INITIAL }))));
    expect(answers.every((answer) => answer.status >= 400)).toBe(true);
    expect(tenant.counts().patchUser).toBeLessThanOrEqual(3);
    expect(tenant.counts().patchUser).toBeGreaterThanOrEqual(1);
    // And after them, sequentially: the session is locked once maxAttempts were counted.
    for (let attempt = 0; attempt < 3; attempt += 1) await page(formPost({ session_token: token, state: 's', password: INITIAL, confirm: INITIAL }));
    expect(tenant.counts().patchUser).toBeLessThanOrEqual(3);
  });
});

describe('3. the form limit holds without Content-Length', () => {
  it('stops reading a chunked body at the limit and answers 413', async ({ tenant }) => {
    const { page } = setup(tenant);
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 64 * 1024 * 1024) return controller.close();
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const request = new Request(PAGE, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    const response = await page(request);
    expect(response.status).toBe(413);
    // One chunk past the 16 KB limit at most (a stream may have queued one more).
    expect(pulled).toBeLessThanOrEqual(3 * chunk.length);
  });
});

describe('4. the password PATCH is sent once', () => {
  it('after a 5xx that did not take effect: not retried, not counted as the user’s failure, the session still open', async ({ tenant }) => {
    const { page, session, userId } = setup(tenant, { maxAttempts: 2 });
    const token = session();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      tenant.faults.serverError('patchUser');
      const answer = await page(formPost({ session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD }));
      expect(answer.status).toBe(503);
      expect(await answer.text()).toContain('could not be set just now');
    }
    expect(tenant.counts().patchUser).toBe(3);
    // Three failures of Auth0's, none of the user's: with maxAttempts 2 the session is not locked.
    const done = await page(formPost({ session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD }));
    expect(done.status).toBe(200);
    expect(tenant.users.verifyPassword(userId, PASSWORD)).toBe(true);
  });

  it('when the user cannot be read first: nothing set, nothing counted against the user', async ({ tenant }) => {
    const { page, session, userId, logs } = setup(tenant, { maxAttempts: 1 });
    const token = session();
    // One GET for the form is fine; the POST's read of the user fails three times (the client's retries).
    tenant.faults.serverError('getUser', { times: 3 });
    const answer = await page(formPost({ session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD }));
    expect(answer.status).toBe(503);
    expect(tenant.counts().patchUser).toBe(0);
    expect(logs.at(-1)).toMatchObject({ decision: 'fail', reason: 'set-password-failed', detail: expect.stringMatching(/^read user: /) });
    // maxAttempts 1, yet the next attempt goes through: the failed read was not counted.
    expect((await page(formPost({ session_token: token, state: 's', password: PASSWORD, confirm: PASSWORD }))).status).toBe(200);
    expect(tenant.users.verifyPassword(userId, PASSWORD)).toBe(true);
  });

  it.for([
    ['a 5xx', 'serverError'],
    ['a dropped connection', 'drop'],
    ['a timeout', 'hang'],
  ] as const)('after %s that did take effect: the page finds out, and the user goes on', async ([, fault], { tenant }) => {
    const { page, session, userId, logs } = setup(tenant);
    tenant.faults[fault]('patchUser', { afterEffect: true });
    const answer = await page(formPost({ session_token: session(), state: 's', password: PASSWORD, confirm: PASSWORD }));
    const html = await answer.text();
    expect(answer.status).toBe(200);
    expect(continueActionOf(html)).toBeDefined();
    expect(tenant.counts().patchUser).toBe(1);
    expect(tenant.users.verifyPassword(userId, PASSWORD)).toBe(true);
    expect(logs.at(-1)).toMatchObject({ decision: 'change', reason: 'password-changed' });
  });
});

describe('5. custom domains: back to the host the user signs in on', () => {
  it('sends the browser to the login host of the session, not to iss', async ({ tenant }) => {
    const { page, session } = setup(tenant, { allowedHosts: [tenant.domain, CUSTOM_DOMAIN] });
    const answer = await page(formPost({ session_token: session({ host: CUSTOM_DOMAIN }), state: 'st', password: PASSWORD, confirm: PASSWORD }));
    expect(continueActionOf(await answer.text())).toBe(`https://${CUSTOM_DOMAIN}/continue?state=st`);
  });

  it('refuses a login host outside allowedHosts, whatever iss says', async ({ tenant }) => {
    const { page, session, logs } = setup(tenant);
    const answer = await page(new Request(`${PAGE}?${new URLSearchParams({ session_token: session({ host: 'attacker.example' }), state: 's' })}`));
    expect(answer.status).toBe(400);
    expect(logs).toEqual([expect.objectContaining({ decision: 'refuse', reason: 'session-host-not-allowed' })]);
  });

  it('brings a sign-in on the custom domain back to it, end to end on the local tenant', async ({ startTenant }) => {
    const tenant = await startTenant({ customDomain: CUSTOM_DOMAIN });
    const { page, userId } = setup(tenant, { allowedHosts: [tenant.domain, `https://${CUSTOM_DOMAIN}`] });
    const seen: string[] = [];
    const gate = createFirstLoginGate({ log: false, changePasswordPage: { url: PAGE } });
    tenant.bindActions({
      postLogin: [
        Object.assign(async (event: Parameters<typeof gate>[0], api: Parameters<typeof gate>[1]) => {
          seen.push(`login on ${event.request.hostname}`);
          return gate(event, api);
        }, {
          onContinuePostLogin: async (event: Parameters<typeof gate>[0], api: Parameters<typeof gate>[1]) => {
            seen.push(`continue on ${event.request.hostname}`);
            return gate.onContinuePostLogin(event, api);
          },
        }),
      ],
      secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY },
    });
    const callback = 'https://app.example.test/callback';
    const query = new URLSearchParams({ client_id: tenant.appClientId, redirect_uri: callback, response_type: 'code', scope: 'openid', state: 'app' });
    // The browser signs in on the custom domain.
    const signIn = await tenant.fetch(`https://${CUSTOM_DOMAIN}/authorize?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'ada@example.com', password: INITIAL }),
      redirect: 'manual',
    });
    const toPage = new URL(signIn.headers.get('location')!);
    const claims = JSON.parse(Buffer.from(toPage.searchParams.get('session_token')!.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    // Auth0's iss is the tenant's domain; only the gate's own claim names the host of the login.
    expect(claims).toMatchObject({ iss: tenant.domain, host: CUSTOM_DOMAIN });
    const fields = toPage.searchParams;
    const done = await page(formPost({ session_token: fields.get('session_token')!, state: fields.get('state')!, password: PASSWORD, confirm: PASSWORD }));
    const html = await done.text();
    const action = continueActionOf(html)!;
    expect(action).toBe(`https://${CUSTOM_DOMAIN}/continue?state=${encodeURIComponent(fields.get('state')!)}`);
    const back = await tenant.fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ session_token: /name="session_token" value="([^"]+)"/.exec(html)![1]! }),
      redirect: 'manual',
    });
    const toApp = new URL(back.headers.get('location')!);
    expect(`${toApp.origin}${toApp.pathname}`).toBe(callback);
    expect(toApp.searchParams.get('code')).toBeTruthy();
    expect(seen).toEqual([`login on ${CUSTOM_DOMAIN}`, `continue on ${CUSTOM_DOMAIN}`]);
    expect(tenant.users.get(userId)!.app_metadata['needsPasswordReset']).toBe(false);
  });

  it('takes allowedHosts as https:// URLs too, as users paste them: their hosts are allowed, no other', async ({ tenant }) => {
    const { page, session } = setup(tenant, { allowedHosts: ['https://login.example.test/', 'HTTPS://Acme.EU.Auth0.com'] });
    const formFor = (host: string) => page(new Request(`${PAGE}?${new URLSearchParams({ session_token: session({ host }), state: 's' })}`));
    expect((await formFor('acme.eu.auth0.com')).status).toBe(200);
    expect((await formFor('attacker.example')).status).toBe(400);
    const answer = await page(formPost({ session_token: session({ host: CUSTOM_DOMAIN }), state: 'st', password: PASSWORD, confirm: PASSWORD }));
    expect(continueActionOf(await answer.text())).toBe(`https://${CUSTOM_DOMAIN}/continue?state=st`);
  });
});

describe('6. no personal data in the URL', () => {
  it('puts no email in the session token, and the page still shows the account', async ({ tenant }) => {
    const { page, userId } = setup(tenant);
    const gate = createFirstLoginGate({ log: false, changePasswordPage: { url: PAGE } });
    const login = await tenant.runLogin(userId, gate, { secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY } });
    const url = login.redirect!.url;
    const token = new URL(url).searchParams.get('session_token')!;
    const payload = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
    expect(payload).not.toContain('ada@example.com');
    expect(payload).not.toMatch(/"email"/);
    const html = await (await page(new Request(url))).text();
    expect(html).toContain('value="ada@example.com"');
  });
});

describe('7. strict tokens', () => {
  it('refuses a session token whose header has crit', async ({ tenant }) => {
    const { page, session, logs } = setup(tenant);
    const [, claims] = session().split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', crit: ['exp'] })).toString('base64url');
    const { createHmac } = await import('node:crypto');
    const token = `${header}.${claims}.${createHmac('sha256', KEY).update(`${header}.${claims}`).digest('base64url')}`;
    const response = await page(new Request(`${PAGE}?${new URLSearchParams({ session_token: token, state: 's' })}`));
    expect(response.status).toBe(400);
    expect(logs).toEqual([expect.objectContaining({ decision: 'refuse', reason: 'session-invalid' })]);
  });

  /** onContinuePostLogin with a token that an Auth0 checking less than the docs say would pass on. */
  async function continueWith(claims: Record<string, unknown>) {
    const logs: LogEntry[] = [];
    const gate = createFirstLoginGate({ changePasswordPage: { url: PAGE }, log: (entry) => void logs.push(entry) });
    const event = buildPostLoginEvent({
      stats: { logins_count: 1 },
      user: { app_metadata: { needsPasswordReset: true, needsPasswordResetAt: '2026-02-01T00:00:00.000Z' } },
      secrets: { CHANGE_PASSWORD_PAGE_SECRET: KEY },
    });
    const api = createPostLoginApi({ event });
    const validated = { iss: event.request.hostname, exp: Math.floor(Date.now() / 1000) + 60, state: 's', purpose: 'afpr:password-changed', ...claims };
    Object.assign(api.redirect, { validateToken: () => validated });
    await gate.onContinuePostLogin(event, api);
    return { api, logs, event };
  }

  it('onContinuePostLogin denies a token without sub', async () => {
    const { api, logs } = await continueWith({ password_changed_at: new Date().toISOString() });
    expect(api.denials).toHaveLength(1);
    expect(logs[0]).toMatchObject({ decision: 'deny', reason: 'page-token-invalid' });
  });

  it('onContinuePostLogin denies a change that lies in the future', async () => {
    const event = buildPostLoginEvent();
    const { api, logs } = await continueWith({ sub: event.user.user_id, password_changed_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(api.denials).toHaveLength(1);
    expect(logs[0]).toMatchObject({ decision: 'deny', reason: 'page-token-invalid' });
  });
});

describe.runIf(redisTestsRun())('8. several instances, one Redis', () => {
  let server: RedisServer;
  const clients: { quit(): Promise<unknown> }[] = [];
  let next = 0;

  beforeAll(async () => {
    server = await startRedisServer();
  }, 90_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit().catch(() => {})));
    await server?.stop();
  });

  /** Two pages, each with its own Redis connection, sharing one server (and one key prefix). */
  async function twoInstances(tenant: LocalTenant, options: Partial<ChangePasswordPageOptions> = {}) {
    const prefix = `safety:${(next += 1)}:`;
    const stores = await Promise.all(
      [0, 1].map(async () => {
        const client = await createClient({ url: server.url }).connect();
        clients.push(client);
        return createRedisSessionStore({ client, prefix });
      }),
    );
    const first = setup(tenant, { sessionStore: stores[0]!, ...options });
    const second = createChangePasswordPage({
      domain: tenant.domain,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      sessionSecret: KEY,
      fetch: tenant.fetch,
      log: false,
      passwordPolicy: { level: 'good' },
      sessionStore: stores[1]!,
      ...options,
    });
    return { ...first, pages: [first.page, second] };
  }

  it('sets one password for 10 parallel POSTs spread over two instances', async ({ tenant }) => {
    const { pages, session } = await twoInstances(tenant);
    const token = session();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => pages[index % 2]!(formPost({ session_token: token, state: 's', password: `${PASSWORD}${index}`, confirm: `${PASSWORD}${index}` }))),
    );
    const wayBack = (await Promise.all(answers.map((answer) => answer.text()))).filter((html) => continueActionOf(html) !== undefined);
    expect(wayBack).toHaveLength(1);
    expect(tenant.counts().patchUser).toBe(1);
  });

  it('lets at most maxAttempts of 20 refused attempts over two instances reach the Management API', async ({ tenant }) => {
    const { pages, session } = await twoInstances(tenant, { maxAttempts: 3 });
    const token = session();
    await Promise.all(Array.from({ length: 20 }, (_, index) => pages[index % 2]!(formPost({ session_token: token, state: 's', password: INITIAL, confirm: INITIAL }))));
    for (let round = 0; round < 4; round += 1) {
      await Promise.all(pages.map((page) => page(formPost({ session_token: token, state: 's', password: INITIAL, confirm: INITIAL }))));
    }
    expect(tenant.counts().patchUser).toBeLessThanOrEqual(3);
  });

  it('fails closed when Redis is gone: no password set, the user asked to try again', async ({ tenant }) => {
    const own = await startRedisServer();
    const client = await createClient({ url: own.url, socket: { reconnectStrategy: 50 } }).connect();
    client.on('error', () => {});
    const { page, session, userId, logs } = setup(tenant, { sessionStore: createRedisSessionStore({ client, timeoutMs: 200 }) });
    await own.stop();
    const answer = await page(formPost({ session_token: session(), state: 's', password: PASSWORD, confirm: PASSWORD }));
    expect(answer.status).toBe(503);
    expect(await answer.text()).toContain('Your password could not be set just now. Please try again.');
    expect(tenant.counts().patchUser).toBe(0);
    expect(tenant.users.verifyPassword(userId, INITIAL)).toBe(true);
    expect(logs.at(-1)).toEqual(expect.objectContaining({ decision: 'fail', reason: 'store-unavailable', detail: 'isSpent failed' }));
    expect(JSON.stringify(logs)).not.toContain(own.url);
    await client.disconnect().catch(() => {});
  });
});
