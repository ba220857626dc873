import { afterEach, describe, expect, vi } from 'vitest';
import { startLocalTenant, type LocalTenant, type LocalTenantOptions } from '../../../../src/testing/local-tenant/index.js';
import { accessTokenOf as accessToken, clientCredentialsOf, tenantTest as it } from '../../../helpers/local-tenant.js';

afterEach(() => {
  vi.useRealTimers();
});

/**
 * The system clock, frozen and moved by hand with the test runner's fake `Date` — the one clock the
 * tenant and the handlers share.
 */
function manualClock(start = Date.parse('2025-03-01T12:00:00.000Z')) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(start);
  return {
    now: () => Date.now(),
    advance(milliseconds: number) {
      vi.setSystemTime(Date.now() + milliseconds);
    },
  };
}

interface TokenRequest {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  audience?: string;
}

function requestToken(tenant: LocalTenant, overrides: TokenRequest = {}): Promise<Response> {
  const parameters = { ...clientCredentialsOf(tenant), ...overrides };
  return tenant.fetch(`https://${tenant.domain}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(parameters).toString(),
  });
}


function decodeJwtPart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

interface ApiCall {
  token?: string;
  body?: unknown;
  query?: string;
  signal?: AbortSignal;
}

function userUrl(tenant: LocalTenant, userId: string, query = ''): string {
  return `https://${tenant.domain}/api/v2/users/${encodeURIComponent(userId)}${query}`;
}

function getUser(tenant: LocalTenant, userId: string, call: ApiCall = {}): Promise<Response> {
  return tenant.fetch(userUrl(tenant, userId, call.query), {
    headers: call.token === undefined ? {} : { authorization: `Bearer ${call.token}` },
    ...(call.signal === undefined ? {} : { signal: call.signal }),
  });
}

function patchUser(tenant: LocalTenant, userId: string, call: ApiCall): Promise<Response> {
  return tenant.fetch(userUrl(tenant, userId), {
    method: 'PATCH',
    headers: {
      'content-type': 'application/json',
      ...(call.token === undefined ? {} : { authorization: `Bearer ${call.token}` }),
    },
    body: JSON.stringify(call.body),
  });
}

describe('token endpoint', () => {
  it('issues a JWT-shaped client-credentials token for the Management API audience', async ({ startTenant: start }) => {
    const clock = manualClock();
    const tenant = await start();

    const response = await requestToken(tenant);
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 86_400,
      scope: 'read:users update:users',
    });
    const [header, payload, signature] = String(body['access_token']).split('.');
    expect(decodeJwtPart(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const issuedAt = Math.floor(clock.now() / 1000);
    expect(decodeJwtPart(payload)).toEqual({
      iss: `https://${tenant.domain}/`,
      sub: `${tenant.clientId}@clients`,
      aud: `https://${tenant.domain}/api/v2/`,
      iat: issuedAt,
      exp: issuedAt + 86_400,
      scope: 'read:users update:users',
      gty: 'client-credentials',
      azp: tenant.clientId,
    });
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts a JSON body as well as a form-encoded one', async ({ startTenant: start }) => {
    const tenant = await start({ clientSecret: 'json-secret', scopes: ['read:users'] });

    const response = await tenant.fetch(`https://${tenant.domain}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: tenant.clientId,
        client_secret: 'json-secret',
        audience: `https://${tenant.domain}/api/v2/`,
      }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', scope: 'read:users' });
  });

  it('refuses a wrong client secret with 401 access_denied', async ({ startTenant: start }) => {
    const tenant = await start();

    const response = await requestToken(tenant, { client_secret: 'not-the-secret' });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
  });

  it('refuses a wrong client id with 401 access_denied', async ({ startTenant: start }) => {
    const tenant = await start();

    const response = await requestToken(tenant, { client_id: 'someoneElse' });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
  });

  it('refuses another audience with 403 naming it', async ({ startTenant: start }) => {
    const tenant = await start();

    const response = await requestToken(tenant, { audience: 'https://tenant.eu.auth0.com/api/v2/' });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: 'access_denied',
      error_description: 'Service not enabled within domain: https://tenant.eu.auth0.com/api/v2/',
    });
  });

  it('refuses any grant but client_credentials', async ({ startTenant: start }) => {
    const tenant = await start();

    const response = await requestToken(tenant, { grant_type: 'password' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'unsupported_grant_type',
      error_description: 'Unsupported grant type: password',
    });
  });
});

describe('GET /api/v2/users/{id}', () => {
  it('returns the user, with the id URL-encoded in the path', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create({ email: 'ada@example.com', app_metadata: { plan: 'pro' } });
    const token = await accessToken(tenant);

    const response = await getUser(tenant, user.user_id, { token });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(user);
    expect(tenant.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: `/api/v2/users/${encodeURIComponent(user.user_id)}`,
      route: 'getUser',
      status: 200,
      auth: 'valid',
    });
  });

  it('applies fields and include_fields', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create({ email: 'ada@example.com', app_metadata: { plan: 'pro' } });
    const token = await accessToken(tenant);

    const included = await getUser(tenant, user.user_id, { token, query: '?fields=user_id,app_metadata&include_fields=true' });
    const excluded = await getUser(tenant, user.user_id, { token, query: '?fields=identities,app_metadata,user_metadata&include_fields=false' });

    expect(await included.json()).toEqual({ user_id: user.user_id, app_metadata: { plan: 'pro' } });
    expect(Object.keys((await excluded.json()) as object).sort()).toEqual([
      'created_at', 'email', 'email_verified', 'logins_count', 'updated_at', 'user_id',
    ]);
  });

  it('answers 404 inexistent_user for an unknown id', async ({ startTenant: start }) => {
    const tenant = await start();
    const token = await accessToken(tenant);

    const response = await getUser(tenant, 'auth0|000000000000000000000000', { token });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The user does not exist.',
      errorCode: 'inexistent_user',
    });
  });

  it('answers 401 without a bearer token', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();

    const response = await getUser(tenant, user.user_id);

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication' });
    expect(tenant.requests.at(-1)).toMatchObject({ auth: 'none', status: 401 });
  });

  it('answers 401 to a forged token', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();
    const [header, payload] = (await accessToken(tenant)).split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(32).toString('base64url')}`;

    const response = await getUser(tenant, user.user_id, { token: forged });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token' });
    expect(tenant.requests.at(-1)).toMatchObject({ auth: 'invalid' });
  });

  it('answers 401 to a token from another tenant', async ({ startTenant: start }) => {
    const tenant = await start();
    const other = await start();
    const user = tenant.users.create();

    const response = await getUser(tenant, user.user_id, { token: await accessToken(other) });

    expect(response.status).toBe(401);
  });

  it('answers 401 to every token issued before revokeTokens(), and accepts new ones', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();
    const oldToken = await accessToken(tenant);

    tenant.revokeTokens();

    const refused = await getUser(tenant, user.user_id, { token: oldToken });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ message: 'Invalid token' });
    const accepted = await getUser(tenant, user.user_id, { token: await accessToken(tenant) });
    expect(accepted.status).toBe(200);
  });

  it('answers 401 to a token that expired by the tenant clock, after Auth0’s 24 hours', async ({ startTenant: start }) => {
    const clock = manualClock();
    const tenant = await start();
    const user = tenant.users.create();
    const token = await accessToken(tenant);

    clock.advance(86_399_000);
    expect((await getUser(tenant, user.user_id, { token })).status).toBe(200);
    clock.advance(1_000);
    const expired = await getUser(tenant, user.user_id, { token });

    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Expired token received for JSON Web Token validation',
    });
    expect(tenant.requests.at(-1)).toMatchObject({ auth: 'invalid' });
  });

  it('answers 403 insufficient_scope without read:users', async ({ startTenant: start }) => {
    const tenant = await start({ scopes: ['update:users'] });
    const user = tenant.users.create();

    const response = await getUser(tenant, user.user_id, { token: await accessToken(tenant) });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: read:users',
      errorCode: 'insufficient_scope',
    });
  });
});

describe('PATCH /api/v2/users/{id}', () => {
  it('merges app_metadata at the top level, deletes keys set to null and keeps the others', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create({
      app_metadata: { mustChangePassword: true, flaggedAt: '2025-01-01', plan: { tier: 'pro', seats: 3 } },
      user_metadata: { theme: 'dark' },
    });
    const token = await accessToken(tenant);

    const response = await patchUser(tenant, user.user_id, {
      token,
      body: { app_metadata: { mustChangePassword: null, plan: { tier: 'free' }, region: 'eu' } },
    });
    const updated = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(updated['app_metadata']).toEqual({ flaggedAt: '2025-01-01', plan: { tier: 'free' }, region: 'eu' });
    expect(updated['user_metadata']).toEqual({ theme: 'dark' });
    expect(tenant.users.get(user.user_id)).toEqual(updated);
    expect(Date.parse(String(updated['updated_at']))).toBeGreaterThan(Date.parse(user.updated_at));
  });

  it('sets the password like an administrator, stamping last_password_reset', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create({ password: 'initial-Passw0rd' });
    const token = await accessToken(tenant);

    const response = await patchUser(tenant, user.user_id, {
      token,
      body: { password: 'replaced-Passw0rd', connection: 'Username-Password-Authentication' },
    });
    const updated = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(updated['last_password_reset']).toBe(updated['updated_at']);
    expect(updated).not.toHaveProperty('password');
    expect(tenant.users.verifyPassword(user.user_id, 'replaced-Passw0rd')).toBe(true);
    expect(tenant.users.verifyPassword(user.user_id, 'initial-Passw0rd')).toBe(false);
  });

  it('keeps what bcrypt keeps of a password, its first 72 bytes: a longer one signs in as its prefix and meets it in the history', async ({ startTenant: start }) => {
    const tenant = await start();
    tenant.connections.setPasswordPolicy('Username-Password-Authentication', { passwordPolicy: 'good', passwordHistorySize: 3 });
    const prefix = `Aa1-${'x'.repeat(68)}`; // 72 bytes
    const user = tenant.users.create({ email: 'long@example.com', password: `${prefix}-first-ending` });
    expect(tenant.users.verifyPassword(user.user_id, `${prefix}-any-other-ending`)).toBe(true);
    expect(tenant.users.verifyPassword(user.user_id, prefix.slice(0, -1))).toBe(false);
    expect(() => tenant.users.changePassword(user.user_id, `${prefix}-second-ending`)).toThrow(/PasswordHistoryError/);
  });

  it('sets email_verified and blocked', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create({ email: 'ada@example.com' });

    const response = await patchUser(tenant, user.user_id, {
      token: await accessToken(tenant),
      body: { email_verified: true, blocked: true },
    });

    expect(await response.json()).toMatchObject({ email_verified: true, blocked: true });
  });

  it.for([
    ['a metadata key with "."', { app_metadata: { 'a.b': 1 } }],
    ['a metadata key with "$"', { user_metadata: { $set: 1 } }],
    ['an unknown field', { app_metadata: {}, favourite_colour: 'blue' }],
    ['a field the stand-in does not model', { email: 'new@example.com' }],
    ['an empty body', {}],
    ['metadata that is not an object', { app_metadata: ['a'] }],
  ] as const)('answers 400 to %s and changes nothing', async ([, body], { startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create({ app_metadata: { keep: true } });

    const response = await patchUser(tenant, user.user_id, { token: await accessToken(tenant), body });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    expect(tenant.users.get(user.user_id)).toEqual(user);
  });

  it('answers 400 to a password for a social user', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create({ connection: 'google-oauth2' });

    const response = await patchUser(tenant, user.user_id, { token: await accessToken(tenant), body: { password: 'x' } });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorCode: 'operation_not_supported' });
  });

  it('answers 404 for an unknown user', async ({ startTenant: start }) => {
    const tenant = await start();

    const response = await patchUser(tenant, 'auth0|nobody', { token: await accessToken(tenant), body: { app_metadata: { a: 1 } } });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errorCode: 'inexistent_user' });
  });

  it('answers 403 without update:users', async ({ startTenant: start }) => {
    const tenant = await start({ scopes: ['read:users'] });
    const user = tenant.users.create();

    const response = await patchUser(tenant, user.user_id, { token: await accessToken(tenant), body: { app_metadata: { a: 1 } } });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ errorCode: 'insufficient_scope' });
    expect(tenant.users.get(user.user_id)?.app_metadata).toEqual({});
  });

  it('accepts update:users_app_metadata for a body of app_metadata alone, and only then', async ({ startTenant: start }) => {
    const tenant = await start({ scopes: ['update:users_app_metadata'] });
    const user = tenant.users.create();
    const token = await accessToken(tenant);

    const appOnly = await patchUser(tenant, user.user_id, { token, body: { app_metadata: { a: 1 } } });
    const withUserMetadata = await patchUser(tenant, user.user_id, { token, body: { app_metadata: { a: 2 }, user_metadata: { b: 1 } } });

    expect(appOnly.status).toBe(200);
    expect(withUserMetadata.status).toBe(403);
    expect(tenant.users.get(user.user_id)?.app_metadata).toEqual({ a: 1 });
  });

  it('answers 401 without a token, before looking at the body', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();

    const response = await patchUser(tenant, user.user_id, { body: { app_metadata: { a: 1 } } });

    expect(response.status).toBe(401);
    expect(tenant.users.get(user.user_id)?.app_metadata).toEqual({});
  });
});

describe('other routes', () => {
  it('answers 404 in Auth0 error shape', async ({ startTenant: start }) => {
    const tenant = await start();

    const response = await tenant.fetch(`https://${tenant.domain}/api/v2/clients`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(tenant.requests.at(-1)).toMatchObject({ route: 'other', status: 404 });
  });
});

describe('fault injection', () => {
  it('rate-limits the token endpoint without issuing a token, with Auth0 headers and body', async ({ startTenant: start }) => {
    manualClock(Date.parse('2025-03-01T12:00:00.500Z'));
    const tenant = await start();
    tenant.faults.rateLimit('token', { retryAfterSeconds: 3 });

    const limited = await requestToken(tenant);

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('2');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2025-03-01T12:00:00Z') / 1000 + 3));
    expect(await limited.json()).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Global limit has been reached',
    });
    expect(tenant.requests.at(-1)).toMatchObject({ route: 'token', status: 429, fault: 'status' });
    expect((await requestToken(tenant)).status).toBe(200);
  });

  it('answers server errors for the given number of requests, then recovers', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();
    const token = await accessToken(tenant);
    tenant.faults.serverError('getUser', { times: 2 });

    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt += 1) statuses.push((await getUser(tenant, user.user_id, { token })).status);

    expect(statuses).toEqual([503, 503, 200]);
  });

  it('uses injections in order, each only on the routes it matches', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();
    tenant.faults.serverError('getUser', { status: 500 });
    tenant.faults.inject('any', { kind: 'status', status: 418, headers: { 'x-test': 'yes' }, body: { teapot: true } });

    const tokenResponse = await requestToken(tenant);
    const userResponse = await getUser(tenant, user.user_id);

    expect(tokenResponse.status).toBe(418);
    expect(tokenResponse.headers.get('x-test')).toBe('yes');
    expect(await tokenResponse.json()).toEqual({ teapot: true });
    expect(userResponse.status).toBe(500);
    expect(await userResponse.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
  });

  it('hangs a request until the client gives up', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();
    const token = await accessToken(tenant);
    tenant.faults.hang('getUser');

    const hung = getUser(tenant, user.user_id, { token, signal: AbortSignal.timeout(100) });

    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(tenant.requests.at(-1)).toMatchObject({ route: 'getUser', fault: 'hang' });
    expect(tenant.requests.at(-1)).not.toHaveProperty('status');
    expect((await getUser(tenant, user.user_id, { token })).status).toBe(200);
  });

  it('ends hanging requests on close()', async ({ startTenant: start }) => {
    const tenant = await start();
    tenant.faults.hang('any');

    const hung = requestToken(tenant);
    await expect.poll(() => tenant.counts().total).toBe(1);
    await tenant.close();

    await expect(hung).rejects.toThrow(TypeError);
    await tenant.close();
  });

  it('drops the connection without a response', async ({ startTenant: start }) => {
    const tenant = await start();
    tenant.faults.drop('token');

    await expect(requestToken(tenant)).rejects.toThrow(TypeError);
    expect(tenant.requests).toEqual([expect.objectContaining({ route: 'token', fault: 'drop' })]);
    expect(tenant.requests[0]).not.toHaveProperty('status');
    expect((await requestToken(tenant)).status).toBe(200);
  });

  it('clear() removes faults not yet used', async ({ startTenant: start }) => {
    const tenant = await start();
    tenant.faults.drop('any', { times: 5 });
    tenant.faults.clear();

    expect((await requestToken(tenant)).status).toBe(200);
  });

  it('rejects malformed injections with a message saying what is expected', async ({ startTenant: start }) => {
    const tenant = await start();

    expect(() => tenant.faults.hang('getUsers' as 'getUser')).toThrow(
      '[auth0-force-password-reset] localTenant.faults.hang: "target" must be "token", "getUser", "patchUser", "listUsers", "getConnection", "listConnections", "createUsersExport", "getJob", "downloadExport", "resetEmail", "authorize", "continue", "userinfo", "listSessions", "revokeAccess", "deleteSessions", "deleteRefreshTokens", "other" or "any" (got "getUsers")',
    );
    expect(() => tenant.faults.serverError('any', { status: 404 })).toThrow('"options.status" must be an integer from 500 to 599 (got 404)');
    expect(() => tenant.faults.drop('any', { times: 0 })).toThrow('"options.times" must be a positive integer (got 0)');
  });
});

describe('request log', () => {
  it('counts requests per route and resets them', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();
    const token = await accessToken(tenant);
    await getUser(tenant, user.user_id, { token });
    await getUser(tenant, user.user_id, { token });
    await patchUser(tenant, user.user_id, { token, body: { app_metadata: { a: 1 } } });
    await tenant.fetch(`https://${tenant.domain}/api/v2/roles`);

    expect(tenant.counts()).toEqual({ token: 1, getUser: 2, patchUser: 1, listUsers: 0, getConnection: 0, listConnections: 0, createUsersExport: 0, getJob: 0, downloadExport: 0, resetEmail: 0, authorize: 0, continue: 0, userinfo: 0, listSessions: 0, revokeAccess: 0, deleteSessions: 0, deleteRefreshTokens: 0, other: 1, total: 5 });
    expect(tenant.requests.map(({ route }) => route)).toEqual(['token', 'getUser', 'getUser', 'patchUser', 'other']);

    tenant.resetCounts();

    expect(tenant.counts()).toEqual({ token: 0, getUser: 0, patchUser: 0, listUsers: 0, getConnection: 0, listConnections: 0, createUsersExport: 0, getJob: 0, downloadExport: 0, resetEmail: 0, authorize: 0, continue: 0, userinfo: 0, listSessions: 0, revokeAccess: 0, deleteSessions: 0, deleteRefreshTokens: 0, other: 0, total: 0 });
    expect(tenant.requests).toEqual([]);
  });

  it('never holds a token, secret or password', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();
    const token = await accessToken(tenant);
    await patchUser(tenant, user.user_id, { token, body: { password: 'hunter2-Passw0rd' } });

    const recorded = JSON.stringify(tenant.requests);

    expect(recorded).not.toContain(tenant.clientSecret);
    expect(recorded).not.toContain(token);
    expect(recorded).not.toContain('hunter2');
  });

  it('returns a copy that later requests and callers cannot change', async ({ startTenant: start }) => {
    const tenant = await start();
    await requestToken(tenant);
    const snapshot = tenant.requests;

    await requestToken(tenant);

    expect(snapshot).toHaveLength(1);
    expect(tenant.requests).toHaveLength(2);
  });
});

describe('fetch transport', () => {
  it('reaches the tenant through https://<domain> URLs, URL objects and Request objects', async ({ startTenant: start }) => {
    const tenant = await start();

    const viaUrl = await tenant.fetch(new URL(`https://${tenant.domain}/api/v2/nothing`));
    const viaRequest = await tenant.fetch(new Request(`https://${tenant.domain}/api/v2/nothing`, { method: 'DELETE' }));

    expect(viaUrl.status).toBe(404);
    expect(viaRequest.status).toBe(404);
    expect(tenant.requests.map(({ method }) => method)).toEqual(['GET', 'DELETE']);
  });

  it.for([
    ['another host', 'https://tenant.eu.auth0.com/api/v2/users/x'],
    ['another port on the same address', 'https://127.0.0.1:1/oauth/token'],
    ['the same port under another name', 'https://localhost:PORT/oauth/token'],
    ['another scheme', 'ftp://DOMAIN/'],
  ] as const)('rejects %s with a TypeError before sending anything', async ([, url], { startTenant: start }) => {
    const tenant = await start();
    const target = url.replace('PORT', String(new URL(tenant.origin).port)).replace('DOMAIN', tenant.domain);

    await expect(tenant.fetch(target)).rejects.toThrow(TypeError);
    await expect(tenant.fetch(target)).rejects.toThrow(/refusing to send a request to .*; a local tenant only reaches https:\/\/127\.0\.0\.1:\d+\//);
    expect(tenant.counts().total).toBe(0);
  });

  it('exposes the domain, origin and Action secrets', async ({ startTenant: start }) => {
    const tenant = await start({ clientSecret: 'my-secret' });

    expect(tenant.domain).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(tenant.origin).toBe(`http://${tenant.domain}`);
    expect(tenant.clientId).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(tenant.secrets).toEqual({ AUTH0_DOMAIN: tenant.domain, AUTH0_CLIENT_ID: tenant.clientId, AUTH0_CLIENT_SECRET: 'my-secret' });
  });
});

describe('user store', () => {
  it('creates database users shaped like Auth0 users', async ({ startTenant: start }) => {
    manualClock();
    const tenant = await start();

    const user = tenant.users.create({ email: 'ada@example.com' });

    expect(user).toEqual({
      user_id: expect.stringMatching(/^auth0\|[0-9a-f]{24}$/),
      email: 'ada@example.com',
      email_verified: false,
      created_at: '2025-03-01T12:00:00.000Z',
      updated_at: '2025-03-01T12:00:00.000Z',
      logins_count: 0,
      identities: [
        {
          connection: 'Username-Password-Authentication',
          provider: 'auth0',
          user_id: user.user_id.slice('auth0|'.length),
          isSocial: false,
        },
      ],
      app_metadata: {},
      user_metadata: {},
    });
    expect(user).not.toHaveProperty('last_password_reset');
  });

  it('creates social and enterprise users with their id shapes', async ({ startTenant: start }) => {
    const tenant = await start();

    const social = tenant.users.create({ connection: 'google-oauth2', email: 'g@example.com' });
    const enterprise = tenant.users.create({ connection: 'acme-saml', email: 'e@acme.example' });

    expect(social.user_id).toMatch(/^google-oauth2\|\d{21}$/);
    expect(social.identities).toEqual([
      { connection: 'google-oauth2', provider: 'google-oauth2', user_id: social.user_id.slice('google-oauth2|'.length), isSocial: true },
    ]);
    expect(social.email_verified).toBe(true);
    expect(enterprise.user_id).toBe('samlp|acme-saml|e@acme.example');
    expect(enterprise.identities).toEqual([
      { connection: 'acme-saml', provider: 'samlp', user_id: 'acme-saml|e@acme.example', isSocial: false },
    ]);
    expect(() => tenant.users.setPassword(social.user_id, 'x')).toThrow(
      '[auth0-force-password-reset] localTenant.users.setPassword: "password" is only for database users; ' +
        '"google-oauth2" is a social connection',
    );
  });

  it('throws for an unknown connection, naming it', async ({ startTenant: start }) => {
    const tenant = await start();

    expect(() => tenant.users.create({ connection: 'corp-ldap' })).toThrow(
      '[auth0-force-password-reset] localTenant.users.create: unknown connection "corp-ldap"; use one of ' +
        '"Username-Password-Authentication", "google-oauth2", "acme-saml", or add it with connections.add()',
    );
  });

  it('accepts a given user_id, created_at, last_password_reset and logins_count', async ({ startTenant: start }) => {
    const tenant = await start();

    const user = tenant.users.create({
      user_id: 'auth0|fixture',
      created_at: '2024-01-01T00:00:00.000Z',
      last_password_reset: '2024-02-01T00:00:00.000Z',
      logins_count: 7,
    });

    expect(user).toMatchObject({
      user_id: 'auth0|fixture',
      created_at: '2024-01-01T00:00:00.000Z',
      last_password_reset: '2024-02-01T00:00:00.000Z',
      logins_count: 7,
      identities: [{ user_id: 'fixture' }],
    });
    expect(() => tenant.users.create({ user_id: 'auth0|fixture' })).toThrow('already exists');
  });

  it('distinguishes nothing on the record between setPassword and changePassword', async ({ startTenant: start }) => {
    const clock = manualClock();
    const tenant = await start();
    const user = tenant.users.create({ password: 'first-Passw0rd' });

    clock.advance(1_000);
    const set = tenant.users.setPassword(user.user_id, 'second-Passw0rd');
    clock.advance(1_000);
    const changed = tenant.users.changePassword(user.user_id, 'third-Passw0rd');

    expect(set.last_password_reset).toBe('2025-03-01T12:00:01.000Z');
    expect(changed.last_password_reset).toBe('2025-03-01T12:00:02.000Z');
    expect(changed.updated_at).toBe('2025-03-01T12:00:02.000Z');
    expect(tenant.users.verifyPassword(user.user_id, 'third-Passw0rd')).toBe(true);
    expect(tenant.users.verifyPassword(user.user_id, 'second-Passw0rd')).toBe(false);
  });

  it('gives database users a random password when none is given', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create();

    expect(tenant.users.verifyPassword(user.user_id, '')).toBe(false);
    expect(tenant.users.verifyPassword(user.user_id, 'undefined')).toBe(false);
  });

  it('merges app_metadata with Auth0 semantics and records logins', async ({ startTenant: start }) => {
    const clock = manualClock();
    const tenant = await start();
    const user = tenant.users.create({ app_metadata: { a: 1, b: { c: 2 } } });

    const updated = tenant.users.updateAppMetadata(user.user_id, { a: null, b: { d: 3 }, e: 'x' });
    clock.advance(4_000);
    const firstCount = tenant.users.recordLogin(user.user_id);
    clock.advance(1_000);
    const secondCount = tenant.users.recordLogin(user.user_id);

    expect(updated.app_metadata).toEqual({ b: { d: 3 }, e: 'x' });
    expect([firstCount, secondCount]).toEqual([1, 2]);
    expect(tenant.users.get(user.user_id)).toMatchObject({ logins_count: 2, last_login: '2025-03-01T12:00:05.000Z' });
    expect(() => tenant.users.updateAppMetadata(user.user_id, { 'a.b': 1 })).toThrow('contains "." or "$"');
  });

  it('lists and deletes users', async ({ startTenant: start }) => {
    const tenant = await start();
    const first = tenant.users.create();
    const second = tenant.users.create();

    expect(tenant.users.list().map(({ user_id }) => user_id)).toEqual([first.user_id, second.user_id]);
    tenant.users.delete(first.user_id);
    expect(tenant.users.get(first.user_id)).toBeUndefined();
    expect(tenant.users.list()).toEqual([second]);
    expect(() => tenant.users.delete(first.user_id)).toThrow('no user has the id');
  });

  it('returns copies: changing them, or the input, never changes the store', async ({ startTenant: start }) => {
    const tenant = await start();
    const input = { app_metadata: { nested: { flag: true } } };
    const user = tenant.users.create(input);

    input.app_metadata.nested.flag = false;
    user.app_metadata['added'] = 1;
    user.identities.pop();
    const listed = tenant.users.list()[0];
    if (listed !== undefined) listed.email_verified = true;

    expect(tenant.users.get(user.user_id)).toMatchObject({
      app_metadata: { nested: { flag: true } },
      email_verified: false,
      identities: [expect.objectContaining({ provider: 'auth0' })],
    });
  });
});

describe('connections', () => {
  it('starts with a database, a social and an enterprise connection, and accepts more', async ({ startTenant: start }) => {
    const tenant = await start();

    expect(tenant.connections.list()).toEqual([
      { id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/), name: 'Username-Password-Authentication', strategy: 'auth0' },
      { id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/), name: 'google-oauth2', strategy: 'google-oauth2' },
      { id: expect.stringMatching(/^con_[A-Za-z0-9]{16}$/), name: 'acme-saml', strategy: 'samlp' },
    ]);

    const added = tenant.connections.add({ name: 'github', strategy: 'github' });
    const user = tenant.users.create({ connection: 'github' });

    expect(tenant.connections.get('github')).toEqual(added);
    expect(user.identities[0]).toMatchObject({ provider: 'github', isSocial: true });
    expect(() => tenant.connections.add({ name: 'github', strategy: 'github' })).toThrow('already exists');
  });
});

describe('clock', () => {
  it('is strictly monotonic by default', async ({ startTenant: start }) => {
    const tenant = await start();

    const readings = Array.from({ length: 200 }, () => tenant.now().getTime());
    const users = Array.from({ length: 20 }, () => tenant.users.create({ password: 'Passw0rd-of-a-test' }));

    expect(readings.every((reading, index) => index === 0 || reading > (readings[index - 1] ?? Infinity))).toBe(true);
    expect(new Set(users.map(({ created_at }) => created_at)).size).toBe(users.length);
  });

  it('follows the system clock, a fake one included, forwards and backwards', async ({ startTenant: start }) => {
    const clock = manualClock();
    const tenant = await start();

    clock.advance(3_600_000);
    expect(tenant.now().toISOString()).toBe('2025-03-01T13:00:00.000Z');
    vi.setSystemTime(Date.parse('2024-03-01T12:00:00.000Z'));
    expect(tenant.now().toISOString()).toBe('2024-03-01T12:00:00.000Z');
    expect(tenant.users.create().created_at).toBe('2024-03-01T12:00:00.001Z');
  });
});

describe('options', () => {
  it('rejects unknown and malformed options without quoting secrets, and the removed now option with its replacement', async () => {
    await expect(startLocalTenant({ tokenLifetime: 5 } as LocalTenantOptions)).rejects.toThrow(
      '[auth0-force-password-reset] startLocalTenant: "options.tokenLifetime" is not a known option (known: ',
    );
    await expect(startLocalTenant({ clientSecret: '' })).rejects.toThrow('"options.clientSecret" must be a non-empty string');
    await expect(startLocalTenant({ now: () => 0 } as LocalTenantOptions)).rejects.toThrow(
      '[auth0-force-password-reset] startLocalTenant: "options.now" was removed: the tenant follows the system clock, so move it with ' +
        "your test runner's fake clock (vi.useFakeTimers({ toFake: ['Date'] }) and vi.setSystemTime(…)), which the handlers read too",
    );
  });

  it('is closable twice and with await using', async () => {
    const tenant = await startLocalTenant();
    await tenant[Symbol.asyncDispose]();
    await tenant.close();

    await expect(requestToken(tenant)).rejects.toThrow(TypeError);
  });
});

describe('with the real auth0 SDK', () => {
  it('gets and updates a user through ManagementClient over HTTP', async ({ startTenant: start }) => {
    const tenant = await start();
    const user = tenant.users.create({
      email: 'ada@example.com',
      app_metadata: { mustChangePassword: true, plan: 'pro' },
    });
    const { ManagementClient } = await import('auth0');
    const client = new ManagementClient({
      domain: tenant.domain,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      fetch: tenant.fetch,
    });

    const fetched = await client.users.get(user.user_id);
    const updated = await client.users.update(user.user_id, { app_metadata: { mustChangePassword: null, clearedAt: 'now' } });

    expect(fetched).toMatchObject({ user_id: user.user_id, email: 'ada@example.com', app_metadata: { mustChangePassword: true } });
    expect(updated.app_metadata).toEqual({ plan: 'pro', clearedAt: 'now' });
    expect(tenant.users.get(user.user_id)?.app_metadata).toEqual({ plan: 'pro', clearedAt: 'now' });
    // One token, reused by the SDK for both calls.
    expect(tenant.counts()).toEqual({ token: 1, getUser: 1, patchUser: 1, listUsers: 0, getConnection: 0, listConnections: 0, createUsersExport: 0, getJob: 0, downloadExport: 0, resetEmail: 0, authorize: 0, continue: 0, userinfo: 0, listSessions: 0, revokeAccess: 0, deleteSessions: 0, deleteRefreshTokens: 0, other: 0, total: 3 });
    expect(tenant.requests.every(({ route, auth }) => route === 'token' || auth === 'valid')).toBe(true);
  });

  it('surfaces the stand-in errors as the SDK error classes', async ({ startTenant: start }) => {
    const tenant = await start();
    const { ManagementClient, ManagementError } = await import('auth0');
    const client = new ManagementClient({
      domain: tenant.domain,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      fetch: tenant.fetch,
      maxRetries: 0,
    });

    const missing = await client.users.get('auth0|nobody').catch((error: unknown) => error);
    tenant.faults.rateLimit('getUser');
    const limited = await client.users.get('auth0|nobody').catch((error: unknown) => error);

    expect(missing).toBeInstanceOf(ManagementError);
    expect(missing).toMatchObject({ statusCode: 404 });
    expect(limited).toMatchObject({ statusCode: 429 });
  });
});
