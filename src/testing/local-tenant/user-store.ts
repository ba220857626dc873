import { randomBytes, randomInt, scryptSync, timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_DATABASE_CONNECTION,
  connectionKindOf,
  type ConnectionStore,
  type TenantConnection,
} from './connection-store.js';
import {
  cloneJson,
  findInvalidMetadataKey,
  isPlainObject,
  mergeMetadata,
  type Metadata,
} from './metadata.js';
import { localTenantError, localTenantTypeError } from './local-tenant-error.js';

/** One entry of {@link TenantUser.identities}, as the Management API returns it. */
export interface TenantIdentity {
  /** The connection name. */
  connection: string;
  /** The connection's strategy: `auth0`, `google-oauth2`, `samlp`, … */
  provider: string;
  /** The user's id within that provider: the `user_id` without its `provider|` prefix. */
  user_id: string;
  /** Whether the provider is a social one. */
  isSocial: boolean;
}

/**
 * A user of the local tenant, shaped like the Management API's `GET /api/v2/users/{id}` response and
 * `event.user` in an Action. It never contains the password.
 */
export interface TenantUser {
  /**
   * `auth0|<24 hex>` for database users, `google-oauth2|<21 digits>` for social ones and
   * `samlp|acme-saml|<email>` for enterprise ones.
   */
  user_id: string;
  email?: string;
  email_verified: boolean;
  /** Present once an administrator has blocked or unblocked the user. */
  blocked?: boolean;
  /** ISO 8601. */
  created_at: string;
  /** ISO 8601; changes with every write. */
  updated_at: string;
  /** ISO 8601. Absent until the password is first set or changed; only database users ever have one. */
  last_password_reset?: string;
  /** ISO 8601. Absent until the first {@link UserStore.recordLogin}. */
  last_login?: string;
  logins_count: number;
  identities: TenantIdentity[];
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
}

/** What {@link UserStore.create} accepts. Every property is optional. */
export interface CreateUserInput {
  email?: string;
  /** @default `false` for database users, `true` for social and enterprise users (their provider vouches) */
  email_verified?: boolean;
  /** The connection name. @default "Username-Password-Authentication" */
  connection?: string;
  /** @default generated in the shape Auth0 uses for the connection's kind */
  user_id?: string;
  /** Only for database users. @default a random password */
  password?: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
  /** ISO 8601, to model a user created in the past. @default the tenant clock */
  created_at?: string;
  /** ISO 8601; only for database users. @default absent, as for a user who never changed the password */
  last_password_reset?: string;
  /** @default 0 */
  logins_count?: number;
}

/**
 * The users of a local tenant. Every user returned is a deep copy: changing it never changes the store.
 * Every method that takes an id throws when no user has it.
 */
export interface UserStore {
  /**
   * Creates a user and returns it.
   *
   * @throws Error when the connection is unknown, the `user_id` is taken, the email is taken within a
   * database connection, or a password is given for a user who cannot have one.
   */
  create(input?: CreateUserInput): TenantUser;
  /** The user with this id, or `undefined`. */
  get(userId: string): TenantUser | undefined;
  /** Every user, in the order they were created. */
  list(): TenantUser[];
  /**
   * An administrator sets the user's password (as `PATCH /api/v2/users/{id}` with `password` does):
   * `last_password_reset` and `updated_at` become the tenant clock. Database users only.
   */
  setPassword(userId: string, password: string): TenantUser;
  /**
   * The user changes the password, for example through a reset link. The record changes exactly as with
   * {@link UserStore.setPassword}; the two are separate because they fire different triggers in Auth0.
   */
  changePassword(userId: string, password: string): TenantUser;
  /** Whether `password` is the user's current password. Always `false` for users without a password. */
  verifyPassword(userId: string, password: string): boolean;
  /** Merges `patch` into `app_metadata` at the top level; a `null` value deletes the key. */
  updateAppMetadata(userId: string, patch: Record<string, unknown>): TenantUser;
  /** Merges `patch` into `user_metadata` at the top level; a `null` value deletes the key. */
  updateUserMetadata(userId: string, patch: Record<string, unknown>): TenantUser;
  /**
   * Records a successful login: `logins_count` grows by one and `last_login` becomes the tenant clock.
   * Returns the new count.
   */
  recordLogin(userId: string): number;
  /** Deletes the user. */
  delete(userId: string): void;
}

/** The changes `PATCH /api/v2/users/{id}` can make, already validated. */
export interface UserPatch {
  app_metadata?: Metadata;
  user_metadata?: Metadata;
  password?: string;
  email_verified?: boolean;
  blocked?: boolean;
}

/** The store as the HTTP API sees it: {@link UserStore} plus one atomic write for a whole PATCH body. */
export interface UserRecords extends UserStore {
  /** Applies every change of a PATCH at one instant, so `updated_at` changes once. */
  applyPatch(userId: string, patch: UserPatch): TenantUser;
  /** The connection the user belongs to. */
  connectionOf(userId: string): TenantConnection;
}

interface PasswordHash {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

interface UserRecord {
  user: TenantUser;
  connection: TenantConnection;
  /** Database users only. */
  password?: PasswordHash;
}

// A low scrypt cost: this is a test double, and thousands of users must still be created in milliseconds.
const SCRYPT_OPTIONS = { N: 1024, r: 8, p: 1 } as const;
const HASH_BYTES = 32;

function hashPassword(password: string): PasswordHash {
  const salt = randomBytes(16);
  return { salt, hash: scryptSync(password, salt, HASH_BYTES, SCRYPT_OPTIONS) };
}

function matchesHash(password: string, { salt, hash }: PasswordHash): boolean {
  return timingSafeEqual(scryptSync(password, salt, HASH_BYTES, SCRYPT_OPTIONS), hash);
}

function randomDigits(count: number): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < count) digits += String(randomInt(10));
  return digits;
}

/** A `user_id` in the shape Auth0 gives users of this kind of connection. */
function generateUserId(connection: TenantConnection, email: string | undefined): string {
  switch (connectionKindOf(connection.strategy)) {
    case 'database':
      return `auth0|${randomBytes(12).toString('hex')}`;
    case 'social':
      return `${connection.strategy}|${randomDigits(21)}`;
    case 'enterprise':
      return `${connection.strategy}|${connection.name}|${email ?? randomBytes(12).toString('hex')}`;
  }
}

function identityOf(userId: string, connection: TenantConnection): TenantIdentity {
  const separator = userId.indexOf('|');
  return {
    connection: connection.name,
    provider: connection.strategy,
    user_id: separator === -1 ? userId : userId.slice(separator + 1),
    isSocial: connectionKindOf(connection.strategy) === 'social',
  };
}

function requireIsoDate(where: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    const problem = `"${field}" must be an ISO 8601 date string (got ${JSON.stringify(value)})`;
    throw localTenantTypeError(where, problem);
  }
  return value;
}

function requireMetadata(where: string, field: string, value: unknown): Metadata {
  if (!isPlainObject(value)) throw localTenantTypeError(where, `"${field}" must be a plain object`);
  const invalidKey = findInvalidMetadataKey(value);
  if (invalidKey !== undefined) {
    const problem = `"${field}" key ${JSON.stringify(invalidKey)} contains "." or "$", which Auth0 refuses`;
    throw localTenantError(where, problem);
  }
  return value;
}

function requirePassword(where: string, password: unknown): string {
  if (typeof password !== 'string' || password === '') {
    throw localTenantTypeError(where, '"password" must be a non-empty string');
  }
  return password;
}

/** Refuses what only database users can have: a password and a `last_password_reset`. */
function requireDatabaseConnection(where: string, field: string, connection: TenantConnection): void {
  const kind = connectionKindOf(connection.strategy);
  if (kind !== 'database') {
    const problem = `"${field}" is only for database users; "${connection.name}" is a ${kind} connection`;
    throw localTenantError(where, problem);
  }
}

/**
 * Creates the user store of a local tenant.
 *
 * @param connections - where connection names are looked up.
 * @param now - the tenant clock, in milliseconds; read once per write.
 */
export function createUserStore(connections: ConnectionStore, now: () => number): UserRecords {
  const records = new Map<string, UserRecord>();
  const isoNow = (): string => new Date(now()).toISOString();

  function recordOf(where: string, userId: string): UserRecord {
    const record = records.get(userId);
    if (record === undefined) throw localTenantError(where, `no user has the id ${JSON.stringify(userId)}`);
    return record;
  }

  function connectionNamed(where: string, name: string): TenantConnection {
    const connection = connections.get(name);
    if (connection !== undefined) return connection;
    const known = connections.list().map((existing) => `"${existing.name}"`).join(', ');
    throw localTenantError(where, `unknown connection "${name}"; use one of ${known}, or add it with connections.add()`);
  }

  function checkUnique(where: string, userId: string, email: string | undefined, connection: TenantConnection): void {
    if (records.has(userId)) {
      throw localTenantError(where, `a user with user_id ${JSON.stringify(userId)} already exists`);
    }
    // Auth0 refuses a second database user with the same email in one connection; federated ones may repeat.
    if (email === undefined || connectionKindOf(connection.strategy) !== 'database') return;
    const sameEmail = email.toLowerCase();
    for (const other of records.values()) {
      if (other.connection.name === connection.name && other.user.email?.toLowerCase() === sameEmail) {
        throw localTenantError(where, `a user with email "${email}" already exists in "${connection.name}"`);
      }
    }
  }

  function newPassword(where: string, record: UserRecord, password: unknown): PasswordHash {
    requireDatabaseConnection(where, 'password', record.connection);
    return hashPassword(requirePassword(where, password));
  }

  function replacePassword(where: string, userId: string, password: unknown): TenantUser {
    const record = recordOf(where, userId);
    record.password = newPassword(where, record, password);
    const at = isoNow();
    record.user.last_password_reset = at;
    record.user.updated_at = at;
    return cloneJson(record.user);
  }

  function updateMetadata(
    where: string,
    field: 'app_metadata' | 'user_metadata',
    userId: string,
    patch: unknown,
  ): TenantUser {
    const record = recordOf(where, userId);
    record.user[field] = mergeMetadata(record.user[field], requireMetadata(where, 'patch', patch));
    record.user.updated_at = isoNow();
    return cloneJson(record.user);
  }

  return {
    create(input = {}) {
      const where = 'localTenant.users.create';
      const connection = connectionNamed(where, input.connection ?? DEFAULT_DATABASE_CONNECTION);
      const isDatabase = connectionKindOf(connection.strategy) === 'database';
      const { email, logins_count: loginsCount = 0 } = input;
      if (email !== undefined && (typeof email !== 'string' || !email.includes('@'))) {
        throw localTenantTypeError(where, `"email" must be an email address (got ${JSON.stringify(email)})`);
      }
      if (!Number.isSafeInteger(loginsCount) || loginsCount < 0) {
        const problem = `"logins_count" must be a non-negative integer (got ${JSON.stringify(loginsCount)})`;
        throw localTenantTypeError(where, problem);
      }
      if (input.password !== undefined) requireDatabaseConnection(where, 'password', connection);
      if (input.last_password_reset !== undefined) {
        requireDatabaseConnection(where, 'last_password_reset', connection);
      }
      const userId = input.user_id ?? generateUserId(connection, email);
      if (typeof userId !== 'string' || userId === '') {
        const problem = `"user_id" must be a non-empty string (got ${JSON.stringify(userId)})`;
        throw localTenantTypeError(where, problem);
      }
      checkUnique(where, userId, email, connection);

      const at = isoNow();
      const user: TenantUser = {
        user_id: userId,
        ...(email === undefined ? {} : { email }),
        email_verified: input.email_verified ?? !isDatabase,
        created_at: input.created_at === undefined ? at : requireIsoDate(where, 'created_at', input.created_at),
        updated_at: at,
        ...(input.last_password_reset === undefined
          ? {}
          : { last_password_reset: requireIsoDate(where, 'last_password_reset', input.last_password_reset) }),
        logins_count: loginsCount,
        identities: [identityOf(userId, connection)],
        app_metadata: cloneJson(requireMetadata(where, 'app_metadata', input.app_metadata ?? {})),
        user_metadata: cloneJson(requireMetadata(where, 'user_metadata', input.user_metadata ?? {})),
      };
      const record: UserRecord = { user, connection };
      if (isDatabase) {
        // Like a user who signed up: there is a password, just not one the test knows.
        const password = input.password ?? randomBytes(18).toString('base64url');
        record.password = hashPassword(requirePassword(where, password));
      }
      records.set(userId, record);
      return cloneJson(user);
    },

    get(userId) {
      const record = records.get(userId);
      return record === undefined ? undefined : cloneJson(record.user);
    },

    list: () => [...records.values()].map(({ user }) => cloneJson(user)),

    setPassword: (userId, password) => replacePassword('localTenant.users.setPassword', userId, password),

    changePassword: (userId, password) =>
      replacePassword('localTenant.users.changePassword', userId, password),

    verifyPassword(userId, password) {
      const { password: stored } = recordOf('localTenant.users.verifyPassword', userId);
      return stored !== undefined && typeof password === 'string' && matchesHash(password, stored);
    },

    updateAppMetadata: (userId, patch) =>
      updateMetadata('localTenant.users.updateAppMetadata', 'app_metadata', userId, patch),

    updateUserMetadata: (userId, patch) =>
      updateMetadata('localTenant.users.updateUserMetadata', 'user_metadata', userId, patch),

    recordLogin(userId) {
      const record = recordOf('localTenant.users.recordLogin', userId);
      record.user.logins_count += 1;
      record.user.last_login = isoNow();
      return record.user.logins_count;
    },

    delete(userId) {
      recordOf('localTenant.users.delete', userId);
      records.delete(userId);
    },

    applyPatch(userId, patch) {
      const where = 'PATCH /api/v2/users/{id}';
      const record = recordOf(where, userId);
      // Hash before changing anything, so a refused password leaves the record untouched.
      const password = patch.password === undefined ? undefined : newPassword(where, record, patch.password);
      const at = isoNow();
      const { user } = record;
      if (patch.app_metadata !== undefined) {
        user.app_metadata = mergeMetadata(user.app_metadata, patch.app_metadata);
      }
      if (patch.user_metadata !== undefined) {
        user.user_metadata = mergeMetadata(user.user_metadata, patch.user_metadata);
      }
      if (patch.email_verified !== undefined) user.email_verified = patch.email_verified;
      if (patch.blocked !== undefined) user.blocked = patch.blocked;
      if (password !== undefined) {
        record.password = password;
        user.last_password_reset = at;
      }
      user.updated_at = at;
      return cloneJson(user);
    },

    connectionOf: (userId) => ({ ...recordOf('localTenant.users.connectionOf', userId).connection }),
  };
}
