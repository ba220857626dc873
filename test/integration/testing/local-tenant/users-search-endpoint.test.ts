import { ManagementClient } from 'auth0';
import { describe, expect } from 'vitest';
import type { LocalTenant } from '../../../../src/testing/local-tenant/index.js';
import { accessTokenOf as token, tenantTest as it } from '../../../helpers/local-tenant.js';

const clientFor = (current: LocalTenant) =>
  new ManagementClient({ domain: current.domain, clientId: current.clientId, clientSecret: current.clientSecret, fetch: current.fetch, maxRetries: 0 });

const list = async (current: LocalTenant, query: string, bearer?: string) => {
  const response = await current.fetch(`https://${current.domain}/api/v2/users?${query}`, {
    headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
  });
  return { status: response.status, body: (await response.json()) as unknown };
};

describe('GET /api/v2/users on the local tenant (route listUsers)', () => {
  it('searches with the real SDK: q, search_engine v3, pages and totals', async ({ tenant }) => {
    const contractors = Array.from({ length: 3 }, (_, index) => tenant.users.create({ email: `c${index}@contractor.example` }));
    tenant.users.create({ email: 'staff@example.com' });
    const page = await clientFor(tenant).users.list({
      q: 'email:*@contractor.example', search_engine: 'v3', page: 0, per_page: 2, include_totals: true, fields: 'user_id,email', include_fields: true,
    });
    expect(page.response).toMatchObject({ start: 0, limit: 2, length: 2, total: 3 });
    expect(page.data).toEqual(contractors.slice(0, 2).map(({ user_id, email }) => ({ user_id, email })));
    const next = await page.getNextPage();
    expect(next.data.map((user) => user.user_id)).toEqual([contractors[2]!.user_id]);
    expect(tenant.counts()).toMatchObject({ token: 1, listUsers: 2 });
  });

  it('answers an array without include_totals, every user without q', async ({ tenant, users }) => {
    users.database();
    users.social();
    const { status, body } = await list(tenant, 'fields=user_id', await token(tenant));
    expect(status).toBe(200);
    expect(body).toEqual(tenant.users.list().map(({ user_id }) => ({ user_id })));
  });

  it('refuses what Auth0 refuses: past the first 1000 results, more than 100 per page, another search engine', async ({ tenant }) => {
    const bearer = await token(tenant);
    expect(await list(tenant, 'page=10&per_page=100', bearer)).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'You can only page through the first 1000 records.', errorCode: 'invalid_paging' },
    });
    expect((await list(tenant, 'per_page=101', bearer)).status).toBe(400);
    expect((await list(tenant, 'q=email:a&search_engine=v2', bearer)).body).toMatchObject({ errorCode: 'invalid_query_string' });
  });

  it('answers a query it cannot parse with a 400 saying why', async ({ tenant }) => {
    expect(await list(tenant, `q=${encodeURIComponent('email:a b')}&search_engine=v3`, await token(tenant))).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: 'Query validation error: "b" has no field: write field:value (terms without a field are not supported)',
        errorCode: 'invalid_query_string',
      },
    });
  });

  it('needs a valid token with read:users', async ({ tenant, startTenant }) => {
    expect((await list(tenant, 'q=email:a')).status).toBe(401);
    const writeOnly = await startTenant({ scopes: ['update:users'] });
    expect(await list(writeOnly, 'q=email:a', await token(writeOnly))).toMatchObject({ status: 403, body: { errorCode: 'insufficient_scope' } });
  });

  it('takes injected faults: "listUsers" is a fault target', async ({ tenant }) => {
    const bearer = await token(tenant);
    tenant.faults.rateLimit('listUsers', { retryAfterSeconds: 2 });
    const response = await tenant.fetch(`https://${tenant.domain}/api/v2/users`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(tenant.requests.at(-1)).toMatchObject({ route: 'listUsers', status: 429, fault: 'status' });
  });
});
