import { randomInt } from 'node:crypto';
import { localTenantError } from './local-tenant-error.js';

/**
 * A connection of the local tenant, shaped like `event.connection` in an Action.
 */
export interface TenantConnection {
  /** `con_` followed by 16 letters and digits, like Auth0's connection ids. */
  readonly id: string;
  /** The connection name, such as `Username-Password-Authentication`. */
  readonly name: string;
  /** `auth0` for a database connection; the identity provider otherwise (`google-oauth2`, `samlp`, …). */
  readonly strategy: string;
}

/** What {@link ConnectionStore.add} needs to create a connection. */
export interface NewConnection {
  /** A name of letters, digits and inner hyphens, unique within the tenant. */
  readonly name: string;
  /** `auth0` (database), a social provider such as `github`, or an enterprise one such as `waad`. */
  readonly strategy: string;
}

/**
 * The connections of a local tenant. It starts with `Username-Password-Authentication` (database),
 * `google-oauth2` (social) and `acme-saml` (enterprise, SAML). Every connection returned is a copy.
 */
export interface ConnectionStore {
  /** Every connection, in the order they were added. */
  list(): TenantConnection[];
  /** The connection with this name, or `undefined`. */
  get(name: string): TenantConnection | undefined;
  /**
   * Adds a connection and returns it.
   *
   * @throws Error when the name is malformed or already taken.
   */
  add(connection: NewConnection): TenantConnection;
}

/**
 * How users of a connection authenticate, which decides the shape of their `user_id` and identities,
 * and whether they have an Auth0 password at all (only `database` users do).
 */
export type ConnectionKind = 'database' | 'social' | 'enterprise';

// The social strategies Auth0 offers; anything else that is not `auth0` is treated as enterprise.
const SOCIAL_STRATEGIES: ReadonlySet<string> = new Set([
  'amazon', 'apple', 'baidu', 'bitbucket', 'box', 'daccount', 'discord', 'dropbox', 'dwolla',
  'evernote', 'evernote-sandbox', 'exact', 'facebook', 'fitbit', 'github', 'google-oauth2',
  'instagram', 'line', 'linkedin', 'oauth1', 'oauth2', 'paypal', 'paypal-sandbox', 'planningcenter',
  'salesforce', 'salesforce-community', 'salesforce-sandbox', 'shopify', 'slack', 'soundcloud',
  'thirtysevensignals', 'twitter', 'untappd', 'vkontakte', 'weibo', 'windowslive', 'wordpress',
  'yahoo', 'yandex',
]);

/** The {@link ConnectionKind} of a strategy. */
export function connectionKindOf(strategy: string): ConnectionKind {
  if (strategy === 'auth0') return 'database';
  return SOCIAL_STRATEGIES.has(strategy) ? 'social' : 'enterprise';
}

/** The name of the database connection every new Auth0 tenant has. */
export const DEFAULT_DATABASE_CONNECTION = 'Username-Password-Authentication';

const DEFAULT_CONNECTIONS: readonly NewConnection[] = [
  { name: DEFAULT_DATABASE_CONNECTION, strategy: 'auth0' },
  { name: 'google-oauth2', strategy: 'google-oauth2' },
  { name: 'acme-saml', strategy: 'samlp' },
];

const CONNECTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomConnectionId(): string {
  let suffix = '';
  for (let index = 0; index < 16; index += 1) suffix += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return `con_${suffix}`;
}

/** Creates the connection store of a new local tenant, holding the three default connections. */
export function createConnectionStore(): ConnectionStore {
  const byName = new Map<string, TenantConnection>();

  const store: ConnectionStore = {
    list: () => [...byName.values()].map((connection) => ({ ...connection })),
    get(name) {
      const connection = byName.get(name);
      return connection === undefined ? undefined : { ...connection };
    },
    add({ name, strategy }) {
      const where = 'localTenant.connections.add';
      if (typeof name !== 'string' || !CONNECTION_NAME.test(name)) {
        const problem = `"name" must be letters, digits and inner hyphens (got ${JSON.stringify(name)})`;
        throw localTenantError(where, problem);
      }
      if (typeof strategy !== 'string' || strategy === '') {
        const problem = `"strategy" must be a non-empty string such as "auth0" (got ${JSON.stringify(strategy)})`;
        throw localTenantError(where, problem);
      }
      if (byName.has(name)) throw localTenantError(where, `a connection named "${name}" already exists`);
      const connection: TenantConnection = { id: randomConnectionId(), name, strategy };
      byName.set(name, connection);
      return { ...connection };
    },
  };

  for (const connection of DEFAULT_CONNECTIONS) store.add(connection);
  return store;
}
