import { describe, expect, it } from 'vitest';
import { ManagementApiError } from '../../../src/errors/index.js';
import { signHs256 } from '../../../src/internal/jwt.js';
import { parseTenantDomain, type TenantDomain } from '../../../src/management/domain.js';
import { managementApiFailure } from '../../../src/management/management-api-failure.js';
import { createRetryingFetch } from '../../../src/management/resilient-fetch.js';
import { createTokenSource, readTokenAnswer, type TokenSourceOptions } from '../../../src/management/token-source.js';
import { createActionTokenStore, createMemoryTokenStore, createTokenMemo, type TokenStore } from '../../../src/management/token-store.js';
import { createMemoryCache } from '../../../src/testing/memory-cache.js';

/** The token of one client: where it comes from, when it is asked for again, and who shares a request. */

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const NOW_SECONDS = NOW / 1000;
const DOMAIN = parseTenantDomain('acme.eu.auth0.com') as TenantDomain;
const SECRET = 'client-secret+/="9f';

describe('readTokenAnswer', () => {
  it('takes the lifetime from expires_in and the scopes from scope', () => {
    expect(readTokenAnswer(JSON.stringify({ access_token: 'opaque', expires_in: 86_400, scope: 'read:users  update:users' }), NOW)).toEqual({
      token: 'opaque',
      expiresAt: NOW + 86_400_000,
      scopes: new Set(['read:users', 'update:users']),
    });
  });

  it('prefers expires_in to the JWT’s exp, and scope to its claim', () => {
    const token = signHs256({ exp: NOW_SECONDS + 999_999, scope: 'read:users' }, 'k');
    expect(readTokenAnswer(JSON.stringify({ access_token: token, expires_in: 30, scope: 'update:users' }), NOW)).toEqual({
      token,
      expiresAt: NOW + 30_000,
      scopes: new Set(['update:users']),
    });
  });

  it('falls back to the JWT’s exp and scope claims when the answer leaves them out', () => {
    const token = signHs256({ exp: NOW_SECONDS + 3600, scope: 'read:users' }, 'k');
    expect(readTokenAnswer(JSON.stringify({ access_token: token }), NOW)).toEqual({ token, expiresAt: (NOW_SECONDS + 3600) * 1000, scopes: new Set(['read:users']) });
  });

  it('knows no lifetime (0: this execution only) and no scopes for an opaque token without expires_in and scope', () => {
    expect(readTokenAnswer(JSON.stringify({ access_token: 'opaque', expires_in: -5 }), NOW)).toEqual({ token: 'opaque', expiresAt: 0, scopes: undefined });
  });

  it.each([
    ['no body', undefined],
    ['a body that is not JSON', 'access_token=abc'],
    ['no access_token', JSON.stringify({ token_type: 'Bearer' })],
    ['an empty access_token', JSON.stringify({ access_token: '' })],
    ['an access_token with whitespace (it would break the header)', JSON.stringify({ access_token: 'abc\r\nX-Injected: 1' })],
    ['an access_token that is not a string', JSON.stringify({ access_token: 42 })],
    ['an array', JSON.stringify([{ access_token: 'abc' }])],
  ])('finds no token in %s', (_name, body) => {
    expect(readTokenAnswer(body, NOW)).toBeUndefined();
  });
});

/** A token endpoint that counts its requests and answers each with a new token, or as told. */
function tokenEndpoint(answer: (count: number) => Response = (count) => Response.json({ access_token: `token-${count}`, expires_in: 86_400, scope: 'read:users' })) {
  const bodies: URLSearchParams[] = [];
  let release: () => void = () => {};
  let held: Promise<void> | undefined;
  const transport: typeof globalThis.fetch = async (input, init) => {
    expect(String(input)).toBe('https://acme.eu.auth0.com/oauth/token');
    bodies.push(new URLSearchParams(String(init?.body)));
    await held;
    return answer(bodies.length);
  };
  return {
    bodies,
    transport,
    /** Holds every answer until the returned function is called. */
    hold() {
      held = new Promise((resolve) => (release = resolve));
      return () => release();
    },
  };
}

function sourceOf(transport: typeof globalThis.fetch, store: TokenStore = createMemoryTokenStore(), extra: Partial<TokenSourceOptions> = {}) {
  return createTokenSource({
    domain: DOMAIN,
    clientId: 'client-id',
    clientSecret: SECRET,
    store,
    retryingFetch: () => createRetryingFetch({ transport, requestTimeoutMs: 1_000, deadline: Number.POSITIVE_INFINITY, maxAttempts: 1 }),
    fail: (record, error, malformed) =>
      managementApiFailure({ caller: 'test', step: 'get token', userId: undefined, record, error, ...(malformed === undefined ? {} : { malformed }), secrets: [SECRET], hint: undefined }),
    ...extra,
  });
}

describe('createTokenSource', () => {
  it('asks the token endpoint with the client credentials and the Management API audience, once', async () => {
    const endpoint = tokenEndpoint();
    const tokens = sourceOf(endpoint.transport);
    expect(tokens.current).toBeUndefined();
    expect(await tokens.get()).toMatchObject({ token: 'token-1' });
    expect(await tokens.get()).toMatchObject({ token: 'token-1' });
    expect(tokens).toMatchObject({ origin: 'token-endpoint', current: { token: 'token-1' } });
    expect(endpoint.bodies.map((body) => Object.fromEntries(body))).toEqual([
      { grant_type: 'client_credentials', client_id: 'client-id', client_secret: SECRET, audience: 'https://acme.eu.auth0.com/api/v2/' },
    ]);
  });

  it('takes a token another client left in the store, and says where it came from', async () => {
    const endpoint = tokenEndpoint();
    const store = createMemoryTokenStore();
    await sourceOf(endpoint.transport, store).get();
    const second = sourceOf(endpoint.transport, store);
    expect(await second.get()).toMatchObject({ token: 'token-1' });
    expect(second.origin).toBe('memory');
    expect(endpoint.bodies).toHaveLength(1);
  });

  it('shares one token request among the clients of one store, and writes the token back once', async () => {
    const endpoint = tokenEndpoint();
    const cache = createMemoryCache();
    let writes = 0;
    const counting = { ...cache, set: (...args: Parameters<typeof cache.set>) => ((writes += 1), cache.set(...args)) };
    const memo = createTokenMemo();
    const release = endpoint.hold();
    const clients = Array.from({ length: 5 }, () => sourceOf(endpoint.transport, createActionTokenStore(memo, 'acme\nclient-id', counting, 'client-id')));
    const tokens = Promise.all(clients.map((client) => client.get()));
    release();
    expect((await tokens).map(({ token }) => token)).toEqual(Array(5).fill('token-1'));
    expect(endpoint.bodies).toHaveLength(1);
    expect(writes).toBe(1);
    expect(clients.map(({ origin }) => origin)).toEqual(Array(5).fill('token-endpoint'));
  });

  it('gives every waiting client the failure of the shared request, and asks afresh after it', async () => {
    let status = 503;
    const endpoint = tokenEndpoint((count) => (status === 503 ? Response.json({ error: 'down' }, { status }) : Response.json({ access_token: `token-${count}`, expires_in: 600 })));
    const store = createMemoryTokenStore();
    const release = endpoint.hold();
    const waiting = Promise.allSettled([sourceOf(endpoint.transport, store).get(), sourceOf(endpoint.transport, store).get()]);
    release();
    const results = await waiting;
    expect(results.map((result) => result.status === 'rejected' && result.reason instanceof ManagementApiError && result.reason.status)).toEqual([503, 503]);
    expect(store.pending).toBeUndefined();
    status = 200;
    expect(await sourceOf(endpoint.transport, store).get()).toMatchObject({ token: 'token-2' });
  });

  it('replaces a token the API rejected: forgotten in the store, asked for again', async () => {
    const endpoint = tokenEndpoint();
    const store = createMemoryTokenStore();
    await sourceOf(endpoint.transport, store).get();
    const tokens = sourceOf(endpoint.transport, store);
    await tokens.get();
    expect(tokens.origin).toBe('memory');
    expect(await tokens.replace()).toMatchObject({ token: 'token-2' });
    expect(tokens.origin).toBe('token-endpoint');
    expect(store.read(Date.now())?.record.token).toBe('token-2');
  });

  it('replaces a rejected token once for executions that met the same 401: the later ones take the replacement', async () => {
    const endpoint = tokenEndpoint();
    const store = createMemoryTokenStore();
    await sourceOf(endpoint.transport, store).get();
    const first = sourceOf(endpoint.transport, store);
    const second = sourceOf(endpoint.transport, store);
    await Promise.all([first.get(), second.get()]);
    expect(await first.replace()).toMatchObject({ token: 'token-2' });
    // The second met the 401 with token-1 too, and asks after the first's replacement was stored.
    expect(await second.replace()).toMatchObject({ token: 'token-2' });
    expect(endpoint.bodies).toHaveLength(2);
    expect(store.read(Date.now())?.record.token).toBe('token-2');
  });

  it('keeps its own token for its next call even when too close to expiry to share, until 5 s before', async () => {
    const endpoint = tokenEndpoint((count) => Response.json({ access_token: `token-${count}`, expires_in: 30 }));
    const store = createMemoryTokenStore();
    const tokens = sourceOf(endpoint.transport, store);
    await tokens.get();
    // 30 s is within the store's leeway: the next client asks again, this one does not.
    expect(store.read(Date.now())).toBeUndefined();
    expect(await tokens.get()).toMatchObject({ token: 'token-1' });
    expect(endpoint.bodies).toHaveLength(1);

    const ending = sourceOf(tokenEndpoint((count) => Response.json({ access_token: `ending-${count}`, expires_in: 4 })).transport);
    await ending.get();
    expect(await ending.get()).toMatchObject({ token: 'ending-2' });
  });

  it('uses a token of unknown lifetime for its own calls, never shares it', async () => {
    const endpoint = tokenEndpoint((count) => Response.json({ access_token: `opaque-${count}` }));
    const store = createMemoryTokenStore();
    const tokens = sourceOf(endpoint.transport, store);
    expect(await tokens.get()).toMatchObject({ token: 'opaque-1', expiresAt: 0 });
    expect(await tokens.get()).toMatchObject({ token: 'opaque-1' });
    expect(await sourceOf(endpoint.transport, store).get()).toMatchObject({ token: 'opaque-2' });
  });

  it('fails the step on an answer without a token, and on a refusal, without the secret', async () => {
    const malformed = await sourceOf(tokenEndpoint(() => Response.json({ token_type: 'Bearer' })).transport).get().catch((error: unknown) => error);
    expect(malformed).toMatchObject({ step: 'get token', status: 200, reason: 'malformed answer: no access_token' });
    const refused = await sourceOf(tokenEndpoint(() => Response.json({ error_description: `bad secret ${SECRET}` }, { status: 401 })).transport)
      .get()
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ step: 'get token', status: 401, serverMessage: 'bad secret [redacted]' });
  });

  it('warns when the token cannot be shared through api.cache, and keeps it in memory', async () => {
    const warnings: string[] = [];
    const full = { ...createMemoryCache(), set: () => ({ type: 'error' as const, code: 'CACHE_FULL' }) };
    const memo = createTokenMemo();
    const endpoint = tokenEndpoint();
    const warn = (reason: string, detail: string) => void warnings.push(`${reason}: ${detail}`);
    await sourceOf(endpoint.transport, createActionTokenStore(memo, 'k', full, 'client-id'), { warn }).get();
    expect(warnings).toEqual(['cache-write-failed: api.cache.set failed (CACHE_FULL); token kept in memory only']);
    const next = sourceOf(endpoint.transport, createActionTokenStore(memo, 'k', full, 'client-id'));
    await next.get();
    expect(next.origin).toBe('memory');
  });
});
