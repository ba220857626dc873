import { describe, expect } from 'vitest';
import { accessTokenOf, managementRequest, tenantTest as it } from '../../../helpers/local-tenant.js';

const DEFAULT_DATABASE = 'Username-Password-Authentication';

describe('GET /api/v2/connections and /api/v2/connections/{id}', () => {
  it('returns a database connection with its password policy in options, as Auth0 shapes it', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:connections', 'read:connections_options'] });
    const { id } = tenant.connections.get(DEFAULT_DATABASE)!;
    const token = await accessTokenOf(tenant);

    const response = await managementRequest(tenant, token, 'GET', `/connections/${id}`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id,
      name: DEFAULT_DATABASE,
      display_name: DEFAULT_DATABASE,
      strategy: 'auth0',
      is_domain_connection: false,
      realms: [DEFAULT_DATABASE],
      options: {
        passwordPolicy: 'good',
        password_history: { enable: false, size: 5 },
        brute_force_protection: true,
        strategy_version: 2,
      },
    });
    expect(tenant.requests.at(-1)).toMatchObject({ route: 'getConnection', status: 200 });
  });

  it('shows the minimum length and the password history a connection was given', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:connections', 'read:connections_options'] });
    tenant.connections.add({ name: 'staff', strategy: 'auth0', passwordPolicy: 'excellent', minLength: 14, passwordHistorySize: 4 });
    const token = await accessTokenOf(tenant);

    const response = await managementRequest(tenant, token, 'GET', '/connections?name=staff&strategy=auth0');

    expect(await response.json()).toEqual([
      expect.objectContaining({
        name: 'staff',
        options: expect.objectContaining({
          passwordPolicy: 'excellent',
          password_complexity_options: { min_length: 14 },
          password_history: { enable: true, size: 4 },
        }),
      }),
    ]);
    expect(tenant.requests.at(-1)).toMatchObject({ route: 'listConnections', status: 200 });
  });

  it('lists every connection, with totals and fields on request', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:connections'] });
    const token = await accessTokenOf(tenant);

    const listed = await (await managementRequest(tenant, token, 'GET', '/connections?fields=name,strategy&include_totals=true')).json();

    expect(listed).toEqual({
      start: 0,
      limit: 50,
      length: 3,
      total: 3,
      connections: [
        { name: DEFAULT_DATABASE, strategy: 'auth0' },
        { name: 'google-oauth2', strategy: 'google-oauth2' },
        { name: 'acme-saml', strategy: 'samlp' },
      ],
    });
  });

  it('leaves options out without read:connections_options, and answers 200 all the same (as Auth0 does)', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:connections'] });
    const { id } = tenant.connections.get(DEFAULT_DATABASE)!;

    const response = await managementRequest(tenant, await accessTokenOf(tenant), 'GET', `/connections/${id}`);

    expect(response.status).toBe(200);
    expect(await response.json()).not.toHaveProperty('options');
  });

  it('answers 404 inexistent_connection for an unknown id', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:connections'] });

    const response = await managementRequest(tenant, await accessTokenOf(tenant), 'GET', '/connections/con_nope');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'The connection does not exist',
      errorCode: 'inexistent_connection',
    });
  });
});

describe('scopes, per route, as Auth0 checks them', () => {
  const routes = [
    { route: 'GET /users/{id}', scopes: ['read:users'], call: 'getUser' },
    { route: 'GET /users', scopes: ['read:users'], call: 'listUsers' },
    { route: 'PATCH /users/{id} with app_metadata only', scopes: ['update:users_app_metadata'], call: 'patchAppMetadata' },
    { route: 'PATCH /users/{id} with app_metadata only', scopes: ['update:users'], call: 'patchAppMetadata' },
    { route: 'PATCH /users/{id} with a password', scopes: ['update:users'], call: 'patchPassword' },
    { route: 'GET /connections/{id}', scopes: ['read:connections'], call: 'getConnection' },
    { route: 'GET /connections', scopes: ['read:connections'], call: 'listConnections' },
  ] as const;

  async function call(tenant: Parameters<typeof accessTokenOf>[0], which: (typeof routes)[number]['call']): Promise<Response> {
    const token = await accessTokenOf(tenant);
    const user = tenant.users.create({ email: `u${Math.random()}@example.com` });
    const connection = tenant.connections.get(DEFAULT_DATABASE)!;
    switch (which) {
      case 'getUser':
        return managementRequest(tenant, token, 'GET', `/users/${encodeURIComponent(user.user_id)}`);
      case 'listUsers':
        return managementRequest(tenant, token, 'GET', '/users');
      case 'patchAppMetadata':
        return managementRequest(tenant, token, 'PATCH', `/users/${encodeURIComponent(user.user_id)}`, { app_metadata: { a: 1 } });
      case 'patchPassword':
        return managementRequest(tenant, token, 'PATCH', `/users/${encodeURIComponent(user.user_id)}`, { password: 'A-new-Passw0rd', connection: DEFAULT_DATABASE });
      case 'getConnection':
        return managementRequest(tenant, token, 'GET', `/connections/${connection.id}`);
      case 'listConnections':
        return managementRequest(tenant, token, 'GET', '/connections');
    }
  }

  for (const { route, scopes, call: which } of routes) {
    it(`${route}: 200 with exactly ${scopes.join(' ')}`, async ({ startTenant }) => {
      const tenant = await startTenant({ scopes: [...scopes] });
      expect((await call(tenant, which)).status).toBe(200);
    });

    it(`${route}: 403 naming the scope with one fewer (${scopes.join(' ')} missing)`, async ({ startTenant }) => {
      const tenant = await startTenant({ scopes: [] });
      const response = await call(tenant, which);
      expect(response.status).toBe(403);
      const expected = which === 'patchAppMetadata' ? 'update:users,update:users_app_metadata' : scopes.join(',');
      expect(await response.json()).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: `Insufficient scope, expected any of: ${expected}`,
        errorCode: 'insufficient_scope',
      });
    });
  }

  it('update:users_app_metadata allows app_metadata alone and refuses anything else, naming update:users', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['update:users_app_metadata'] });
    const token = await accessTokenOf(tenant);
    const user = tenant.users.create();
    const path = `/users/${encodeURIComponent(user.user_id)}`;

    for (const body of [{ user_metadata: { a: 1 } }, { app_metadata: { a: 1 }, blocked: true }, { password: 'A-new-Passw0rd' }]) {
      const response = await managementRequest(tenant, token, 'PATCH', path, body);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ message: 'Insufficient scope, expected any of: update:users' });
    }
    expect(tenant.users.get(user.user_id)).toEqual(user);
  });
});

describe('password policies', () => {
  const weak = { statusCode: 400, error: 'Bad Request', message: 'PasswordStrengthError: Password is too weak' };

  it('PATCH with a password the policy refuses answers Auth0’s exact 400 and changes nothing', async ({ tenant }) => {
    const user = tenant.users.create({ password: 'Initial-Passw0rd' });
    const token = await accessTokenOf(tenant);
    const path = `/users/${encodeURIComponent(user.user_id)}`;

    for (const password of ['Sh0rt!', 'alllowercaseletters']) {
      const response = await managementRequest(tenant, token, 'PATCH', path, { password, connection: DEFAULT_DATABASE });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(weak);
    }
    expect(tenant.users.verifyPassword(user.user_id, 'Initial-Passw0rd')).toBe(true);
    expect(tenant.users.get(user.user_id)).toEqual(user);
  });

  it('follows the level set on the connection, from now on', async ({ tenant }) => {
    const user = tenant.users.create({ password: 'Initial-Passw0rd' });
    const token = await accessTokenOf(tenant);
    const path = `/users/${encodeURIComponent(user.user_id)}`;

    tenant.connections.setPasswordPolicy(DEFAULT_DATABASE, { passwordPolicy: 'none' });
    expect((await managementRequest(tenant, token, 'PATCH', path, { password: 'x' })).status).toBe(200);
    tenant.connections.setPasswordPolicy(DEFAULT_DATABASE, { passwordPolicy: 'excellent' });
    const refused = await managementRequest(tenant, token, 'PATCH', path, { password: 'Abcdefghhh1!' });
    expect(await refused.json()).toEqual(weak);
    // As in Auth0, a password set under the old policy still works.
    expect(tenant.users.verifyPassword(user.user_id, 'x')).toBe(true);
  });

  it('refuses a password from the user’s recent history, as Auth0’s PasswordHistoryError', async ({ tenant }) => {
    tenant.connections.setPasswordPolicy(DEFAULT_DATABASE, { passwordHistorySize: 2 });
    const user = tenant.users.create({ password: 'First-Passw0rd' });
    const token = await accessTokenOf(tenant);
    const path = `/users/${encodeURIComponent(user.user_id)}`;
    const patch = (password: string) => managementRequest(tenant, token, 'PATCH', path, { password });

    expect((await patch('Second-Passw0rd')).status).toBe(200);
    const reused = await patch('First-Passw0rd');
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'PasswordHistoryError: Password has previously been used' });
    expect((await patch('Third-Passw0rd')).status).toBe(200);
    // Two passwords of history: the first one has dropped out.
    expect((await patch('First-Passw0rd')).status).toBe(200);
  });

  it('is enforced by the user store too, naming the rule and never the password', async ({ tenant }) => {
    expect(() => tenant.users.create({ password: 'weakpassword' })).toThrow(
      '[auth0-force-password-reset] localTenant.users.create: the password does not meet the password policy of "Username-Password-Authentication" (good): ' +
        'At least 3 of these: lower case letters (a–z), upper case letters (A–Z), numbers (0–9), special characters (such as ! @ # $ % ^ & *) (Auth0 answers PasswordStrengthError)',
    );
    const user = tenant.users.create({ password: 'Initial-Passw0rd' });
    expect(() => tenant.users.setPassword(user.user_id, 'Sh0rt!')).toThrow('(good): At least 8 characters (Auth0 answers PasswordStrengthError)');
    tenant.connections.setPasswordPolicy(DEFAULT_DATABASE, { passwordHistorySize: 3 });
    expect(() => tenant.users.changePassword(user.user_id, 'Initial-Passw0rd')).toThrow(
      'it is one of the last 3 passwords of this user (Auth0 answers PasswordHistoryError)',
    );
    try {
      tenant.users.setPassword(user.user_id, 'Sh0rt!');
    } catch (error) {
      expect(String(error)).not.toContain('Sh0rt!');
    }
  });

  it('gives users created without a password a random one that meets the policy', async ({ tenant }) => {
    tenant.connections.add({ name: 'strict', strategy: 'auth0', passwordPolicy: 'excellent', minLength: 30 });
    // The tenant refuses a password its policy refuses, so each create succeeding is the password passing.
    const users = Array.from({ length: 50 }, () => tenant.users.create({ connection: 'strict' }));
    expect(users.map((user) => user.identities[0]?.connection)).toEqual(Array.from({ length: 50 }, () => 'strict'));
    expect(new Set(users.map((user) => user.user_id)).size).toBe(50);
    // A random one: neither empty nor the policy's floor.
    for (const user of users) expect([tenant.users.verifyPassword(user.user_id, ''), tenant.users.verifyPassword(user.user_id, 'x'.repeat(30))]).toEqual([false, false]);
  });

  it('takes a policy only for database connections, and only a well-formed one', async ({ tenant }) => {
    expect(() => tenant.connections.add({ name: 'github', strategy: 'github', passwordPolicy: 'good' })).toThrow(
      'localTenant.connections.add: a password policy is only for database connections (strategy "auth0"), not "github"',
    );
    expect(() => tenant.connections.add({ name: 'db2', strategy: 'auth0', passwordPolicy: 'strong' as never })).toThrow(
      '"options.passwordPolicy" must be one of "none", "low", "fair", "good", "excellent" (got "strong")',
    );
    expect(() => tenant.connections.add({ name: 'db3', strategy: 'auth0', minLength: 0 })).toThrow('"options.password_complexity_options.min_length" must be an integer from 1 to 72 (characters) (got 0)');
    expect(() => tenant.connections.setPasswordPolicy('google-oauth2', { passwordPolicy: 'low' })).toThrow(
      '"google-oauth2" is a social connection: only database connections have a password policy',
    );
    expect(tenant.connections.add({ name: 'db4', strategy: 'auth0' })).toEqual({ id: expect.any(String), name: 'db4', strategy: 'auth0' });
    expect(tenant.connections.passwordPolicyOf('db4')).toEqual({ passwordPolicy: 'none' });
    expect(tenant.connections.passwordPolicyOf('google-oauth2')).toBeUndefined();
  });
});

describe('password hashing', () => {
  it('is a test double’s, cheap enough for a thousand users', async ({ tenant }) => {
    tenant.connections.setPasswordPolicy(DEFAULT_DATABASE, { passwordHistorySize: 24 });
    const users = Array.from({ length: 1_000 }, (_, index) => tenant.users.create({ password: `Passw0rd-${index}` }));
    expect(tenant.users.verifyPassword(users[999]!.user_id, 'Passw0rd-999')).toBe(true);
    expect(tenant.users.verifyPassword(users[999]!.user_id, 'Passw0rd-998')).toBe(false);
  });
});
