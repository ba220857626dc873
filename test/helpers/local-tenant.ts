import { test } from 'vitest';
import { startLocalTenant, type LocalTenant, type LocalTenantOptions } from '../../src/testing/local-tenant/index.js';

/**
 * `test` with a `tenant` fixture: a local tenant started for the test and closed after it. Tests that
 * need other options call `startTenant(options)`, which closes those tenants too.
 */
export const tenantTest = test.extend<{
  tenant: LocalTenant;
  startTenant: (options?: LocalTenantOptions) => Promise<LocalTenant>;
}>({
  startTenant: async ({}, use) => {
    const started: LocalTenant[] = [];
    await use(async (options) => {
      const tenant = await startLocalTenant(options);
      started.push(tenant);
      return tenant;
    });
    await Promise.all(started.map((tenant) => tenant.close()));
  },
  tenant: async ({ startTenant }, use) => {
    await use(await startTenant());
  },
});

/** An access token of the tenant's M2M client, fetched through `tenant.fetch`. */
export async function accessTokenOf(tenant: LocalTenant): Promise<string> {
  const response = await tenant.fetch(`https://${tenant.domain}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
      audience: `https://${tenant.domain}/api/v2/`,
    }),
  });
  if (response.status !== 200) throw new Error(`token request answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A Management API request through `tenant.fetch`: `path` under `/api/v2`, a JSON body if any. */
export function managementRequest(
  tenant: LocalTenant,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return tenant.fetch(`https://${tenant.domain}/api/v2${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
