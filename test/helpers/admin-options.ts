import type { RequirePasswordChangeOptions } from '../../src/admin/options.js';
import type { LocalTenant } from '../../src/testing/local-tenant/index.js';

/**
 * `/admin` options against a local tenant: a fast rate keeps the tests quick (pacing has its own
 * tests), and one user at a time keeps the order of requests fixed (concurrency has its own test).
 */
export const adminOptions = (
  tenant: LocalTenant,
  users: RequirePasswordChangeOptions['users'],
  more: Partial<RequirePasswordChangeOptions> = {},
): RequirePasswordChangeOptions => ({
  domain: tenant.domain,
  clientId: tenant.clientId,
  clientSecret: tenant.clientSecret,
  users,
  fetch: tenant.fetch,
  rate: 100,
  concurrency: 1,
  ...more,
});
