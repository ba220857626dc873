import { inspect } from 'node:util';
import { describe, expect } from 'vitest';
import { createPasswordResetClearer } from '../../../src/clearer/create-password-reset-clearer.js';
import { ManagementApiError } from '../../../src/errors/index.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { createMemoryCache } from '../../../src/testing/memory-cache.js';
import { passwordChangeEventOf as eventFor, tenantTest } from '../../helpers/local-tenant.js';

/**
 * The one Management API client, through the clearer (its most exposed user): what a hostile or
 * broken server can and cannot make it do. Issue 10, items 4, 5, 6 and 7.
 */

// A secret with characters that JSON and URL encoding change, to test every escaped form.
const SECRET = 'S3cr3t"with\\quotes+plus/slash and space&amp=eq';

// extend, not override: a top-level override changes `tenantTest` itself, for the files that run after
// this one in the same worker (the integration project shares modules: isolate: false).
const it = tenantTest.extend({ tenantOptions: { clientSecret: SECRET } });

const apiWith = (cache = createMemoryCache()) => ({ cache });

/** A transport recording every URL asked for, over the tenant's fetch. */
function recordingTransport(tenant: LocalTenant) {
  const through = tenant.fetch;
  const urls: string[] = [];
  const transport: typeof globalThis.fetch = (input, init) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return through(input, init);
  };
  return { urls, transport };
}

describe('item 4: redirects are refused, never followed with credentials', () => {
  it('does not re-send the client secret to the host a 307 from the token endpoint names', async ({ tenant, users, clearerFor }) => {
    tenant.faults.inject('token', { kind: 'status', status: 307, headers: { location: 'https://attacker.example/oauth/token' }, body: '' });
    const { urls, transport } = recordingTransport(tenant);
    const error = await clearerFor({ fetch: transport })(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({ step: 'get token', reason: 'redirect refused (HTTP 307)', attempts: 1 });
    expect(urls.every((url) => new URL(url).host === tenant.domain)).toBe(true);
    expect(tenant.counts().token).toBe(1);
  });

  it('does not let a 302 on the users API decide the clear', async ({ tenant, users, clearerFor }) => {
    const user = users.flaggedWhoChangedPassword();
    tenant.faults.inject('getUser', { kind: 'status', status: 302, headers: { location: `https://${tenant.domain}/api/v2/users/other` }, body: '' });
    const error = await clearerFor()(eventFor(tenant, user), apiWith()).catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'read user', reason: 'redirect refused (HTTP 302)' });
    expect(tenant.counts()).toMatchObject({ getUser: 1, patchUser: 0 });
    expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(true);
  });

  it('refuses an answer the transport reached by following a redirect on its own', async ({ tenant, users, clearerFor }) => {
    const followed: typeof globalThis.fetch = async (input, init) => {
      const response = await tenant.fetch(input, init);
      Object.defineProperty(response, 'redirected', { value: true });
      return response;
    };
    const error = await clearerFor({ fetch: followed })(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith()).catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'get token', reason: 'redirect refused (HTTP 200)' });
  });
});

describe('item 5: tokens', () => {
  /**
   * A tenant that hands out opaque tokens: the token answer's JWT is swapped for a random string on
   * the way out and back on the way in, as an authorization server that does not issue JWTs would.
   */
  function opaqueTokens(tenant: LocalTenant, expiresIn?: number) {
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

  it('takes an opaque token’s lifetime from expires_in: one token for many password changes, not two per change', async ({ tenant, users, clearerFor, logs }) => {
    const clearer = clearerFor({ fetch: opaqueTokens(tenant) });
    const cache = createMemoryCache();
    for (let index = 0; index < 3; index += 1) await clearer(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith(cache));
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 3, patchUser: 3 });
    expect(logs.filter((entry) => entry.decision === 'clear')).toHaveLength(3);
  });

  it('lets expires_in, not the JWT, decide: a token about to expire is not reused', async ({ tenant, users, clearerFor }) => {
    const clearer = clearerFor({ fetch: opaqueTokens(tenant, 30) });
    await clearer(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith());
    await clearer(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith());
    // 30 s is within the minute of leeway: not shared with the next execution, which asks again —
    // but within an execution, its read and its write use the one token.
    expect(tenant.counts()).toMatchObject({ token: 2, getUser: 2, patchUser: 2 });
  });

  it('shares one token request among 20 concurrent cold executions of one instance', async ({ tenant, users, clearerFor }) => {
    const clearer = clearerFor();
    const flagged = Array.from({ length: 20 }, () => users.flaggedWhoChangedPassword());
    await Promise.all(flagged.map((user) => clearer(eventFor(tenant, user), apiWith())));
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 20, patchUser: 20 });
    expect(flagged.every((user) => tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset'] === false)).toBe(true);
  });

  it('gives every waiting execution the failure of the shared token request, none a token', async ({ tenant, users, clearerFor }) => {
    tenant.faults.inject('token', { kind: 'status', status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
    const clearer = clearerFor();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => clearer(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith())));
    expect(results.every((result) => result.status === 'rejected' && (result.reason as ManagementApiError).step === 'get token')).toBe(true);
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 0 });
  });
});

describe('item 6: a 200 that is not what was asked for is a failure naming the step', () => {
  it.for([
    ['not JSON', 'token', 'text, not JSON', 'malformed answer: not JSON (HTTP 200)'],
    ['null', 'token', null, 'malformed answer: no access_token'],
    ['an array', 'token', [], 'malformed answer: no access_token'],
    ['a token answer without access_token', 'token', { token_type: 'Bearer', expires_in: 86400 }, 'malformed answer: no access_token'],
    ['not JSON', 'getUser', '<html>maintenance</html>', 'malformed answer: not JSON (HTTP 200)'],
    ['null', 'getUser', null, 'malformed answer: not a user object'],
    ['an array', 'getUser', [], 'malformed answer: not a user object'],
    ['app_metadata that is not an object', 'getUser', { app_metadata: 'flagged' }, 'malformed answer: app_metadata is not an object'],
  ] as const)('%s from %s → %s, and nothing written', async ([, route, body, reason], { tenant, users, clearerFor, logs }) => {
    const user = users.flaggedWhoChangedPassword();
    tenant.faults.inject(route, { kind: 'status', status: 200, body });
    const error = await clearerFor()(eventFor(tenant, user), apiWith()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({ step: route === 'token' ? 'get token' : 'read user', reason });
    expect(error).not.toBeInstanceOf(TypeError);
    expect(tenant.counts().patchUser).toBe(0);
    expect(logs.at(-1)).toMatchObject({ decision: 'fail', reason: 'management-api' });
  });

  it('an answer about another user is refused, not taken as this user’s', async ({ tenant, users, clearerFor }) => {
    const user = users.flaggedWhoChangedPassword();
    tenant.faults.inject('getUser', { kind: 'status', status: 200, body: { user_id: 'auth0|someone-else', app_metadata: {} } });
    const error = await clearerFor()(eventFor(tenant, user), apiWith()).catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'read user', reason: 'malformed answer: it is about another user' });
  });

  it('a body that does not arrive in time says so, not "HTTP 200"', async ({ tenant, users, clearerFor }) => {
    const dripping: typeof globalThis.fetch = async (input, init) => {
      if (!String(input).includes('/api/v2/users/')) return tenant.fetch(input, init);
      // Headers at once, then a body that never ends.
      const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"user_id":')) });
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    // Two attempts end it; the deadline is only generous enough that a busy machine cannot cut the second.
    const error = await clearerFor({ fetch: dripping, requestTimeoutMs: 200, deadlineMs: 5_000, maxAttempts: 2 })(
      eventFor(tenant, users.flaggedWhoChangedPassword()),
      apiWith(),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'read user', status: undefined, reason: 'the answer did not arrive in full within 200 ms (HTTP 200)', attempts: 2 });
  });
});

describe('item 7: no form of the secret in any error', () => {
  it.for([
    ['as given', SECRET],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['form-encoded', new URLSearchParams({ s: SECRET }).toString().slice(2)],
  ] as const)('redacts the client secret %s in the server’s message', async ([, echoed], { tenant, users, clearerFor, logs }) => {
    tenant.faults.inject('token', { kind: 'status', status: 400, body: { error: 'invalid_request', error_description: `bad client_secret=${echoed}` } });
    const error = (await clearerFor()(eventFor(tenant, users.flaggedWhoChangedPassword()), apiWith()).catch((e: unknown) => e)) as ManagementApiError;
    expect(error.serverMessage).toBe('bad client_secret=[redacted]');
    for (const form of [SECRET, JSON.stringify(SECRET).slice(1, -1), encodeURIComponent(SECRET), 'S3cr3t']) {
      expect(inspect(error, { depth: 5 })).not.toContain(form);
      expect(JSON.stringify(logs)).not.toContain(form);
    }
  });
});

describe('a test api that refuses the network', () => {
  it('is final: the clearer does not retry it, and says how to opt in', async ({ tenant, users, logs }) => {
    const { createPostChangePasswordApi } = await import('../../../src/testing/recording-api.js');
    const clearer = createPasswordResetClearer({ log: (entry) => void logs.push(entry), maxAttempts: 4 });
    const error = (await clearer(eventFor(tenant, users.flaggedWhoChangedPassword()), createPostChangePasswordApi()).catch((e: unknown) => e)) as ManagementApiError;
    expect(error).toMatchObject({ step: 'get token', attempts: 1 });
    expect(error.reason).toBe('refused by a test api (opt in with its fetch option)');
    expect(logs.at(-1)?.detail).toMatch(/refused by a test api/);
    expect(tenant.counts().total).toBe(0);
  });
});
