import { randomInt } from 'node:crypto';
import {
  passwordPolicyProblem,
  type Auth0PasswordOptions,
  type PasswordPolicy,
  type PasswordStrength,
} from '../../auth0/password-policy.js';
import { connectionKindOf } from '../connection-kind.js';
import { testingError } from '../testing-error.js';

/**
 * A connection of the local tenant, shaped like `event.connection` in an Action.
 *
 * @example
 * ```ts
 * const { id }: TenantConnection = tenant.connections.get('Username-Password-Authentication')!;
 * ```
 */
export interface TenantConnection {
  /** `con_` followed by 16 letters and digits, like Auth0's connection ids. */
  readonly id: string;
  /** The connection name, such as `Username-Password-Authentication`. */
  readonly name: string;
  /** `auth0` for a database connection; the identity provider otherwise (`google-oauth2`, `samlp`, …). */
  readonly strategy: string;
}

/**
 * What {@link ConnectionStore.add} needs to create a connection.
 *
 * @example
 * ```ts
 * const staff: NewConnection = { name: 'staff', strategy: 'auth0', passwordPolicy: 'good', minLength: 12 };
 * tenant.connections.add(staff);
 * ```
 */
export interface NewConnection {
  /** A name of letters, digits and inner hyphens, unique within the tenant. */
  readonly name: string;
  /** `auth0` (database), a social provider such as `github`, or an enterprise one such as `waad`. */
  readonly strategy: string;
  /**
   * Database connections only: the password strength level.
   * @default 'none' (Auth0's default for a connection created without one)
   */
  readonly passwordPolicy?: PasswordStrength;
  /** Database connections only: a minimum password length (1 to 72) that replaces the level's. */
  readonly minLength?: number;
  /** Database connections only: turns password history on, remembering this many passwords (1 to 24). */
  readonly passwordHistorySize?: number;
}

/**
 * The connections of a local tenant. It starts with `Username-Password-Authentication` (database, with
 * the `good` password policy that Auth0 gives the default connection of a new tenant),
 * `google-oauth2` (social) and `acme-saml` (enterprise, SAML). Every connection returned is a copy.
 *
 * @example
 * ```ts
 * tenant.connections.add({ name: 'staff', strategy: 'auth0', passwordPolicy: 'excellent' });
 * tenant.connections.setPasswordPolicy('Username-Password-Authentication', { passwordHistorySize: 5 });
 * tenant.connections.passwordPolicyOf('staff'); // { passwordPolicy: 'excellent' }
 * ```
 */
export interface ConnectionStore {
  /** Every connection, in the order they were added. */
  list(): TenantConnection[];
  /** The connection with this name, or `undefined`. */
  get(name: string): TenantConnection | undefined;
  /**
   * Adds a connection and returns it.
   *
   * @throws Error when the name is malformed or taken, or a password policy is given for a connection
   * that is not a database connection, or is malformed.
   */
  add(connection: NewConnection): TenantConnection;
  /** The password policy of a database connection; `undefined` for other connections. */
  passwordPolicyOf(name: string): PasswordPolicy | undefined;
  /**
   * Changes the password policy of a database connection, for the passwords set from now on (as in
   * Auth0, existing passwords stay valid). Omitted fields are left as they are; `minLength` and
   * `passwordHistorySize` may be `null` to remove them.
   *
   * @throws Error when the connection is unknown or not a database connection, or the policy is malformed.
   */
  setPasswordPolicy(
    name: string,
    policy: { passwordPolicy?: PasswordStrength; minLength?: number | null; passwordHistorySize?: number | null },
  ): PasswordPolicy;
}

/** The store as the HTTP API sees it: it also finds connections by id and renders Auth0's shape. */
export interface ConnectionRecords extends ConnectionStore {
  /** The connection with this id, or `undefined`. */
  getById(id: string): TenantConnection | undefined;
  /** The connection as `GET /api/v2/connections/{id}` returns it, `options` included. */
  managementView(name: string): Record<string, unknown> & { options: Record<string, unknown> };
}

/** The name of the database connection every new Auth0 tenant has. */
export const DEFAULT_DATABASE_CONNECTION = 'Username-Password-Authentication';

const DEFAULT_CONNECTIONS: readonly NewConnection[] = [
  // Auth0 creates a new tenant's default connection with the `good` level (and history off).
  { name: DEFAULT_DATABASE_CONNECTION, strategy: 'auth0', passwordPolicy: 'good' },
  { name: 'google-oauth2', strategy: 'google-oauth2' },
  { name: 'acme-saml', strategy: 'samlp' },
];

const CONNECTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Auth0's default history size, shown (disabled) on every database connection.
const DEFAULT_HISTORY_SIZE = 5;

function randomConnectionId(): string {
  let suffix = '';
  for (let index = 0; index < 16; index += 1) suffix += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return `con_${suffix}`;
}

interface ConnectionRecord {
  readonly connection: TenantConnection;
  /** Database connections only. */
  policy?: PasswordPolicy;
}

/** `options` of a database connection with `policy`, in the Management API's shape. */
function databaseOptions(policy: PasswordPolicy): Auth0PasswordOptions & Record<string, unknown> {
  return {
    passwordPolicy: policy.passwordPolicy,
    ...(policy.minLength === undefined ? {} : { password_complexity_options: { min_length: policy.minLength } }),
    password_history: { enable: policy.passwordHistorySize !== undefined, size: policy.passwordHistorySize ?? DEFAULT_HISTORY_SIZE },
    brute_force_protection: true,
    strategy_version: 2,
  };
}

/** Creates the connection store of a new local tenant, holding the three default connections. */
export function createConnectionStore(): ConnectionRecords {
  const byName = new Map<string, ConnectionRecord>();

  function databaseRecord(where: string, name: string): ConnectionRecord & { policy: PasswordPolicy } {
    const record = byName.get(name);
    if (record === undefined) throw testingError(where, `unknown connection ${JSON.stringify(name)}`);
    if (record.policy === undefined) {
      const kind = connectionKindOf(record.connection.strategy);
      throw testingError(where, `"${name}" is a ${kind} connection: only database connections have a password policy`);
    }
    return record as ConnectionRecord & { policy: PasswordPolicy };
  }

  function checkPolicy(where: string, policy: Partial<Record<keyof PasswordPolicy, unknown>>): void {
    const problem = passwordPolicyProblem(policy);
    if (problem !== undefined) throw testingError(where, problem);
  }

  const store: ConnectionRecords = {
    list: () => [...byName.values()].map(({ connection }) => ({ ...connection })),
    get(name) {
      const record = byName.get(name);
      return record === undefined ? undefined : { ...record.connection };
    },
    getById(id) {
      for (const { connection } of byName.values()) if (connection.id === id) return { ...connection };
      return undefined;
    },
    add({ name, strategy, passwordPolicy, minLength, passwordHistorySize }) {
      const where = 'localTenant.connections.add';
      if (typeof name !== 'string' || !CONNECTION_NAME.test(name)) {
        const problem = `"name" must be letters, digits and inner hyphens (got ${JSON.stringify(name)})`;
        throw testingError(where, problem);
      }
      if (typeof strategy !== 'string' || strategy === '') {
        const problem = `"strategy" must be a non-empty string such as "auth0" (got ${JSON.stringify(strategy)})`;
        throw testingError(where, problem);
      }
      if (byName.has(name)) throw testingError(where, `a connection named "${name}" already exists`);
      const isDatabase = connectionKindOf(strategy) === 'database';
      const hasPolicy = passwordPolicy !== undefined || minLength !== undefined || passwordHistorySize !== undefined;
      if (hasPolicy && !isDatabase) {
        throw testingError(where, `a password policy is only for database connections (strategy "auth0"), not "${strategy}"`);
      }
      checkPolicy(where, { passwordPolicy, minLength, passwordHistorySize });
      const connection: TenantConnection = { id: randomConnectionId(), name, strategy };
      const record: ConnectionRecord = { connection };
      if (isDatabase) {
        record.policy = {
          passwordPolicy: passwordPolicy ?? 'none',
          ...(minLength === undefined ? {} : { minLength }),
          ...(passwordHistorySize === undefined ? {} : { passwordHistorySize }),
        };
      }
      byName.set(name, record);
      return { ...connection };
    },
    passwordPolicyOf(name) {
      const policy = byName.get(name)?.policy;
      return policy === undefined ? undefined : { ...policy };
    },
    setPasswordPolicy(name, changes) {
      const where = 'localTenant.connections.setPasswordPolicy';
      const record = databaseRecord(where, name);
      const { passwordPolicy = record.policy.passwordPolicy } = changes;
      const minLength = changes.minLength === null ? undefined : changes.minLength ?? record.policy.minLength;
      const passwordHistorySize =
        changes.passwordHistorySize === null ? undefined : changes.passwordHistorySize ?? record.policy.passwordHistorySize;
      checkPolicy(where, { passwordPolicy, minLength, passwordHistorySize });
      record.policy = {
        passwordPolicy,
        ...(minLength === undefined ? {} : { minLength }),
        ...(passwordHistorySize === undefined ? {} : { passwordHistorySize }),
      };
      return { ...record.policy };
    },
    managementView(name) {
      const record = byName.get(name);
      if (record === undefined) throw testingError('connections', `unknown connection ${JSON.stringify(name)}`);
      const { id, strategy } = record.connection;
      return {
        id,
        name,
        display_name: name,
        strategy,
        is_domain_connection: false,
        realms: [name],
        options: record.policy === undefined ? {} : databaseOptions(record.policy),
      };
    },
  };

  for (const connection of DEFAULT_CONNECTIONS) store.add(connection);
  return store;
}
