import { test } from 'vitest';
import type { PostChangePasswordEvent } from '../../src/auth0/post-change-password.js';
import { clearerConfig, createPasswordResetClearer } from '../../src/clearer/create-password-reset-clearer.js';
import type { PasswordResetClearerOptions } from '../../src/clearer/options.js';
import { runClearer } from '../../src/clearer/run-clearer.js';
import type { LogEntry } from '../../src/internal/log.js';
import type { RequestClock } from '../../src/management/resilient-fetch.js';
import { buildPostChangePasswordEvent } from '../../src/testing/events.js';
import {
  startLocalTenant,
  type CreateUserInput,
  type LocalTenant,
  type LocalTenantOptions,
  type TenantUser,
} from '../../src/testing/local-tenant/index.js';

/** The flag and its companion the tests use unless they say otherwise (the library's defaults). */
export const FLAG = 'needsPasswordReset';
export const FLAGGED_AT = 'needsPasswordResetAt';

/** The password a user "chooses" in the tests: it meets the default connection's policy. */
export const NEW_PASSWORD = 'n3w-Passw0rd!';

type UserInput = Omit<CreateUserInput, 'app_metadata' | 'connection'>;

/**
 * Makes the users a test needs, each with its own email (`user<n>@example.com` unless one is given), so
 * that a test never has to think about the tenant's "one email per database connection" rule.
 */
export interface UserFactory {
  /** A database user who has never signed in, with this `app_metadata`. */
  database(appMetadata?: Record<string, unknown>, input?: UserInput): TenantUser;
  /**
   * A database user flagged as the gate flags one at the first login: `needsPasswordReset: true` and
   * `needsPasswordResetAt` now by the system clock (written after the user was created), plus the other
   * keys given.
   */
  flagged(appMetadata?: Record<string, unknown>, input?: UserInput): TenantUser;
  /**
   * A flagged user who has since changed the password to {@link NEW_PASSWORD}: the user
   * post-change-password runs for, whose flag the clearer must clear. Returned after the change (with
   * its `last_password_reset`).
   */
  flaggedWhoChangedPassword(appMetadata?: Record<string, unknown>, input?: UserInput): TenantUser;
  /** A Google user (connection `google-oauth2`): no Auth0 password, never gated. */
  social(input?: UserInput): TenantUser;
  /** A SAML user (connection `acme-saml`): no Auth0 password either. */
  enterprise(input?: UserInput): TenantUser;
}

/** A {@link UserFactory} on `tenant`. */
export function createUserFactory(tenant: LocalTenant): UserFactory {
  let count = 0;
  const create = (connection: string | undefined, appMetadata: Record<string, unknown>, input: UserInput) => {
    count += 1;
    return tenant.users.create({
      email: `user${count}@example.com`,
      ...input,
      ...(connection === undefined ? {} : { connection }),
      app_metadata: appMetadata,
    });
  };
  const flagged = (appMetadata: Record<string, unknown> = {}, input: UserInput = {}) => {
    const { user_id: userId } = create(undefined, {}, input);
    // A millisecond before the system clock's now. The gate stamps its own writes (a reset email's time)
    // by the system clock, which the tenant's clock runs ahead of under a burst of requests: a flag stamped
    // by the tenant's clock could look later than the gate's email, which then seemed to be for an earlier
    // obligation and went out again. And a password change the tenant stamps next is always later.
    return tenant.users.updateAppMetadata(userId, { [FLAG]: true, [FLAGGED_AT]: new Date(Date.now() - 1).toISOString(), ...appMetadata });
  };
  return {
    database: (appMetadata = {}, input = {}) => create(undefined, appMetadata, input),
    flagged,
    flaggedWhoChangedPassword(appMetadata = {}, input = {}) {
      const { user_id: userId } = flagged(appMetadata, input);
      return tenant.users.changePassword(userId, NEW_PASSWORD);
    },
    social: (input = {}) => create('google-oauth2', {}, input),
    enterprise: (input = {}) => create('acme-saml', {}, input),
  };
}

/** The fixtures of {@link tenantTest}. */
export interface TenantFixtures {
  /**
   * The options the `tenant` fixture starts with; a file or a `describe` that needs others says so with
   * `it.override('tenantOptions', { scopes: [...] })`. @default {}
   */
  tenantOptions: LocalTenantOptions;
  /** A local tenant started for the test and closed after it. */
  tenant: LocalTenant;
  /** Starts another tenant (for example with other scopes); closed after the test too. */
  startTenant: (options?: LocalTenantOptions) => Promise<LocalTenant>;
  /** Users on `tenant`. */
  users: UserFactory;
  /** Where `clearerFor`'s clearers log (and any other handler a test points at it), fresh for each test. */
  logs: LogEntry[];
  /**
   * A post-change-password clearer that reaches `tenant` through its `fetch` and logs into `logs`. With
   * `clock` (a test's virtual one), its executions run on it: the same options and defaults, checked by
   * the factory's own `clearerConfig`.
   */
  clearerFor: (options?: PasswordResetClearerOptions, clock?: RequestClock) => ReturnType<typeof createPasswordResetClearer>;
}

/**
 * `test` with a `tenant` fixture (a local tenant started for the test and closed after it), a `users`
 * factory on it, `startTenant(options)` for tests that need a second tenant or other options, and a
 * clearer on the tenant that logs into `logs`. Each fixture is set up only when a test names it.
 *
 * @example
 * ```ts
 * import { tenantTest as it } from '../helpers/local-tenant.js';
 *
 * it('clears the flag', async ({ tenant, users }) => {
 *   const user = users.flaggedWhoChangedPassword();
 *   await createPasswordResetClearer({ fetch: tenant.fetch })(passwordChangeEventOf(tenant, user), { cache: createMemoryCache() });
 * });
 * ```
 */
export const tenantTest = test.extend<TenantFixtures>({
  tenantOptions: {},
  startTenant: async ({}, use) => {
    const started: LocalTenant[] = [];
    await use(async (options) => {
      const tenant = await startLocalTenant(options);
      started.push(tenant);
      return tenant;
    });
    await Promise.all(started.map((tenant) => tenant.close()));
  },
  tenant: async ({ startTenant, tenantOptions }, use) => {
    await use(await startTenant(tenantOptions));
  },
  users: async ({ tenant }, use) => {
    await use(createUserFactory(tenant));
  },
  logs: async ({}, use) => {
    await use([]);
  },
  clearerFor: async ({ tenant, logs }, use) => {
    await use((options = {}, clock) => {
      const settings: PasswordResetClearerOptions = { fetch: tenant.fetch, log: (entry) => void logs.push(entry), ...options };
      if (clock === undefined) return createPasswordResetClearer(settings);
      const config = { ...clearerConfig(settings), clock };
      return (event, api) => runClearer(config, event, api);
    });
  },
});

/**
 * The post-change-password event Auth0 sends after this user's latest password change, with the
 * tenant's secrets (or others).
 */
export function passwordChangeEventOf(
  tenant: LocalTenant,
  user: { user_id: string; last_password_reset?: string },
  secrets: Record<string, string | undefined> = tenant.secrets,
): PostChangePasswordEvent {
  return buildPostChangePasswordEvent({
    user: { user_id: user.user_id, last_password_reset: user.last_password_reset },
    secrets: { ...secrets },
  });
}

/**
 * The options an administrator's run (`requirePasswordChange`, `waivePasswordChange`) needs to reach
 * `tenant`, for these users. The fast rate keeps the tests quick, and one user at a time keeps the
 * order of requests fixed; pacing and concurrency have tests of their own.
 */
export function adminOptionsFor<Users>(tenant: LocalTenant, users: Users) {
  return {
    domain: tenant.domain,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    users,
    fetch: tenant.fetch,
    rate: 100,
    concurrency: 1,
  };
}

/** The body of a client-credentials token request for the tenant's M2M client and Management API. */
export function clientCredentialsOf(tenant: Pick<LocalTenant, 'clientId' | 'clientSecret' | 'domain'>) {
  return {
    grant_type: 'client_credentials',
    client_id: tenant.clientId,
    client_secret: tenant.clientSecret,
    audience: `https://${tenant.domain}/api/v2/`,
  };
}

/** An access token of the tenant's M2M client, fetched through `tenant.fetch`. */
export async function accessTokenOf(tenant: LocalTenant): Promise<string> {
  const response = await tenant.fetch(`https://${tenant.domain}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(clientCredentialsOf(tenant)),
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

/** The statuses the tenant answered on this route, in order (hung or dropped requests have none). */
export function statusesOf(tenant: LocalTenant, route: LocalTenant['requests'][number]['route']): (number | undefined)[] {
  return tenant.requests.filter((request) => request.route === route).map((request) => request.status);
}
