import type { Auth0Connection } from '../auth0/common.js';
import type { PostChangePasswordEvent } from '../auth0/post-change-password.js';
import type { Auth0Identity, PostLoginEvent } from '../auth0/post-login.js';
import { connectionKindOf } from './connection-kind.js';
import { isRecord } from '../obligation/obligation.js';

/**
 * Every property optional, all the way down; arrays are replaced, not merged. `undefined` is
 * allowed everywhere, so an override can remove a field.
 *
 * @example
 * ```ts
 * const overrides: DeepPartial<PostLoginEvent> = { user: { app_metadata: { plan: 'gold' } } };
 * buildPostLoginEvent(overrides);
 * ```
 */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

/**
 * Auth0's default database connection (strategy `auth0`): its users have a password.
 *
 * @example
 * ```ts
 * buildPostLoginEvent({ connection: DATABASE_CONNECTION });
 * ```
 */
export const DATABASE_CONNECTION: Readonly<Auth0Connection> = Object.freeze({
  id: 'con_Dbx7GvD0cPZkS4qV',
  name: 'Username-Password-Authentication',
  strategy: 'auth0',
});

/**
 * A social connection (Google): its users have no Auth0 password, so the gate never gates them.
 *
 * @example
 * ```ts
 * buildPostLoginEvent({ connection: GOOGLE_CONNECTION }); // user_id google-oauth2|…, isSocial: true
 * ```
 */
export const GOOGLE_CONNECTION: Readonly<Auth0Connection> = Object.freeze({
  id: 'con_Gg0a1B2c3D4e5F6g',
  name: 'google-oauth2',
  strategy: 'google-oauth2',
});

/**
 * An enterprise connection (SAML): its users have no Auth0 password either.
 *
 * @example
 * ```ts
 * buildPostLoginEvent({ connection: SAML_CONNECTION }); // user_id samlp|acme-saml|ada@example.com
 * ```
 */
export const SAML_CONNECTION: Readonly<Auth0Connection> = Object.freeze({
  id: 'con_Sm1L2m3N4o5P6q7r',
  name: 'acme-saml',
  strategy: 'samlp',
});

/**
 * The host name the builders put in `event.request.hostname`. Under `.test`, a top-level domain
 * reserved for testing (RFC 6761) that never resolves, so that code which derives a URL from the
 * event cannot reach a real Auth0 tenant from a test.
 *
 * @example
 * ```ts
 * expect(api.blockedRequests[0]?.url).toBe(`https://${TEST_HOSTNAME}/dbconnections/change_password`);
 * ```
 */
export const TEST_HOSTNAME = 'acme.auth0.test';

/** Merges `overrides` into a copy of `base`: objects merge, arrays and values replace, `undefined` deletes. */
function merge<T>(base: T, overrides: unknown): T {
  if (!isRecord(overrides)) return structuredClone(base);
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else if (isRecord(value) && isRecord(out[key])) out[key] = merge(out[key], value);
    else out[key] = structuredClone(value);
  }
  return out as T;
}

const USER_ID = '64b7f3c2a1d0e9f8a7b6c5d4';
const EMAIL = 'ada@example.com';
const CREATED_AT = '2026-01-15T09:30:00.000Z';
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
// TEST-NET-3 (RFC 5737): an address that belongs to nobody.
const IP = '203.0.113.10';
const GEOIP = { countryCode: 'GB', countryCode3: 'GBR', countryName: 'United Kingdom', cityName: 'London', continentCode: 'EU', timeZone: 'Europe/London' };

/** The identity Auth0 gives a user of `connection`, in the id shape of the connection's kind. */
function identityFor(connection: Auth0Connection): Required<Pick<Auth0Identity, 'connection' | 'provider' | 'isSocial' | 'user_id'>> {
  const kind = connectionKindOf(connection.strategy);
  const userIds = {
    database: USER_ID,
    social: '109876543210987654321',
    enterprise: `${connection.name}|${EMAIL}`,
    passwordless: USER_ID,
  } as const;
  return { connection: connection.name, provider: connection.strategy, isSocial: kind === 'social', user_id: userIds[kind] };
}

/**
 * Builds a realistic post-login `event`: a database user at their first login (`logins_count: 1`)
 * through the authorization-code flow. Overrides are merged deeply; `undefined` removes a field.
 * When you override the connection but not `user.identities` / `user.user_id`, they follow it.
 *
 * Every name in it is reserved for tests: `request.hostname` is {@link TEST_HOSTNAME}, addresses
 * are `@example.com`, so nothing derived from the event reaches a real tenant.
 *
 * @example
 * ```ts
 * buildPostLoginEvent({ connection: GOOGLE_CONNECTION });
 * buildPostLoginEvent({ user: { app_metadata: { needsPasswordReset: true } }, stats: { logins_count: 3 } });
 * buildPostLoginEvent({ transaction: { protocol: 'oauth2-refresh-token' } });
 * ```
 */
export function buildPostLoginEvent(overrides: DeepPartial<PostLoginEvent> = {}): PostLoginEvent {
  const connection = merge<Auth0Connection>(DATABASE_CONNECTION, overrides.connection);
  const identity = identityFor(connection);
  const base: PostLoginEvent = {
    user: {
      user_id: `${identity.provider}|${identity.user_id}`,
      email: EMAIL,
      email_verified: true,
      name: 'Ada Lovelace',
      nickname: 'ada',
      picture: 'https://example.com/avatars/ada.png',
      app_metadata: {},
      user_metadata: {},
      created_at: CREATED_AT,
      updated_at: CREATED_AT,
      identities: [identity],
    },
    connection,
    client: { client_id: 'Xq3bN8kF2mP9sT4vW7yZ1aC5dE6gH0jK', name: 'Acme Web', metadata: {} },
    request: {
      ip: IP,
      hostname: TEST_HOSTNAME,
      user_agent: USER_AGENT,
      language: 'en',
      method: 'POST',
      query: {},
      body: {},
      geoip: { ...GEOIP },
    },
    stats: { logins_count: 1 },
    transaction: {
      id: 'txn_5kT2pQ9wR3',
      protocol: 'oidc-basic-profile',
      locale: 'en',
      requested_scopes: ['openid', 'profile', 'email'],
      redirect_uri: 'https://app.acme.test/callback',
      response_mode: 'query',
      response_type: ['code'],
      metadata: {},
    },
    authentication: { methods: [{ name: identity.provider === 'auth0' ? 'pwd' : 'federated', timestamp: CREATED_AT }] },
    authorization: { roles: [] },
    session: { id: 'sess_2hV7nQ4xL9' },
    tenant: { id: 'acme' },
    secrets: {},
  };
  return merge(base, { ...overrides, connection });
}

/**
 * Builds a realistic post-change-password `event` for a database user. As in Auth0 it carries no
 * `app_metadata`. `last_password_reset` defaults to now (the system clock, so a fake clock moves it).
 * Like {@link buildPostLoginEvent}, it names only hosts reserved for tests.
 *
 * @example
 * ```ts
 * const event = buildPostChangePasswordEvent({
 *   user: { user_id: 'auth0|64b7f3c2a1d0e9f8a7b6c5d4' },
 *   secrets: { AUTH0_DOMAIN: tenant.domain, AUTH0_CLIENT_ID: tenant.clientId, AUTH0_CLIENT_SECRET: tenant.clientSecret },
 * });
 * ```
 */
export function buildPostChangePasswordEvent(
  overrides: DeepPartial<PostChangePasswordEvent> = {},
): PostChangePasswordEvent {
  const base: PostChangePasswordEvent = {
    user: {
      user_id: `auth0|${USER_ID}`,
      email: EMAIL,
      email_verified: true,
      last_password_reset: new Date().toISOString(),
    },
    connection: { ...DATABASE_CONNECTION },
    request: { ip: IP, hostname: TEST_HOSTNAME, user_agent: USER_AGENT, language: 'en', method: 'POST', geoip: { ...GEOIP } },
    tenant: { id: 'acme' },
    secrets: {},
  };
  return merge(base, overrides);
}
