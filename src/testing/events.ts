import type { Auth0Connection } from '../auth0/common.js';
import type { PostChangePasswordEvent } from '../auth0/post-change-password.js';
import type { PostLoginEvent } from '../auth0/post-login.js';

/** Every property optional, all the way down; arrays are replaced, not merged. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

/** Auth0's default database connection. */
export const DATABASE_CONNECTION: Readonly<Auth0Connection> = Object.freeze({
  id: 'con_Dbx7GvD0cPZkS4qV',
  name: 'Username-Password-Authentication',
  strategy: 'auth0',
});
/** A social connection: its users have no Auth0 password. */
export const GOOGLE_CONNECTION: Readonly<Auth0Connection> = Object.freeze({
  id: 'con_Gg0a1B2c3D4e5F6g',
  name: 'google-oauth2',
  strategy: 'google-oauth2',
});
/** An enterprise connection: its users have no Auth0 password. */
export const SAML_CONNECTION: Readonly<Auth0Connection> = Object.freeze({
  id: 'con_Sm1L2m3N4o5P6q7r',
  name: 'acme-saml',
  strategy: 'samlp',
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Merges `overrides` into a copy of `base`: objects merge, arrays and values replace, `undefined` deletes. */
function merge<T>(base: T, overrides: unknown): T {
  if (!isPlainObject(overrides)) return structuredClone(base);
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = merge(out[key], value);
    else out[key] = structuredClone(value);
  }
  return out as T;
}

const USER_ID = '64b7f3c2a1d0e9f8a7b6c5d4';
const CREATED_AT = '2026-01-15T09:30:00.000Z';

function identityFor(connection: Auth0Connection) {
  const isDatabase = connection.strategy === 'auth0';
  const isSocial = !isDatabase && !['samlp', 'waad', 'adfs', 'oidc', 'okta', 'ad', 'pingfederate'].includes(connection.strategy);
  return {
    connection: connection.name,
    provider: connection.strategy,
    isSocial,
    user_id: isDatabase ? USER_ID : isSocial ? '109876543210987654321' : `${connection.name}|ada@example.com`,
  };
}

/**
 * Builds a realistic post-login `event`: a database user at their first login (`logins_count: 1`)
 * through the authorization-code flow. Overrides are merged deeply; `undefined` removes a field.
 * When you override the connection but not `user.identities` / `user.user_id`, they follow it.
 *
 * @example
 * ```ts
 * buildPostLoginEvent({ connection: GOOGLE_CONNECTION });
 * buildPostLoginEvent({ user: { app_metadata: { needsPasswordReset: true } }, stats: { logins_count: 3 } });
 * ```
 */
export function buildPostLoginEvent(overrides: DeepPartial<PostLoginEvent> = {}): PostLoginEvent {
  const connection = merge<Auth0Connection>(DATABASE_CONNECTION, overrides.connection);
  const identity = identityFor(connection);
  const base: PostLoginEvent = {
    user: {
      user_id: `${identity.provider}|${identity.user_id}`,
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada Lovelace',
      nickname: 'ada',
      picture: 'https://s.gravatar.com/avatar/0?s=480&r=pg&d=mp',
      app_metadata: {},
      user_metadata: {},
      created_at: CREATED_AT,
      updated_at: CREATED_AT,
      identities: [identity],
    },
    connection,
    client: { client_id: 'Xq3bN8kF2mP9sT4vW7yZ1aC5dE6gH0jK', name: 'Acme Web', metadata: {} },
    request: {
      ip: '203.0.113.10',
      hostname: 'acme.eu.auth0.com',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      language: 'en',
      method: 'POST',
      query: {},
      body: {},
    },
    stats: { logins_count: 1 },
    transaction: {
      id: 'txn_5kT2pQ9wR3',
      protocol: 'oidc-basic-profile',
      locale: 'en',
      requested_scopes: ['openid', 'profile', 'email'],
      redirect_uri: 'https://app.acme.test/callback',
    },
    authentication: { methods: [{ name: 'pwd', timestamp: CREATED_AT }] },
    tenant: { id: 'acme' },
    secrets: {},
  };
  return merge(base, { ...overrides, connection });
}

/**
 * Builds a realistic post-change-password `event` for a database user. As in Auth0 it carries no
 * `app_metadata`. `last_password_reset` defaults to now.
 */
export function buildPostChangePasswordEvent(
  overrides: DeepPartial<PostChangePasswordEvent> = {},
): PostChangePasswordEvent {
  const base: PostChangePasswordEvent = {
    user: {
      user_id: `auth0|${USER_ID}`,
      email: 'ada@example.com',
      email_verified: true,
      last_password_reset: new Date().toISOString(),
    },
    connection: { ...DATABASE_CONNECTION },
    request: { ip: '203.0.113.10', hostname: 'acme.eu.auth0.com', language: 'en' },
    tenant: { id: 'acme' },
    secrets: {},
  };
  return merge(base, overrides);
}
