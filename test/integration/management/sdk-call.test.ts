import { describe, expect } from 'vitest';
import type { ManagementApiStep } from '../../../src/errors/index.js';
import { parseTenantDomain, towardsOrigin, type TenantDomain } from '../../../src/management/domain.js';
import { loadAuth0Sdk } from '../../../src/management/load-auth0-sdk.js';
import { managementApiFailure } from '../../../src/management/management-api-failure.js';
import { createRetryingFetch, type AttemptRecord } from '../../../src/management/resilient-fetch.js';
import { createSdkCall, type SdkRequestOptions } from '../../../src/management/sdk-call.js';
import { createTokenSource } from '../../../src/management/token-source.js';
import { createMemoryTokenStore, type TokenStore } from '../../../src/management/token-store.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { tenantTest as test } from '../../helpers/local-tenant.js';
import { rejectionOf } from '../../helpers/management-api-error.js';

/**
 * One Management API call through the real `auth0` SDK, on the local tenant: the SDK client built
 * once, each call on its own retrying transport, the replay of a rejected token.
 */

interface SentRequest {
  readonly url: string;
  readonly headers: Headers;
}

/** A call on `tenant`, with a store of its own unless given, and what its transport sent. */
async function callOn(tenant: LocalTenant, store: TokenStore = createMemoryTokenStore()) {
  const { ManagementClient } = await loadAuth0Sdk();
  const built = { count: 0 };
  class CountedClient extends ManagementClient {
    constructor(...args: ConstructorParameters<typeof ManagementClient>) {
      super(...args);
      built.count += 1;
    }
  }
  const domain = parseTenantDomain(tenant.domain) as TenantDomain;
  const sent: SentRequest[] = [];
  const transport = towardsOrigin(domain, (input, init) => {
    sent.push({ url: input instanceof Request ? input.url : String(input), headers: new Headers(init?.headers) });
    return tenant.fetch(input, init);
  });
  const retryingFetch = (deadline: number, idempotent: boolean) =>
    createRetryingFetch({ transport, idempotent, deadline, requestTimeoutMs: 2_000, maxAttempts: 3, clock: { sleep: async () => {} } });
  const fail = (step: ManagementApiStep, subject: string | undefined, record: AttemptRecord, error: unknown) =>
    managementApiFailure({ caller: 'test', step, userId: subject, record, error, secrets: [tenant.clientSecret], hint: undefined });
  const tokens = createTokenSource({
    domain,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    store,
    retryingFetch: () => retryingFetch(Number.POSITIVE_INFINITY, true),
    fail: (record, error, malformed) => managementApiFailure({ caller: 'test', step: 'get token', userId: undefined, record, error, ...(malformed === undefined ? {} : { malformed }), secrets: [tenant.clientSecret], hint: undefined }),
  });
  let deadline = Number.POSITIVE_INFINITY;
  const call = createSdkCall({
    Client: CountedClient,
    host: domain.host,
    tokens,
    requestDeadline: () => deadline,
    monotonic: () => performance.now(),
    retryingFetch,
    fail,
  });
  return {
    call,
    built,
    sent,
    tokens,
    setDeadline: (value: number) => void (deadline = value),
  };
}

describe('createSdkCall', () => {
  test('builds the SDK client once, for every call and every retry of one', async ({ tenant }) => {
    const user = tenant.users.create();
    const { call, built } = await callOn(tenant);
    tenant.faults.serverError('getUser', { status: 503 });
    const read = await call('read user', user.user_id, (client, options) => client.users.get(user.user_id, {}, options));
    await call('update user', user.user_id, (client, options) => client.users.update(user.user_id, { app_metadata: { seen: true } }, options));
    await call('read user', user.user_id, (client, options) => client.users.get(user.user_id, {}, options));
    expect(read.record).toMatchObject({ attempts: 2, status: 200 });
    expect(built.count).toBe(1);
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 3, patchUser: 1 });
  });

  test('gives each of two concurrent calls its own transport: its own attempts, its own retry rule', async ({ tenant }) => {
    const user = tenant.users.create();
    const { call } = await callOn(tenant);
    tenant.faults.serverError('getUser', { status: 503, times: 2 });
    tenant.faults.serverError('patchUser', { status: 503 });
    const [read, write] = await Promise.allSettled([
      call('read user', user.user_id, (client, options) => client.users.get(user.user_id, {}, options)),
      // Must not run twice: the 503 is not retried, while the read beside it is.
      call('set password', user.user_id, (client, options) => client.users.update(user.user_id, { password: 'N3w-passw0rd!', connection: 'Username-Password-Authentication' }, options), false),
    ]);
    expect(read).toMatchObject({ status: 'fulfilled', value: { record: { attempts: 3, status: 200 } } });
    expect(write).toMatchObject({ status: 'rejected', reason: { step: 'set password', status: 503, attempts: 1 } });
    expect(tenant.counts()).toMatchObject({ getUser: 3, patchUser: 1 });
  });

  test('retries a 429 even for a call that must not run twice: Auth0 refused it before doing anything', async ({ tenant }) => {
    const user = tenant.users.create();
    const { call } = await callOn(tenant);
    tenant.faults.rateLimit('patchUser', { retryAfterSeconds: 1 });
    const { record } = await call('set password', user.user_id, (client, options) => client.users.update(user.user_id, { password: 'N3w-passw0rd!', connection: 'Username-Password-Authentication' }, options), false);
    expect(record).toMatchObject({ attempts: 2, status: 200 });
  });

  test('keeps the header that names the call from ever leaving: the tenant sees the token and no more', async ({ tenant }) => {
    const user = tenant.users.create();
    const { call, sent } = await callOn(tenant);
    await Promise.all([
      call('read user', user.user_id, (client, options) => client.users.get(user.user_id, {}, options)),
      call('search users', undefined, (client, options) => client.users.list({ q: 'email:*', search_engine: 'v3', include_totals: true }, options)),
    ]);
    const api = sent.filter(({ url }) => url.includes('/api/v2/'));
    expect(api).toHaveLength(2);
    for (const { headers } of api) {
      expect(headers.get('authorization')).toMatch(/^Bearer \S+$/);
      const names: string[] = [];
      headers.forEach((_value, name) => void names.push(name));
      expect(names.filter((name) => name.startsWith('x-afpr'))).toEqual([]);
      expect(names).toContain('authorization');
    }
  });

  test('refuses a request made without the call’s request options, before sending it', async ({ tenant }) => {
    const user = tenant.users.create();
    const { call, sent } = await callOn(tenant);
    const error = await rejectionOf(call('read user', user.user_id, (client) => client.users.get(user.user_id)));
    expect(error).toMatchObject({ step: 'read user', status: undefined });
    expect(sent.filter(({ url }) => url.includes('/api/v2/'))).toEqual([]);
  });

  test('replaces a token from the store that the API rejects, once, and sends the call again — even one that must not run twice', async ({ tenant }) => {
    const user = tenant.users.create();
    const store = createMemoryTokenStore();
    await (await callOn(tenant, store)).tokens.get();
    tenant.revokeTokens();
    const { call, tokens } = await callOn(tenant, store);
    const { record } = await call('set password', user.user_id, (client, options) => client.users.update(user.user_id, { password: 'N3w-passw0rd!', connection: 'Username-Password-Authentication' }, options), false);
    expect(record).toMatchObject({ attempts: 1, status: 200 });
    expect(tokens.origin).toBe('token-endpoint');
    expect(tenant.counts()).toMatchObject({ token: 2, patchUser: 2 });
  });

  test('asks the endpoint when the replacement another execution stored is rejected too (its keys rotated again meanwhile)', async ({ tenant }) => {
    const user = tenant.users.create();
    const store = createMemoryTokenStore();
    // A stale execution holds token A; another met A's rejection, stored its replacement B, and B was
    // revoked in turn.
    await (await callOn(tenant, store)).tokens.get();
    const stale = await callOn(tenant, store);
    await stale.tokens.get();
    expect(stale.tokens.origin).toBe('memory');
    tenant.revokeTokens();
    await (await callOn(tenant, store)).call('read user', user.user_id, (client, options) => client.users.get(user.user_id, {}, options));
    tenant.revokeTokens();
    const { record } = await stale.call('read user', user.user_id, (client, options) => client.users.get(user.user_id, {}, options));
    expect(record).toMatchObject({ status: 200 });
    expect(stale.tokens.origin).toBe('token-endpoint');
    // A, B (the other execution's), then C; A and B each rejected once, C accepted.
    expect(tenant.counts()).toMatchObject({ token: 3, getUser: 5 });
  });

  test('does not ask again for a token fresh from the endpoint that the API rejects', async ({ tenant }) => {
    const user = tenant.users.create();
    const { call } = await callOn(tenant);
    tenant.faults.inject('getUser', { kind: 'status', status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'Invalid token' } });
    const error = await rejectionOf(call('read user', user.user_id, (client, options) => client.users.get(user.user_id, {}, options)));
    expect(error).toMatchObject({ step: 'read user', status: 401, attempts: 1, serverMessage: 'Invalid token' });
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 1 });
  });

  test('gives the SDK a timeout past the call’s deadline (ours ends it, retries and waits included)', async ({ tenant }) => {
    const user = tenant.users.create();
    const { call, setDeadline, tokens } = await callOn(tenant);
    await tokens.get();
    const given: SdkRequestOptions[] = [];
    setDeadline(performance.now() + 9_900);
    await call('read user', user.user_id, (client, options) => (given.push(options), client.users.get(user.user_id, {}, options)));
    setDeadline(Number.POSITIVE_INFINITY);
    await call('read user', user.user_id, (client, options) => (given.push(options), client.users.get(user.user_id, {}, options)));
    expect(given.map(({ timeoutInSeconds }) => timeoutInSeconds)).toEqual([10 + 30, 3600 + 30]);
  });
});
