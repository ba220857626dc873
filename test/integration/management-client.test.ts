import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPasswordResetClearer } from '../../src/clearer/create-password-reset-clearer.js';
import type { PasswordResetClearerOptions } from '../../src/clearer/options.js';
import { ManagementApiError } from '../../src/errors/index.js';
import type { LogEntry } from '../../src/internal/log.js';
import { buildPostChangePasswordEvent } from '../../src/testing/events.js';
import { startLocalTenant, type LocalTenant } from '../../src/testing/local-tenant/index.js';
import { createMemoryCache } from '../../src/testing/memory-cache.js';

/**
 * The one Management API client, through the clearer (its most exposed user): what a hostile or
 * broken server can and cannot make it do. Issue 10, items 4, 5, 6 and 7.
 */

// A secret with characters that JSON and URL encoding change, to test every escaped form.
const SECRET = 'S3cr3t"with\\quotes+plus/slash and space&amp=eq';

let tenant: LocalTenant;
let logs: LogEntry[];
let users = 0;

beforeEach(async () => {
  tenant = await startLocalTenant({ clientSecret: SECRET });
  logs = [];
});
afterEach(() => tenant.close());

const clearerFor = (options: PasswordResetClearerOptions = {}) =>
  createPasswordResetClearer({ fetch: tenant.fetch, log: (entry) => void logs.push(entry), ...options });

/** A user flagged before, who has just changed the password: the clearer must clear. */
function flaggedUserWhoChangedPassword() {
  users += 1;
  const user = tenant.users.create({ email: `user${users}@example.com` });
  tenant.users.updateAppMetadata(user.user_id, { needsPasswordReset: true, needsPasswordResetAt: tenant.now().toISOString() });
  return tenant.users.changePassword(user.user_id, 'n3w-Passw0rd!');
}

const eventFor = (user: { user_id: string; last_password_reset?: string }) =>
  buildPostChangePasswordEvent({ user: { user_id: user.user_id, last_password_reset: user.last_password_reset }, secrets: { ...tenant.secrets } });

const apiWith = (cache = createMemoryCache()) => ({ cache });

/** A transport recording every URL asked for, over the tenant's fetch. */
function recordingTransport(through: typeof globalThis.fetch = tenant.fetch) {
  const urls: string[] = [];
  const transport: typeof globalThis.fetch = (input, init) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return through(input, init);
  };
  return { urls, transport };
}

describe('item 4: redirects are refused, never followed with credentials', () => {
  it('does not re-send the client secret to the host a 307 from the token endpoint names', async () => {
    tenant.faults.inject('token', { kind: 'status', status: 307, headers: { location: 'https://attacker.example/oauth/token' }, body: '' });
    const { urls, transport } = recordingTransport();
    const error = await clearerFor({ fetch: transport })(eventFor(flaggedUserWhoChangedPassword()), apiWith()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({ step: 'get token', reason: 'redirect refused (HTTP 307)', attempts: 1 });
    expect(urls.every((url) => new URL(url).host === tenant.domain)).toBe(true);
    expect(tenant.counts().token).toBe(1);
  });

  it('does not let a 302 on the users API decide the clear', async () => {
    const user = flaggedUserWhoChangedPassword();
    tenant.faults.inject('getUser', { kind: 'status', status: 302, headers: { location: `https://${tenant.domain}/api/v2/users/other` }, body: '' });
    const error = await clearerFor()(eventFor(user), apiWith()).catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'read user', reason: 'redirect refused (HTTP 302)' });
    expect(tenant.counts()).toMatchObject({ getUser: 1, patchUser: 0 });
    expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(true);
  });

  it('refuses an answer the transport reached by following a redirect on its own', async () => {
    const followed: typeof globalThis.fetch = async (input, init) => {
      const response = await tenant.fetch(input, init);
      Object.defineProperty(response, 'redirected', { value: true });
      return response;
    };
    const error = await clearerFor({ fetch: followed })(eventFor(flaggedUserWhoChangedPassword()), apiWith()).catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'get token', reason: 'redirect refused (HTTP 200)' });
  });
});

describe('item 5: tokens', () => {
  /**
   * A tenant that hands out opaque tokens: the token answer's JWT is swapped for a random string on
   * the way out and back on the way in, as an authorization server that does not issue JWTs would.
   */
  function opaqueTokens(expiresIn?: number) {
    const jwtByOpaque = new Map<string, string>();
    const transport: typeof globalThis.fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      const bearer = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
      if (bearer !== undefined && jwtByOpaque.has(bearer)) headers.set('authorization', `Bearer ${jwtByOpaque.get(bearer)!}`);
      const response = await tenant.fetch(input, { ...init, headers });
      if (!String(input instanceof Request ? input.url : input).endsWith('/oauth/token') || !response.ok) return response;
      const answer = (await response.json()) as Record<string, unknown>;
      const opaque = `opaque-${jwtByOpaque.size + 1}`;
      jwtByOpaque.set(opaque, answer['access_token'] as string);
      return Response.json({ ...answer, access_token: opaque, ...(expiresIn === undefined ? {} : { expires_in: expiresIn }) });
    };
    return transport;
  }

  it('takes an opaque token’s lifetime from expires_in: one token for many password changes, not two per change', async () => {
    const clearer = clearerFor({ fetch: opaqueTokens() });
    const cache = createMemoryCache();
    for (let index = 0; index < 3; index += 1) await clearer(eventFor(flaggedUserWhoChangedPassword()), apiWith(cache));
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 3, patchUser: 3 });
    expect(logs.filter((entry) => entry.decision === 'clear')).toHaveLength(3);
  });

  it('lets expires_in, not the JWT, decide: a token about to expire is not reused', async () => {
    const clearer = clearerFor({ fetch: opaqueTokens(30) });
    await clearer(eventFor(flaggedUserWhoChangedPassword()), apiWith());
    await clearer(eventFor(flaggedUserWhoChangedPassword()), apiWith());
    // 30 s is within the minute of leeway: not shared with the next execution, which asks again —
    // but within an execution, its read and its write use the one token.
    expect(tenant.counts()).toMatchObject({ token: 2, getUser: 2, patchUser: 2 });
  });

  it('shares one token request among 20 concurrent cold executions of one instance', async () => {
    const clearer = clearerFor();
    const flagged = Array.from({ length: 20 }, () => flaggedUserWhoChangedPassword());
    await Promise.all(flagged.map((user) => clearer(eventFor(user), apiWith())));
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 20, patchUser: 20 });
    expect(flagged.every((user) => tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset'] === false)).toBe(true);
  });

  it('gives every waiting execution the failure of the shared token request, none a token', async () => {
    tenant.faults.inject('token', { kind: 'status', status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
    const clearer = clearerFor();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => clearer(eventFor(flaggedUserWhoChangedPassword()), apiWith())));
    expect(results.every((result) => result.status === 'rejected' && (result.reason as ManagementApiError).step === 'get token')).toBe(true);
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 0 });
  });
});

describe('item 6: a 200 that is not what was asked for is a failure naming the step', () => {
  it.each([
    ['not JSON', 'token', 'text, not JSON', 'malformed answer: not JSON (HTTP 200)'],
    ['null', 'token', null, 'malformed answer: no access_token'],
    ['an array', 'token', [], 'malformed answer: no access_token'],
    ['a token answer without access_token', 'token', { token_type: 'Bearer', expires_in: 86400 }, 'malformed answer: no access_token'],
    ['not JSON', 'getUser', '<html>maintenance</html>', 'malformed answer: not JSON (HTTP 200)'],
    ['null', 'getUser', null, 'malformed answer: not a user object'],
    ['an array', 'getUser', [], 'malformed answer: not a user object'],
    ['app_metadata that is not an object', 'getUser', { app_metadata: 'flagged' }, 'malformed answer: app_metadata is not an object'],
  ] as const)('%s from %s → %s, and nothing written', async (_what, route, body, reason) => {
    const user = flaggedUserWhoChangedPassword();
    tenant.faults.inject(route, { kind: 'status', status: 200, body });
    const error = await clearerFor()(eventFor(user), apiWith()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({ step: route === 'token' ? 'get token' : 'read user', reason });
    expect(error).not.toBeInstanceOf(TypeError);
    expect(tenant.counts().patchUser).toBe(0);
    expect(logs.at(-1)).toMatchObject({ decision: 'fail', reason: 'management-api' });
  });

  it('an answer about another user is refused, not taken as this user’s', async () => {
    const user = flaggedUserWhoChangedPassword();
    tenant.faults.inject('getUser', { kind: 'status', status: 200, body: { user_id: 'auth0|someone-else', app_metadata: {} } });
    const error = await clearerFor()(eventFor(user), apiWith()).catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'read user', reason: 'malformed answer: it is about another user' });
  });

  it('a body that does not arrive in time says so, not "HTTP 200"', async () => {
    const dripping: typeof globalThis.fetch = async (input, init) => {
      if (!String(input).includes('/api/v2/users/')) return tenant.fetch(input, init);
      // Headers at once, then a body that never ends.
      const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"user_id":')) });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const error = await clearerFor({ fetch: dripping, requestTimeoutMs: 200, deadlineMs: 1_000, maxAttempts: 2 })(
      eventFor(flaggedUserWhoChangedPassword()),
      apiWith(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'read user', status: undefined, reason: 'the answer did not arrive in full within 200 ms (HTTP 200)', attempts: 2 });
  }, 10_000);
});

describe('item 7: no form of the secret in any error', () => {
  it.each([
    ['as given', SECRET],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['form-encoded', new URLSearchParams({ s: SECRET }).toString().slice(2)],
  ])('redacts the client secret %s in the server’s message', async (_form, echoed) => {
    tenant.faults.inject('token', { kind: 'status', status: 400, body: { error: 'invalid_request', error_description: `bad client_secret=${echoed}` } });
    const error = (await clearerFor()(eventFor(flaggedUserWhoChangedPassword()), apiWith()).catch((e: unknown) => e)) as ManagementApiError;
    expect(error.serverMessage).toBe('bad client_secret=[redacted]');
    for (const form of [SECRET, JSON.stringify(SECRET).slice(1, -1), encodeURIComponent(SECRET), 'S3cr3t']) {
      expect(inspect(error, { depth: 5 })).not.toContain(form);
      expect(JSON.stringify(logs)).not.toContain(form);
    }
  });
});
