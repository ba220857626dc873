import { inspect } from 'node:util';
import { describe, expect, vi } from 'vitest';
import { ManagementApiError, SecretsError } from '../../../src/errors/index.js';
import { buildPostChangePasswordEvent, GOOGLE_CONNECTION } from '../../../src/testing/events.js';
import type { RecordedRequest } from '../../../src/testing/local-tenant/index.js';
import { createMemoryCache, type MemoryCache } from '../../../src/testing/memory-cache.js';
import { NEW_PASSWORD, passwordChangeEventOf as eventFor, statusesOf, tenantTest as it } from '../../helpers/local-tenant.js';
import { createVirtualRequestClock } from '../../helpers/virtual-request-clock.js';

const apiWith = (cache: MemoryCache = createMemoryCache()) => ({ cache });

/** Milliseconds between consecutive requests, by the tenant's clock (when each arrived). */
const gapsBetween = (requests: readonly RecordedRequest[]) =>
  requests.slice(1).map((request, index) => request.at.getTime() - requests[index]!.at.getTime());

// A timer and `Date.now()` may disagree by a millisecond or so: a wait of N ms is at least N minus this.
const CLOCK_SLACK_MS = 5;

describe('the clearer against a local tenant, through the real auth0 SDK', () => {
  it('gets a token, reads the user and sets only the flag to false', async ({ tenant, users, clearerFor, logs }) => {
    const user = users.flaggedWhoChangedPassword({ plan: 'gold', roles: ['editor'] });
    await clearerFor()(eventFor(tenant, user), apiWith());

    expect(tenant.users.get(user.user_id)!.app_metadata).toEqual({
      needsPasswordReset: false,
      needsPasswordResetAt: user.app_metadata['needsPasswordResetAt'],
      plan: 'gold',
      roles: ['editor'],
    });
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 1, patchUser: 1 });
    expect(logs).toEqual([expect.objectContaining({ decision: 'clear', reason: 'password-changed', user_id: user.user_id, wrote: ['needsPasswordReset'] })]);
  });

  it('uses the configured flag and secret names', async ({ tenant, users, clearerFor }) => {
    const user = users.database({ mustChangePassword: true });
    tenant.users.changePassword(user.user_id, NEW_PASSWORD);
    const secrets = { MGMT_DOMAIN: tenant.domain, MGMT_ID: tenant.clientId, MGMT_SECRET: tenant.clientSecret };
    await clearerFor({ flag: 'mustChangePassword', secrets: { domain: 'MGMT_DOMAIN', clientId: 'MGMT_ID', clientSecret: 'MGMT_SECRET' } })(
      eventFor(tenant, tenant.users.get(user.user_id)!, secrets),
      apiWith(),
    );
    expect(tenant.users.get(user.user_id)!.app_metadata).toEqual({ mustChangePassword: false });
  });

  it('writes nothing for a user who is not flagged: one read, no write', async ({ tenant, users, clearerFor, logs }) => {
    const user = users.database({ plan: 'gold' });
    const changed = tenant.users.changePassword(user.user_id, NEW_PASSWORD);
    await clearerFor()(eventFor(tenant, changed), apiWith());
    expect(tenant.counts()).toMatchObject({ getUser: 1, patchUser: 0 });
    expect(logs[0]).toMatchObject({ decision: 'keep', reason: 'not-flagged' });
  });

  it('leaves a flag an administrator set after this password change', async ({ tenant, users, clearerFor, logs }) => {
    const user = users.database();
    const changed = tenant.users.setPassword(user.user_id, 'Temp-0rary-1');
    tenant.users.updateAppMetadata(user.user_id, { needsPasswordReset: true, needsPasswordResetAt: tenant.now().toISOString() });
    await clearerFor()(eventFor(tenant, changed), apiWith());
    expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(true);
    expect(tenant.counts().patchUser).toBe(0);
    expect(logs[0]).toMatchObject({ decision: 'keep', reason: 'reflagged-after-change' });
  });

  it('puts the flag back when an administrator re-flags the user between its read and its write', async ({ tenant, users, clearerFor, logs }) => {
    const userId = users.flaggedWhoChangedPassword().user_id;
    const changed = tenant.users.get(userId)!;
    // The administrator's write lands while the clearer's PATCH is on its way.
    const racingFetch: typeof fetch = async (input, init) => {
      if (init?.method === 'PATCH' && String(init.body).includes('"needsPasswordReset":false')) {
        tenant.users.updateAppMetadata(userId, { needsPasswordReset: true, needsPasswordResetAt: tenant.now().toISOString() });
      }
      return tenant.fetch(input, init);
    };
    await clearerFor({ fetch: racingFetch })(eventFor(tenant, changed), apiWith());
    expect(tenant.users.get(userId)!.app_metadata['needsPasswordReset']).toBe(true);
    expect(tenant.counts().patchUser).toBe(2);
    expect(logs.at(-1)).toMatchObject({ decision: 'keep', reason: 'reflagged-after-change', detail: 'restored a flag set while clearing' });
  });

  it('keeps the flag, without a request, when the event has no time for the change', async ({ tenant, users, clearerFor, logs }) => {
    const user = users.flaggedWhoChangedPassword();
    const event = buildPostChangePasswordEvent({ user: { user_id: user.user_id, last_password_reset: undefined }, secrets: { ...tenant.secrets } });
    await clearerFor()(event, apiWith());
    expect(tenant.counts().total).toBe(0);
    expect(logs[0]).toMatchObject({ decision: 'keep', reason: 'change-time-missing' });
  });

  it('skips a non-database connection without any request', async ({ tenant, clearerFor, logs }) => {
    await clearerFor()(buildPostChangePasswordEvent({ connection: GOOGLE_CONNECTION, secrets: tenant.secrets }), apiWith());
    expect(tenant.counts().total).toBe(0);
    expect(logs[0]).toMatchObject({ decision: 'skip', reason: 'not-database-connection' });
  });

  describe('token reuse', () => {
    it('costs no token request in steady state: within an instance and across instances via api.cache', async ({ tenant, users, clearerFor }) => {
      const cache = createMemoryCache();
      const instanceA = clearerFor();
      await instanceA(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith(cache));
      await instanceA(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith(cache));
      // A second instance (new module scope) sharing the trigger's cache.
      const instanceB = clearerFor();
      await instanceB(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith(cache));
      expect(tenant.counts()).toMatchObject({ token: 1, getUser: 3, patchUser: 3 });

      // An instance whose cache lost the entry must fetch again.
      await clearerFor()(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith(createMemoryCache()));
      expect(tenant.counts().token).toBe(2);
    });

    it('caches with a ttl in milliseconds that ends before the token does', async ({ tenant, users, clearerFor }) => {
      const cache = createMemoryCache();
      const before = Date.now();
      await clearerFor()(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith(cache));
      const entries = [...cache.entries()];
      expect(entries).toHaveLength(1);
      const [key, entry] = entries[0]!;
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(64);
      const lifetime = entry.expires_at - before;
      // The tenant issues 24 h tokens; Auth0 keeps an entry at most 24 h; ours ends a minute early.
      expect(lifetime).toBeGreaterThan(23 * 60 * 60 * 1000);
      expect(lifetime).toBeLessThan(24 * 60 * 60 * 1000);
    });

    it('logs a failed cache write and carries on', async ({ tenant, users, clearerFor, logs }) => {
      const user = users.flaggedWhoChangedPassword();
      const brokenCache = { ...createMemoryCache(), set: () => ({ type: 'error' as const, code: 'CACHE_FULL' }) };
      await clearerFor()(eventFor(tenant, user), { cache: brokenCache as unknown as MemoryCache });
      expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
      expect(logs.map((entry) => [entry.decision, entry.reason])).toEqual([
        ['warn', 'cache-write-failed'],
        ['clear', 'password-changed'],
      ]);
    });

    it('replaces a cached token the tenant no longer accepts, once', async ({ tenant, users, clearerFor }) => {
      const cache = createMemoryCache();
      const clearer = clearerFor();
      await clearer(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith(cache));
      tenant.revokeTokens();
      const user = users.flaggedWhoChangedPassword();
      await clearer(eventFor(tenant, user), apiWith(cache));
      expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
      expect(tenant.counts().token).toBe(2);
    });
  });

  describe('failures', () => {
    it('rejects before any request when secrets are missing, naming them and no value', async ({ tenant, users, clearerFor }) => {
      const error = await clearerFor()(
        eventFor(tenant, users.flaggedWhoChangedPassword(), { AUTH0_DOMAIN: tenant.domain, AUTH0_CLIENT_ID: '', AUTH0_CLIENT_SECRET: undefined } as never),
        apiWith(),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretsError);
      expect((error as SecretsError).missing).toEqual(['AUTH0_CLIENT_ID', 'AUTH0_CLIENT_SECRET']);
      expect((error as Error).message).not.toContain(tenant.domain);
      expect(tenant.counts().total).toBe(0);
    });

    it('rejects a domain secret with a path, naming the secret', async ({ tenant, users, clearerFor }) => {
      const error = await clearerFor()(
        eventFor(tenant, users.flaggedWhoChangedPassword(), { ...tenant.secrets, AUTH0_DOMAIN: `${tenant.domain}/api/v2` }),
        apiWith(),
      ).catch((e: unknown) => e);
      expect((error as Error).message).toBe(
        '[auth0-force-password-reset] createPasswordResetClearer: Action secret "AUTH0_DOMAIN" has a path, a query or a fragment: it must be the tenant\'s canonical domain, such as acme.eu.auth0.com (a host, optionally with a port; https:// may be given, http:// only for a loopback host such as 127.0.0.1)',
      );
    });

    it('reports wrong credentials as a failed token step, without the secret', async ({ tenant, users, clearerFor, logs }) => {
      const user = users.flaggedWhoChangedPassword();
      const wrongSecret = 'wrong-secret-3f9a1c';
      const error = await clearerFor()(eventFor(tenant, user, { ...tenant.secrets, AUTH0_CLIENT_SECRET: wrongSecret }), apiWith()).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ManagementApiError);
      expect(error).toMatchObject({ code: 'ERR_MANAGEMENT_API', step: 'get token', status: 401, attempts: 1 });
      expect((error as Error).message).toBe(
        '[auth0-force-password-reset] createPasswordResetClearer: getting a Management API token failed: HTTP 401 (Unauthorized) after 1 attempt — check the client id and secret in the Action secrets, and that the application is authorized for the Management API of this domain (the canonical *.auth0.com domain, not a custom one)',
      );
      expect(inspect(error, { depth: 10 })).not.toContain(wrongSecret);
      expect(JSON.stringify(logs)).not.toContain(wrongSecret);
      expect(tenant.counts()).toMatchObject({ token: 1, getUser: 0 });
    });

    it('retries a 429, honouring retry-after, then succeeds', async ({ tenant, users, clearerFor }) => {
      const user = users.flaggedWhoChangedPassword();
      tenant.faults.rateLimit('getUser', { retryAfterSeconds: 3 });
      const virtual = createVirtualRequestClock();
      await clearerFor({}, virtual.clock)(eventFor(tenant, user), apiWith());
      expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
      expect(statusesOf(tenant, 'getUser')).toEqual([429, 200]);
      // It waited what the answer asked, and nothing else.
      expect(virtual.sleeps).toEqual([3_000]);
    });

    it('retries a 429 on the token request too', async ({ tenant, users, clearerFor }) => {
      const user = users.flaggedWhoChangedPassword();
      tenant.faults.rateLimit('token', { retryAfterSeconds: 2 });
      const virtual = createVirtualRequestClock();
      await clearerFor({}, virtual.clock)(eventFor(tenant, user), apiWith());
      expect(statusesOf(tenant, 'token')).toEqual([429, 200]);
      expect(virtual.sleeps).toEqual([2_000]);
    });

    it('gives up at once when retry-after is longer than the time left', async ({ tenant, users, clearerFor }) => {
      const user = users.flaggedWhoChangedPassword();
      tenant.faults.rateLimit('getUser', { retryAfterSeconds: 30 });
      const error = await clearerFor()(eventFor(tenant, user), apiWith()).catch((e: unknown) => e);
      // One read, answered 429, and nothing after it: no retry, no write.
      expect(tenant.requests.map((request) => [request.route, request.status])).toEqual([['token', 200], ['getUser', 429]]);
      expect(error).toMatchObject({ step: 'read user', status: 429, attempts: 1 });
      expect((error as ManagementApiError).gaveUp).toMatch(/^the server asked to wait 30 s, more than the 1?\d s left$/);
      expect((error as Error).message).toMatch(
        /reading user "auth0\|[0-9a-f]+" failed: HTTP 429 \(Global limit has been reached\) after 1 attempt \(gave up: the server asked to wait 30 s, more than the 1?\d s left\) — the tenant's rate limit: try again later$/,
      );
    });

    it('retries 5xx with backoff until attempts run out, then names the step and status', async ({ tenant, users, clearerFor, logs }) => {
      const user = users.flaggedWhoChangedPassword();
      tenant.faults.serverError('patchUser', { times: 10, status: 503 });
      const virtual = createVirtualRequestClock();
      const error = await clearerFor({ maxAttempts: 3 }, virtual.clock)(eventFor(tenant, user), apiWith()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ManagementApiError);
      expect(error).toMatchObject({ step: 'update user', status: 503, attempts: 3 });
      // A wait before each retry, doubling: 250 ms then 500 ms, each with up to 20% jitter either way.
      expect(virtual.sleeps).toHaveLength(2);
      expect(virtual.sleeps[0]).toBeGreaterThanOrEqual(200);
      expect(virtual.sleeps[0]).toBeLessThanOrEqual(300);
      expect(virtual.sleeps[1]).toBeGreaterThanOrEqual(400);
      expect(virtual.sleeps[1]).toBeLessThanOrEqual(600);
      expect((error as Error).message).toContain(`updating user "${user.user_id}" failed: HTTP 503`);
      expect(tenant.counts().patchUser).toBe(3);
      expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(true);
      expect(logs.at(-1)).toMatchObject({ decision: 'fail', reason: 'management-api', user_id: user.user_id });
    });

    it('survives a dropped connection', async ({ tenant, users, clearerFor }) => {
      const user = users.flaggedWhoChangedPassword();
      tenant.faults.drop('getUser');
      await clearerFor()(eventFor(tenant, user), apiWith());
      expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
      expect(tenant.counts().getUser).toBe(2);
    });

    // On the system's clock, as in production: the one test here whose timeouts are real ones.
    it('abandons a request that hangs after the request timeout, and stops at the deadline', async ({ tenant, users, clearerFor }) => {
      const user = users.flaggedWhoChangedPassword();
      tenant.faults.hang('getUser', { times: 10 });
      // 3 s leave room for at least two attempts even when the token request is slow on a busy machine; with
      // ten attempts allowed, only the deadline can end the run.
      const error = await clearerFor({ requestTimeoutMs: 300, deadlineMs: 3_000, maxAttempts: 10 })(eventFor(tenant, user), apiWith()).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ManagementApiError);
      const { attempts, reason, gaveUp } = error as ManagementApiError;
      expect(error).toMatchObject({ step: 'read user', status: undefined });
      // The deadline ended it, not the attempt count.
      expect(gaveUp).toMatch(/^(no time left for another attempt|the deadline passed)$/);
      expect(attempts).toBeGreaterThanOrEqual(2);
      // The last attempt may get less than 300 ms: it never runs past the deadline.
      expect(Number(/^no response within (\d+) ms$/.exec(reason)?.[1])).toBeLessThanOrEqual(300);
      // Every attempt reached the tenant and hung there; each next one came after the timeout of the one before.
      const reads = tenant.requests.filter((request) => request.route === 'getUser');
      expect(reads.map((request) => request.fault)).toEqual(Array.from({ length: attempts }, () => 'hang'));
      for (const gap of gapsBetween(reads)) expect(gap).toBeGreaterThanOrEqual(300 - CLOCK_SLACK_MS);
      expect(tenant.counts().patchUser).toBe(0);
    });

    it('with default settings, gives up at its 12 s deadline — inside Auth0’s 20 s limit — when the API never answers', async ({ tenant, users, clearerFor }) => {
      const user = users.flaggedWhoChangedPassword();
      tenant.faults.hang('any', { times: 100 });
      // The default settings, on a clock that moves when the clearer waits, or when the test fires the
      // timeout of an attempt it has seen hang at the tenant: 12 s checked to the millisecond, in no time.
      const virtual = createVirtualRequestClock();
      let settled = false;
      const outcome = clearerFor({}, virtual.clock)(eventFor(tenant, user), apiWith()).then(
        () => undefined,
        (e: unknown) => e,
      );
      void outcome.finally(() => void (settled = true));
      const hanging = () => tenant.requests.filter((request) => request.fault === 'hang').length;
      for (let attempt = 1; ; attempt += 1) {
        await vi.waitFor(() => expect(settled || hanging() === attempt).toBe(true), { timeout: 10_000, interval: 5 });
        if (settled) break;
        virtual.fireLatestTimeout();
      }
      const error = await outcome;
      expect(error).toBeInstanceOf(ManagementApiError);
      const { attempts, reason, gaveUp } = error as ManagementApiError;
      expect(error).toMatchObject({ step: 'get token', status: undefined });
      // Every attempt was a token request that reached the tenant and hung there.
      expect(statusesOf(tenant, 'token')).toHaveLength(attempts);
      expect(tenant.counts().total).toBe(attempts);
      // Two full 5 s timeouts, each followed by a backoff (200–300 ms, then 400–600 ms); then a third
      // attempt, cut short so as to end at the deadline, 12 s after the start — which is what keeps the
      // execution inside Auth0's limit; then no time for a fourth.
      expect(attempts).toBe(3);
      expect(virtual.timeouts.slice(0, 2)).toEqual([5_000, 5_000]);
      expect(virtual.sleeps).toHaveLength(2);
      // What was left, rounded up to a whole millisecond.
      expect(virtual.timeouts[2]).toBe(Math.ceil(12_000 - 10_000 - virtual.sleeps[0]! - virtual.sleeps[1]!));
      expect(reason).toBe(`no response within ${virtual.timeouts[2]} ms`);
      expect(gaveUp).toBe('no time left for another attempt');
      expect(virtual.now()).toBeGreaterThanOrEqual(12_000);
      expect(virtual.now()).toBeLessThan(12_001);
    });

    it('never puts the secret or the token in an error or a log line', async ({ tenant, users, clearerFor, logs }) => {
      const cache = createMemoryCache();
      await clearerFor()(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith(cache));
      const token = [...cache.entries().values()][0]!.value;
      tenant.faults.inject(
        'patchUser',
        { kind: 'status', status: 500, body: { message: `echo ${token} ${tenant.clientSecret}` } },
        { times: 10 },
      );
      const error = await clearerFor({ maxAttempts: 2 })(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith(cache)).catch((e: unknown) => e);
      const everything = `${inspect(error, { depth: 10 })}\n${JSON.stringify(logs)}`;
      expect(error).toBeInstanceOf(ManagementApiError);
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(tenant.clientSecret);
      expect(everything).toContain('[redacted]');
    });
  });
});
