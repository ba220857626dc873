import { randomInt } from 'node:crypto';
import { passwordPolicyFromOptions, type Auth0PasswordOptions, type PasswordPolicy, type PasswordStrength } from '../../auth0/password-policy.js';
import { checkFields, toIssue, type Report } from '../../internal/check-options.js';
import { auth0PasswordOptionsChecks } from '../../password/password-policy-option.js';
import { passwordRulesFromConnection, type PasswordRules } from '../../password/password-rules.js';
import { connectionKindOf } from '../connection-kind.js';
import { testingError } from '../testing-error.js';

/**
 * A connection of the local tenant, shaped like `event.connection` in an Action.
 *
 * @example
 * ```ts
 * const { id } = tenant.connections.get('Username-Password-Authentication')!;
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
 * tenant.connections.add({ name: 'staff', strategy: 'auth0', passwordPolicy: 'good', minLength: 12 });
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
  /**
   * Database connections only: the password keys of the connection's `options` in Auth0's shape —
   * the legacy keys, or the Flexible Password Policy's `password_options` — instead of the three
   * fields above.
   * @example { password_options: { complexity: { min_length: 12, sequential_characters: 'block' }, dictionary: { active: true, default: 'en_100k' } } }
   */
  readonly passwordOptions?: Auth0PasswordOptions;
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
 * tenant.connections.setPasswordOptions('staff', { password_options: { dictionary: { active: true, default: 'en_100k' } } });
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
  /**
   * The legacy password policy of a database connection; `undefined` for other connections and for a
   * database connection on the Flexible Password Policy (see {@link ConnectionStore.passwordOptionsOf}).
   */
  passwordPolicyOf(name: string): PasswordPolicy | undefined;
  /**
   * Changes the legacy password policy of a database connection, for the passwords set from now on (as
   * in Auth0, existing passwords stay valid). Omitted fields are left as they are; `minLength` and
   * `passwordHistorySize` may be `null` to remove them.
   *
   * @throws Error when the connection is unknown, not a database connection or on the Flexible
   * Password Policy, or the policy is malformed.
   */
  setPasswordPolicy(
    name: string,
    policy: { passwordPolicy?: PasswordStrength; minLength?: number | null; passwordHistorySize?: number | null },
  ): PasswordPolicy;
  /** The password keys of a database connection's `options`, in Auth0's shape; `undefined` for other connections. */
  passwordOptionsOf(name: string): Auth0PasswordOptions | undefined;
  /**
   * Replaces the password keys of a database connection's `options` — as Auth0's
   * `PATCH /api/v2/connections/{id}` replaces `options` whole — for the passwords set from now on.
   * `password_options` switches the connection to the Flexible Password Policy; without it, the legacy
   * keys apply.
   *
   * @throws Error when the connection is unknown or not a database connection, or the options are not
   * what Auth0 accepts (naming the field: `"options.password_options.complexity.min_length" must be …`).
   */
  setPasswordOptions(name: string, options: Auth0PasswordOptions): Auth0PasswordOptions;
}

/** The store as the HTTP API sees it: it also finds connections by id and renders Auth0's shape. */
export interface ConnectionRecords extends ConnectionStore {
  /** The connection with this id, or `undefined`. */
  getById(id: string): TenantConnection | undefined;
  /** The connection as `GET /api/v2/connections/{id}` returns it, `options` included. */
  managementView(name: string): Record<string, unknown> & { options: Record<string, unknown> };
  /** The rules a new password must meet on a database connection; `undefined` for other connections. */
  passwordRulesOf(name: string): PasswordRules | undefined;
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
  /** Database connections only: the password keys of `options`, in Auth0's shape. */
  passwordOptions?: Auth0PasswordOptions;
}

/** `options` of a database connection, in the Management API's shape. */
function databaseOptions(passwordOptions: Auth0PasswordOptions): Record<string, unknown> {
  const copy = structuredClone(passwordOptions);
  return {
    ...(copy.password_options === undefined || copy.password_options === null
      ? // Auth0 shows the legacy history setting, disabled, on every legacy connection.
        { ...copy, password_history: copy.password_history ?? { enable: false, size: DEFAULT_HISTORY_SIZE } }
      : { password_options: copy.password_options }),
    brute_force_protection: true,
    strategy_version: 2,
  };
}

/** The legacy shorthand of {@link NewConnection} in Auth0's shape. */
function legacyOptions(policy: { passwordPolicy: unknown; minLength: unknown; passwordHistorySize: unknown }): Record<string, unknown> {
  return {
    passwordPolicy: policy.passwordPolicy,
    ...(policy.minLength === undefined ? {} : { password_complexity_options: { min_length: policy.minLength } }),
    ...(policy.passwordHistorySize === undefined ? {} : { password_history: { enable: true, size: policy.passwordHistorySize } }),
  };
}

/** Creates the connection store of a new local tenant, holding the three default connections. */
export function createConnectionStore(): ConnectionRecords {
  const byName = new Map<string, ConnectionRecord>();

  function databaseRecord(where: string, name: string): ConnectionRecord & { passwordOptions: Auth0PasswordOptions } {
    const record = byName.get(name);
    if (record === undefined) throw testingError(where, `unknown connection ${JSON.stringify(name)}`);
    if (record.passwordOptions === undefined) {
      const kind = connectionKindOf(record.connection.strategy);
      throw testingError(where, `"${name}" is a ${kind} connection: only database connections have a password policy`);
    }
    return record as ConnectionRecord & { passwordOptions: Auth0PasswordOptions };
  }

  /** Auth0's checks of `options`, thrown as one testing error naming every field at fault. */
  function checkPasswordOptions(where: string, options: unknown): Auth0PasswordOptions {
    const problems: string[] = [];
    const report: Report = (expected, input, path = []) => {
      const issue = toIssue(path, expected, input);
      problems.push(`"${issue.path}" ${issue.expected}`);
    };
    checkFields(options, report, auth0PasswordOptionsChecks, 'must be the password keys of a connection’s options');
    if (problems.length > 0) throw testingError(where, problems.join('; '));
    return structuredClone(options as Auth0PasswordOptions);
  }

  const isFlexible = (options: Auth0PasswordOptions): boolean => options.password_options !== undefined && options.password_options !== null;

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
    add({ name, strategy, passwordPolicy, minLength, passwordHistorySize, passwordOptions }) {
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
      const hasShorthand = passwordPolicy !== undefined || minLength !== undefined || passwordHistorySize !== undefined;
      if ((hasShorthand || passwordOptions !== undefined) && !isDatabase) {
        throw testingError(where, `a password policy is only for database connections (strategy "auth0"), not "${strategy}"`);
      }
      if (hasShorthand && passwordOptions !== undefined) {
        throw testingError(where, 'give either "passwordOptions" (Auth0’s shape) or "passwordPolicy", "minLength" and "passwordHistorySize", not both');
      }
      const options = isDatabase
        ? checkPasswordOptions(where, passwordOptions ?? legacyOptions({ passwordPolicy: passwordPolicy ?? 'none', minLength, passwordHistorySize }))
        : undefined;
      const connection: TenantConnection = { id: randomConnectionId(), name, strategy };
      byName.set(name, options === undefined ? { connection } : { connection, passwordOptions: options });
      return { ...connection };
    },
    passwordPolicyOf(name) {
      const options = byName.get(name)?.passwordOptions;
      return options === undefined || isFlexible(options) ? undefined : passwordPolicyFromOptions(options);
    },
    setPasswordPolicy(name, changes) {
      const where = 'localTenant.connections.setPasswordPolicy';
      const record = databaseRecord(where, name);
      if (isFlexible(record.passwordOptions)) {
        throw testingError(where, `"${name}" is on the Flexible Password Policy: change it with setPasswordOptions`);
      }
      const current = passwordPolicyFromOptions(record.passwordOptions);
      const { passwordPolicy = current.passwordPolicy } = changes;
      const minLength = changes.minLength === null ? undefined : changes.minLength ?? current.minLength;
      const passwordHistorySize = changes.passwordHistorySize === null ? undefined : changes.passwordHistorySize ?? current.passwordHistorySize;
      // The dictionary and personal-data keys stay as they are.
      const { password_dictionary: dictionary, password_no_personal_info: personalInfo } = record.passwordOptions;
      record.passwordOptions = checkPasswordOptions(where, {
        ...legacyOptions({ passwordPolicy, minLength, passwordHistorySize }),
        ...(dictionary === undefined ? {} : { password_dictionary: dictionary }),
        ...(personalInfo === undefined ? {} : { password_no_personal_info: personalInfo }),
      });
      return passwordPolicyFromOptions(record.passwordOptions);
    },
    passwordOptionsOf(name) {
      const options = byName.get(name)?.passwordOptions;
      return options === undefined ? undefined : structuredClone(options);
    },
    setPasswordOptions(name, options) {
      const where = 'localTenant.connections.setPasswordOptions';
      const record = databaseRecord(where, name);
      record.passwordOptions = checkPasswordOptions(where, options);
      return structuredClone(record.passwordOptions);
    },
    passwordRulesOf(name) {
      const options = byName.get(name)?.passwordOptions;
      return options === undefined ? undefined : passwordRulesFromConnection(options);
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
        options: record.passwordOptions === undefined ? {} : databaseOptions(record.passwordOptions),
      };
    },
  };

  for (const connection of DEFAULT_CONNECTIONS) store.add(connection);
  return store;
}
