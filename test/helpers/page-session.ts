import { signHs256 } from '../../src/internal/jwt.js';
import type { LogEntry } from '../../src/internal/log.js';
import { createChangePasswordPage } from '../../src/page/create-change-password-page.js';
import type { ChangePasswordPageOptions } from '../../src/page/options.js';
import type { LocalTenant } from '../../src/testing/local-tenant/index.js';

/** Where a page session is for: the tenant's domain (Auth0's `iss`, and the login's host) and the user. */
export interface PageSessionFor {
  readonly domain: string;
  readonly userId: string;
}

/**
 * A session token as the gate's `api.redirect.encodeToken` makes it for the change-password page: Auth0's
 * claims (`iat`, `iss`, `sub`, `exp` in 10 minutes, `ip`) and the gate's (a first login on the default
 * database connection, begun a minute ago), `claims` over them (`undefined` removes one).
 */
export function signPageSession(key: string, { domain, userId }: PageSessionFor, claims: Record<string, unknown> = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  return signHs256(
    {
      iat,
      iss: domain,
      sub: userId,
      exp: iat + 600,
      ip: '127.0.0.1',
      purpose: 'afpr:change-password',
      connection: 'Username-Password-Authentication',
      host: domain,
      flag: 'needsPasswordReset',
      since: new Date(Date.now() - 60_000).toISOString(),
      reason: 'first-login',
      ...claims,
    },
    key,
  );
}

/** The page's key in the integration tests (48 bytes), where it is served, and the user's initial password. */
export const PAGE_KEY = 'a-page-session-key-of-48-bytes-for-the-tests-!!!';
export const PAGE_URL = 'https://login-help.example.test/change-password';
export const INITIAL_PASSWORD = 'Initial-Passw0rd!';

/** A page on a local tenant, for one user, as {@link setUpPage} makes it. */
export interface PageSetup {
  readonly tenant: LocalTenant;
  readonly page: ReturnType<typeof createChangePasswordPage>;
  readonly logs: LogEntry[];
  readonly userId: string;
  /** A session token for the user as the gate makes it (Auth0's `iss`: the tenant's canonical domain). */
  session(claims?: Record<string, unknown>): string;
}

/**
 * The page on `tenant` (its key {@link PAGE_KEY}, the `good` level, its lines in `logs`), for
 * ada@example.com with {@link INITIAL_PASSWORD} on a connection at the `good` level with a history of 3.
 * `claimsFirst` gives the claims every session starts from, before the test's own.
 */
export function setUpPage(
  tenant: LocalTenant,
  options: Partial<ChangePasswordPageOptions> = {},
  claimsFirst: () => Record<string, unknown> = () => ({}),
): PageSetup {
  tenant.connections.setPasswordPolicy('Username-Password-Authentication', { passwordPolicy: 'good', passwordHistorySize: 3 });
  const user = tenant.users.create({ email: 'ada@example.com', password: INITIAL_PASSWORD });
  const logs: LogEntry[] = [];
  const page = createChangePasswordPage({
    domain: tenant.domain,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    sessionSecret: PAGE_KEY,
    fetch: tenant.fetch,
    log: (entry) => void logs.push(entry),
    passwordPolicy: { level: 'good' },
    ...options,
  });
  const session = (claims: Record<string, unknown> = {}) => signPageSession(PAGE_KEY, { domain: tenant.domain, userId: user.user_id }, { ...claimsFirst(), ...claims });
  return { tenant, page, logs, userId: user.user_id, session };
}
