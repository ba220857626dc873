import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { describePasswordRule, ENGLISH_PASSWORD_TEXTS } from '../../password/password-texts.js';
import { checkNewPassword, passwordRulesFromConnection, type CommonPasswords, type PasswordRule, type PasswordRules } from '../../password/password-rules.js';
import { connectionKindOf } from '../connection-kind.js';
import { DEFAULT_DATABASE_CONNECTION, type ConnectionRecords, type TenantConnection } from './connection-store.js';
import { cloneJson, findInvalidMetadataKey, mergeMetadata, type Metadata } from '../metadata.js';
import { isRecord } from '../../obligation/obligation.js';
import { testingError, testingTypeError } from '../testing-error.js';

/**
 * One entry of {@link TenantUser.identities}, as the Management API returns it.
 *
 * @example
 * ```ts
 * const [identity] = tenant.users.create().identities; // { connection, provider: 'auth0', user_id, isSocial: false }
 * ```
 */
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
 *
 * @example
 * ```ts
 * const user: TenantUser = tenant.users.create({ email: 'ada@example.com' });
 * user.user_id; // 'auth0|…'
 * ```
 */
export interface TenantUser {
  /**
   * `auth0|<24 hex>` for database users, `google-oauth2|<21 digits>` for social ones and
   * `samlp|acme-saml|<email>` for enterprise ones.
   */
  user_id: string;
  email?: string;
  email_verified: boolean;
  /** Present when the user was created with one. */
  username?: string;
  /** Present when the user was created with one. */
  name?: string;
  /** Present when the user was created with one. */
  nickname?: string;
  /** Present when the user was created with one. */
  given_name?: string;
  /** Present when the user was created with one. */
  family_name?: string;
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

/**
 * What {@link UserStore.create} accepts. Every property is optional.
 *
 * @example
 * ```ts
 * const input: CreateUserInput = { email: 'ada@example.com', password: 'Initial-Passw0rd', app_metadata: { needsPasswordReset: true } };
 * const user = tenant.users.create(input);
 * ```
 */
export interface CreateUserInput {
  email?: string;
  /**
   * Profile fields a connection's personal-data rule may block from passwords
   * (`password_no_personal_info`, `password_options.profile_data`). @default absent
   */
  username?: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  /** @default `false` for database users, `true` for social and enterprise users (their provider vouches) */
  email_verified?: boolean;
  /** The connection name. @default "Username-Password-Authentication" */
  connection?: string;
  /** @default generated in the shape Auth0 uses for the connection's kind */
  user_id?: string;
  /**
   * Only for database users; it must meet the connection's password policy (`good` for the default
   * connection: 8 characters, 3 of lower case, upper case, digits and special characters).
   * @default a random password that meets the policy
   */
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
 *
 * @example
 * ```ts
 * const user = tenant.users.create({ email: 'ada@example.com', password: 'Initial-Passw0rd' });
 * tenant.users.setPassword(user.user_id, 'Temp-0rary-Passw0rd');
 * tenant.users.verifyPassword(user.user_id, 'Temp-0rary-Passw0rd'); // true
 * ```
 */
export interface UserStore {
  /**
   * Creates a user and returns it.
   *
   * @throws Error when the connection is unknown, the `user_id` is taken, the email is taken within a
   * database connection, or a password is given for a user who cannot have one or does not meet the
   * connection's password policy.
   */
  create(input?: CreateUserInput): TenantUser;
  /** The user with this id, or `undefined`. */
  get(userId: string): TenantUser | undefined;
  /** Every user, in the order they were created. */
  list(): TenantUser[];
  /**
   * An administrator sets the user's password (as `PATCH /api/v2/users/{id}` with `password` does):
   * `last_password_reset` and `updated_at` become the tenant clock. Database users only; the password
   * must meet the connection's password policy, history included.
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

/** Why a new password was refused, named as Auth0 names it in its error messages. */
export interface PasswordRefusal {
  readonly error: 'PasswordStrengthError' | 'PasswordDictionaryError' | 'PasswordNoUserInfoError' | 'PasswordHistoryError';
  /** The rules the password breaks, in words; it never quotes the password. */
  readonly problem: string;
}

/** The store as the HTTP API sees it: {@link UserStore} plus one atomic write for a whole PATCH body. */
export interface UserRecords extends UserStore {
  /** Why `password` may not become this user's password under the connection's policy, if it may not. */
  passwordRefusal(userId: string, password: string): PasswordRefusal | undefined;
  /** Applies every change of a PATCH at one instant, so `updated_at` changes once. */
  applyPatch(userId: string, patch: UserPatch): TenantUser;
  /** The connection the user belongs to. */
  connectionOf(userId: string): TenantConnection;
  /**
   * Every user with its connection, in the order they were created — the records themselves, not
   * copies, so that an export of 100,000 users copies nothing: read them, never change them.
   */
  each(): Iterable<{ readonly user: Readonly<TenantUser>; readonly connection: TenantConnection }>;
}

interface PasswordHash {
  readonly salt: Buffer;
  readonly hash: Buffer;
}

interface UserRecord {
  user: TenantUser;
  connection: TenantConnection;
  /** Database users only: the current password first, then earlier ones, for password history. */
  passwords: PasswordHash[];
}

// A TEST DOUBLE's hash: one salted SHA-256, cheap on purpose so that a test can create thousands of
// users in milliseconds. Real password storage needs a slow hash (bcrypt, scrypt, Argon2); the local
// tenant only ever holds test passwords.
// What Auth0 keeps of a password is what bcrypt reads: its first 72 bytes (UTF-8), so two passwords that
// share them sign in alike and meet each other in the history.
const BCRYPT_BYTES = 72;
const hashed = (salt: Buffer, password: string) => createHash('sha256').update(salt).update(Buffer.from(password, 'utf8').subarray(0, BCRYPT_BYTES)).digest();

function hashPassword(password: string): PasswordHash {
  const salt = randomBytes(16);
  return { salt, hash: hashed(salt, password) };
}

function matchesHash(password: string, { salt, hash }: PasswordHash): boolean {
  return timingSafeEqual(hashed(salt, password), hash);
}

// Auth0 keeps at most 24 passwords of history.
const MAX_HISTORY = 24;
const NO_RULES: PasswordRules = passwordRulesFromConnection({ passwordPolicy: 'none' });

/** Which of Auth0's errors refuses a password that breaks `rule`. */
function auth0ErrorFor(rule: PasswordRule): PasswordRefusal['error'] {
  if (rule.id === 'not-common') return 'PasswordDictionaryError';
  if (rule.id === 'no-profile-data') return 'PasswordNoUserInfoError';
  return 'PasswordStrengthError';
}

/**
 * Why `password` may not be set under `rules`, or `undefined`: Auth0 answers one error for a password,
 * so the first broken rule's kind names it, and the words list every broken rule of that kind. In
 * which order Auth0 checks is not documented: strength, dictionary, then personal data, here.
 */
function ruleRefusal(password: string, rules: PasswordRules, context: Parameters<typeof checkNewPassword>[2]): PasswordRefusal | undefined {
  const broken = checkNewPassword(password, rules, context);
  const [first] = broken;
  if (first === undefined) return undefined;
  const error = auth0ErrorFor(first);
  const words = broken.filter((rule) => auth0ErrorFor(rule) === error).map((rule) => describePasswordRule(rule, (key) => ENGLISH_PASSWORD_TEXTS[key]));
  return { error, problem: words.join('; ') };
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
    case 'passwordless':
      return `${connection.strategy}|${randomBytes(12).toString('hex')}`;
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

const PROFILE_FIELDS = ['username', 'name', 'nickname', 'given_name', 'family_name'] as const;
type ProfileField = (typeof PROFILE_FIELDS)[number];

function requireIsoDate(where: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    const problem = `"${field}" must be an ISO 8601 date string (got ${JSON.stringify(value)})`;
    throw testingTypeError(where, problem);
  }
  return value;
}

function requireMetadata(where: string, field: string, value: unknown): Metadata {
  if (!isRecord(value)) throw testingTypeError(where, `"${field}" must be a plain object`);
  const invalidKey = findInvalidMetadataKey(value);
  if (invalidKey !== undefined) {
    const problem = `"${field}" key ${JSON.stringify(invalidKey)} contains "." or "$", which Auth0 refuses`;
    throw testingError(where, problem);
  }
  return value;
}

function requirePassword(where: string, password: unknown): string {
  if (typeof password !== 'string' || password === '') {
    throw testingTypeError(where, '"password" must be a non-empty string');
  }
  return password;
}

/** Refuses what only database users can have: a password and a `last_password_reset`. */
function requireDatabaseConnection(where: string, field: string, connection: TenantConnection): void {
  const kind = connectionKindOf(connection.strategy);
  if (kind !== 'database') {
    const problem = `"${field}" is only for database users; "${connection.name}" is a ${kind} connection`;
    throw testingError(where, problem);
  }
}

/**
 * Creates the user store of a local tenant.
 *
 * @param connections - where connection names are looked up.
 * @param now - the tenant clock, in milliseconds; read once per write.
 * @param commonPasswords - the 100,000 common passwords, loaded: the largest list a connection may name.
 */
export function createUserStore(connections: ConnectionRecords, now: () => number, commonPasswords: CommonPasswords): UserRecords {
  const records = new Map<string, UserRecord>();
  const isoNow = (): string => new Date(now()).toISOString();

  function recordOf(where: string, userId: string): UserRecord {
    const record = records.get(userId);
    if (record === undefined) throw testingError(where, `no user has the id ${JSON.stringify(userId)}`);
    return record;
  }

  function connectionNamed(where: string, name: string): TenantConnection {
    const connection = connections.get(name);
    if (connection !== undefined) return connection;
    const known = connections.list().map((existing) => `"${existing.name}"`).join(', ');
    throw testingError(where, `unknown connection "${name}"; use one of ${known}, or add it with connections.add()`);
  }

  function checkUnique(where: string, userId: string, email: string | undefined, connection: TenantConnection): void {
    if (records.has(userId)) {
      throw testingError(where, `a user with user_id ${JSON.stringify(userId)} already exists`);
    }
    // Auth0 refuses a second database user with the same email in one connection; federated ones may repeat.
    if (email === undefined || connectionKindOf(connection.strategy) !== 'database') return;
    const sameEmail = email.toLowerCase();
    for (const other of records.values()) {
      if (other.connection.name === connection.name && other.user.email?.toLowerCase() === sameEmail) {
        throw testingError(where, `a user with email "${email}" already exists in "${connection.name}"`);
      }
    }
  }

  const rulesOf = (connection: TenantConnection): PasswordRules => connections.passwordRulesOf(connection.name) ?? NO_RULES;

  function refusalOf(record: UserRecord, password: string): PasswordRefusal | undefined {
    const rules = rulesOf(record.connection);
    const refusal = ruleRefusal(password, rules, { owner: record.user, commonPasswords });
    if (refusal !== undefined) return refusal;
    const { historySize } = rules;
    if (historySize !== undefined && record.passwords.slice(0, historySize).some((used) => matchesHash(password, used))) {
      return { error: 'PasswordHistoryError', problem: `it is one of the last ${historySize} passwords of this user` };
    }
    return undefined;
  }

  /** The policy's name in an error: the legacy level, or the Flexible Password Policy. */
  function policyName(connection: TenantConnection): string {
    return connections.passwordPolicyOf(connection.name)?.passwordPolicy ?? 'Flexible Password Policy';
  }

  /** Checks a new password against the user's connection and its policy, and hashes it. */
  function newPassword(where: string, record: UserRecord, password: unknown): PasswordHash {
    requireDatabaseConnection(where, 'password', record.connection);
    const refusal = refusalOf(record, requirePassword(where, password));
    if (refusal !== undefined) {
      const { name } = record.connection;
      throw testingError(where, `the password does not meet the password policy of "${name}" (${policyName(record.connection)}): ${refusal.problem} (Auth0 answers ${refusal.error})`);
    }
    return hashPassword(password as string);
  }

  /** A random password that meets the user's rules, as a user who signed up would have (a test never learns it). */
  function randomPassword(record: UserRecord): string {
    const rules = rulesOf(record.connection);
    // Four types and at least 24 characters (more when the rules ask, never past 72 bytes): only runs
    // and the user's own profile data can fail, and rarely, so a few draws are enough.
    const length = Math.min(72, Math.max(24, rules.minLength));
    const oneOf = (characters: string) => characters[randomInt(characters.length)] as string;
    for (let draw = 0; draw < 100; draw += 1) {
      const types = oneOf('abcdefghijklmnopqrstuvwxyz') + oneOf('ABCDEFGHIJKLMNOPQRSTUVWXYZ') + oneOf('0123456789') + oneOf('!#%+=?@^~');
      const candidate = `${types}${randomBytes(length).toString('base64url')}`.slice(0, length);
      if (ruleRefusal(candidate, rules, { owner: record.user, commonPasswords }) === undefined) return candidate;
    }
    throw testingError('localTenant.users.create', `no random password meets the rules of "${record.connection.name}" for this user: give one with "password"`);
  }

  function storePassword(record: UserRecord, hash: PasswordHash): void {
    record.passwords = [hash, ...record.passwords].slice(0, MAX_HISTORY);
  }

  function replacePassword(where: string, userId: string, password: unknown): TenantUser {
    const record = recordOf(where, userId);
    storePassword(record, newPassword(where, record, password));
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
        throw testingTypeError(where, `"email" must be an email address (got ${JSON.stringify(email)})`);
      }
      if (!Number.isSafeInteger(loginsCount) || loginsCount < 0) {
        const problem = `"logins_count" must be a non-negative integer (got ${JSON.stringify(loginsCount)})`;
        throw testingTypeError(where, problem);
      }
      if (input.password !== undefined) requireDatabaseConnection(where, 'password', connection);
      if (input.last_password_reset !== undefined) {
        requireDatabaseConnection(where, 'last_password_reset', connection);
      }
      const userId = input.user_id ?? generateUserId(connection, email);
      if (typeof userId !== 'string' || userId === '') {
        const problem = `"user_id" must be a non-empty string (got ${JSON.stringify(userId)})`;
        throw testingTypeError(where, problem);
      }
      checkUnique(where, userId, email, connection);

      const at = isoNow();
      const profile: Partial<Pick<TenantUser, ProfileField>> = {};
      for (const field of PROFILE_FIELDS) {
        const value = input[field];
        if (value === undefined) continue;
        if (typeof value !== 'string' || value === '') throw testingTypeError(where, `"${field}" must be a non-empty string (got ${JSON.stringify(value)})`);
        profile[field] = value;
      }
      const user: TenantUser = {
        user_id: userId,
        ...(email === undefined ? {} : { email }),
        ...profile,
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
      const record: UserRecord = { user, connection, passwords: [] };
      if (isDatabase) {
        // Like a user who signed up: there is a password, just not one the test knows.
        const password = input.password ?? randomPassword(record);
        storePassword(record, newPassword(where, record, password));
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
      const [current] = recordOf('localTenant.users.verifyPassword', userId).passwords;
      return current !== undefined && typeof password === 'string' && matchesHash(password, current);
    },

    passwordRefusal(userId, password) {
      return refusalOf(recordOf('localTenant.users.passwordRefusal', userId), password);
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
        storePassword(record, password);
        user.last_password_reset = at;
      }
      user.updated_at = at;
      return cloneJson(user);
    },

    connectionOf: (userId) => ({ ...recordOf('localTenant.users.connectionOf', userId).connection }),

    *each() {
      for (const { user, connection } of records.values()) yield { user, connection };
    },
  };
}
