import {
  booleanCheck,
  fetchCheck,
  flagCheck,
  functionCheck,
  integerCheck,
  NOT_SHOWN,
  required,
  type Check,
  type OptionChecks,
} from '../internal/check-options.js';
import { CONTROL_CHARACTER } from '../internal/control-characters.js';
import { DOMAIN_EXPECTED, parseTenantDomain } from '../management/domain.js';
import { isRecord } from '../obligation/obligation.js';
import { parseIsoTime } from '../obligation/time.js';
import type {
  PasswordChangeRunProgress,
  PasswordChangeRunStart,
  RunWait,
  UserOutcome,
  UsersExportProgress,
} from './report.js';

/**
 * Which users to act on: one user id, a list of them, a Management API user search (v3, Lucene
 * syntax, e.g. `{ query: 'email:*@contractor.example AND identities.connection:"Username-Password-Authentication"' }`)
 * — at most 1000 users, the most Auth0 lets a search return — or, for any number of users, a
 * users export: every user of the tenant (`{ all: true }`) or of one connection
 * (`{ connection: 'Username-Password-Authentication' }`).
 */
export type UserSelection =
  | string
  | readonly string[]
  | { readonly query: string }
  | { readonly all: true }
  | { readonly connection: string };

/**
 * What every administrator tool takes: the tenant, the M2M application, the flag, and how to talk
 * to the Management API. {@link requirePasswordChange}, {@link waivePasswordChange} and
 * {@link passwordChangeStatus} all extend it.
 */
export interface AdminConnectionOptions {
  /**
   * The canonical tenant domain, such as `acme.eu.auth0.com` (not a custom domain: the Management
   * API audience must match it). `https://` and a trailing `/` are tolerated.
   */
  domain: string;
  /**
   * The client id of an M2M application granted `read:users` (all a status needs) and
   * `update:users_app_metadata` to change users — and `update:users` when a temporary password is set.
   */
  clientId: string;
  /** Its client secret. Never appears in an error, a report or a log line. */
  clientSecret: string;
  /**
   * The `app_metadata` key holding the obligation — the same as the gate's and the clearer's.
   * `<flag>At` is kept next to it.
   * @default 'needsPasswordReset'
   */
  flag?: string;
  /**
   * Management API requests per second, at most. Every request counts, retries included; when a
   * response says the limit is used up (`x-ratelimit-remaining: 0`) the run waits for
   * `x-ratelimit-reset`, and a 429 is retried after `retry-after`. Auth0's free plan allows 2;
   * Enterprise production tenants 16.
   * @default 2
   */
  rate?: number;
  /**
   * The `fetch` every request goes through: for an egress proxy, or for tests against the local
   * tenant of `auth0-force-password-reset/testing`. A users export's file is fetched through it
   * too, from the link Auth0 gives, without the token.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * How long one HTTP attempt may take before it is abandoned and retried.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /**
   * Attempts per request: 429, 5xx, timeouts and dropped connections are retried with backoff. A
   * host that cannot be reached at all (its name does not resolve, its certificate is refused, or,
   * for the token, nothing accepts the connection) is not retried: the error's `unreachable` says so.
   * @default 5
   */
  maxAttempts?: number;
  /**
   * Stops the run before the next user once aborted; the report then says `interrupted: true`.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * How long a users export (`users: { all: true }` or `{ connection }`, and every status) may take
   * to finish before the run gives up on it. Auth0 itself fails an export job after 8 hours.
   * @default 28800000 (8 hours)
   */
  exportTimeoutMs?: number;
  /**
   * Told where a users export stands: created, each wait for it (its status and Auth0's
   * estimate), downloaded. For progress output.
   * @default undefined
   */
  onExport?: (progress: UsersExportProgress) => void;
  /**
   * Told of every wait on the tenant's rate limit, and before every retry, before it starts: a run
   * that falls silent for 12 s can say why. The steady pacing to `rate` is not reported.
   * @default undefined
   */
  onWait?: (wait: RunWait) => void;
}

/** What {@link requirePasswordChange} and {@link waivePasswordChange} have in common. */
export interface PasswordChangeAdminOptions extends AdminConnectionOptions {
  /** The users to act on. Ids are `provider|id`, such as `auth0|64b7f0c2a1d3e4f5a6b7c8d9`. */
  users: UserSelection;
  /**
   * Report what would be done, without writing anything: users selected by id or by a search are
   * read; from an export, nothing more is read.
   * @default false
   */
  dryRun?: boolean;
  /**
   * User ids to leave alone — for example those a previous, interrupted run already finished.
   * They are neither read nor written, and are listed in the report's `excluded` (counted, for an
   * export).
   * @default []
   */
  exclude?: readonly string[];
  /**
   * Users in flight at once. The requests still start at most `rate` per second: more users in
   * flight only keep requests that take a while (a tenant far away) from holding the run below its
   * rate. One at a time, a tenant 100 ms away allows at most 10 requests per second.
   * @default rate / 5, rounded up (1 at 2 requests per second, 4 at 16): enough for 200 ms a request
   */
  concurrency?: number;
  /**
   * Called once the users are known (after the search, for a query; after the export is read, for
   * an export), before the first is touched.
   * @default undefined
   */
  onStart?: (start: PasswordChangeRunStart) => void | Promise<void>;
  /**
   * Called after each user, in the order the users finish, and awaited before that user's place
   * goes to another: at most `concurrency` users are in flight or waiting on `onUser` at once. A
   * place to record progress durably (the command-line tool writes its state file here). Calls may
   * overlap — the next user's call does not wait for the previous one to settle — so that a
   * recorder can write the outcomes of users who finish together in one flush.
   * @default undefined
   */
  onUser?: (outcome: UserOutcome, progress: PasswordChangeRunProgress) => void | Promise<void>;
}

/** Options of {@link requirePasswordChange}. */
export interface RequirePasswordChangeOptions extends PasswordChangeAdminOptions {
  /**
   * A temporary password to set first (the same for every user), before the flag: the password
   * change it causes then predates the obligation, so it does not meet it. Auth0's password policy
   * of the connection applies. Never appears in an error, a report or a log line.
   * @default undefined — the password is left as it is
   */
  temporaryPassword?: string;
  /**
   * Leaves alone the users an administrator waived (with {@link waivePasswordChange}, which records
   * `<flag>WaivedAt`) at or after this ISO 8601 time, and whose waiver still stands (the flag is
   * `false`, not flagged again since): they are reported as skipped (`waived`). Without it such users
   * are required again, and the report counts them (`counts.overriddenWaivers`); an export's
   * `onStart` says how many there are before the first is touched. A `false` flag without
   * `<flag>WaivedAt` (an obligation met, or set by hand) is no waiver.
   * @default undefined — waived users are required again
   */
  skipWaivedSince?: string;
  /**
   * Also ends each user's sessions and refresh tokens (`POST /api/v2/users/{id}/revoke-access`),
   * after the flag is written: changing a password ends no session, so whoever stole it would keep
   * them. A user whose obligation already stands gets only this. Needs `delete:sessions` and
   * `delete:refresh_tokens` — checked before the first user — and an Enterprise plan: before the
   * first user the run asks Auth0 to revoke the sessions of a user id no user has
   * (`auth0|auth0-force-password-reset-check`), and a refusal stops it there (`step: 'revoke sessions'`,
   * status 403). Auth0 answers 202 and ends them shortly after.
   * @default false
   */
  revokeSessions?: boolean;
}

/** Options of {@link waivePasswordChange}. */
export interface WaivePasswordChangeOptions extends PasswordChangeAdminOptions {}

/**
 * Options of {@link passwordChangeStatus}. The two rules are the gate's tenant-wide ones: give the
 * values you deploy (or consider deploying) to learn whom they stop today.
 */
export interface PasswordChangeStatusOptions extends AdminConnectionOptions {
  /**
   * Only the users of this connection.
   * @default every connection
   */
  connection?: string;
  /**
   * The gate's `passwordsSetBefore`: an ISO 8601 time; a database user whose password was last set
   * (`last_password_reset`, or `created_at` when it never changed) before it must change it — once
   * that instant has come, as in the gate.
   * @default undefined — no such rule
   */
  passwordsSetBefore?: string;
  /**
   * The gate's `maxPasswordAgeDays`: a database user whose password is older than this many days
   * must change it.
   * @default undefined — no such rule
   */
  maxPasswordAgeDays?: number;
}

/**
 * Auth0 user ids are `provider|id`; ours must not contain whitespace, so that a file of them parses,
 * nor a control character (see `CONTROL_CHARACTER`), which no id Auth0 issues has and which would
 * reach a terminal.
 */
export const USER_ID_PATTERN: RegExp = /^[^\s|]+\|\S+$/;
/** Longer than any id Auth0 issues; keeps a pasted paragraph from being taken for an id. */
export const MAX_USER_ID_LENGTH = 512;

export const isUserId = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_USER_ID_LENGTH && USER_ID_PATTERN.test(value) && !CONTROL_CHARACTER.test(value);

export const USER_ID_EXPECTED = 'must be an Auth0 user id such as "auth0|64b7f0c2a1d3e4f5a6b7c8d9" (provider|id, no spaces)';

const userIdCheck: Check<string> = (value, report) => {
  if (!isUserId(value)) report(USER_ID_EXPECTED, value);
};

const CONNECTION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/;

/** A connection's name, as Auth0 allows them: letters, digits and inner hyphens, at most 128. */
const connectionNameCheck: Check<string> = (value, report) => {
  if (typeof value !== 'string' || value.length === 0) report('must be a connection name such as "Username-Password-Authentication"', value);
  else if (!CONNECTION_NAME.test(value)) report('must be a connection name: letters, digits and inner hyphens, at most 128 characters', value);
};

const USERS_EXPECTED =
  'must be a user id, an array of user ids, { query: "<user search query>" }, { all: true } or { connection: "<connection name>" }';

/** The object forms of {@link UserSelection}, each by its one key. */
const selectionChecks: Readonly<Record<'query' | 'all' | 'connection', Check<unknown>>> = {
  query: (value, report) => {
    if (typeof value !== 'string' || value.length === 0) report('must be a non-empty user search query (Lucene syntax)', value);
  },
  all: (value, report) => {
    if (value !== true) report('must be true', value);
  },
  connection: connectionNameCheck as Check<unknown>,
};

/** `users`: an id, a list of ids, or an object whose one key says which form it is. */
const usersCheck: Check<UserSelection> = (value, report) => {
  if (typeof value === 'string') return userIdCheck(value, report);
  if (Array.isArray(value)) {
    if (value.length === 0) report('must list at least one user id', value);
    value.forEach((userId, index) => userIdCheck(userId, (expected, input) => report(expected, input, [index])));
    return;
  }
  const forms = isRecord(value) ? (['query', 'all', 'connection'] as const).filter((key) => Object.hasOwn(value, key)) : [];
  const [form] = forms;
  if (!isRecord(value) || form === undefined || forms.length > 1) return report(USERS_EXPECTED, value);
  // `{ query }`, `{ all: true }` or `{ connection }`: the key it has says which, and nothing else may be there.
  for (const key of Object.keys(value)) {
    if (key !== form) report(`is not a known option (known: ${form})`, undefined, [key]);
  }
  selectionChecks[form](value[form], (expected, input) => report(expected, input, [form]));
};

/** More users in flight than this would be more than any plan's rate needs. */
export const MAX_CONCURRENCY = 200;

/** The slowest pace: one request every 10 s (slower pacing would be a mistake, and overflows timers). */
export const MIN_RATE = 0.1;
/**
 * The fastest: Auth0's public plans allow 2 to 16 Management API requests per second; its private
 * cloud tiers 50 to 750 (Performance 1500 RPS) and more.
 */
export const MAX_RATE = 1000;
export const RATE_EXPECTED: string = `must be a number of requests per second from ${MIN_RATE} to ${MAX_RATE}`;

/** Requests per second. */
const rateCheck: Check<number> = (value, report) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < MIN_RATE || value > MAX_RATE) report(RATE_EXPECTED, value);
};

/** A secret: never quoted, not even when it is of the wrong type. */
const secretCheck: Check<string> = (value, report) => {
  if (typeof value !== 'string' || value.length === 0) report('must be a non-empty string (the value is not shown)', NOT_SHOWN);
};

/**
 * The tenant domain, as `parseTenantDomain` reads it. A string is named by its problem, never quoted:
 * swapped environment variables put the client secret here.
 */
const domainCheck: Check<string> = (value, report) => {
  if (typeof value !== 'string' || value.length === 0) return report('must be the canonical tenant domain, such as "acme.eu.auth0.com"', value);
  const domain = parseTenantDomain(value);
  if ('problem' in domain) report(`${domain.problem}: it must be ${DOMAIN_EXPECTED}`, NOT_SHOWN);
};

export const ISO_TIME_EXPECTED = 'must be an ISO 8601 time such as "2026-03-01T00:00:00Z"';
const isoTimeCheck: Check<string> = (value, report) => {
  if (typeof value !== 'string' || parseIsoTime(value) === undefined) report(ISO_TIME_EXPECTED, value);
};

/** The longest `maxPasswordAgeDays`: ten years. */
export const MAX_PASSWORD_AGE_DAYS = 3650;

// In the order the options are documented: messages list the known ones in this order.
const { domain, clientId, clientSecret, flag, ...connectionRest } = {
  domain: required('the canonical tenant domain, such as "acme.eu.auth0.com"', domainCheck),
  clientId: required<string>('a non-empty string', (value, report) => {
    if (typeof value !== 'string' || value.length === 0) report('must be a non-empty string', value);
  }),
  clientSecret: required('a non-empty string', secretCheck),
  flag: flagCheck,
  rate: rateCheck,
  fetch: fetchCheck,
  requestTimeoutMs: integerCheck(100, 120_000, ' (milliseconds)'),
  maxAttempts: integerCheck(1, 10, ''),
  signal: ((value, report) => {
    if (!(value instanceof AbortSignal)) report('must be an AbortSignal', value);
  }) as Check<AbortSignal>,
  // From a second (tests) to Auth0's own 24 hours of job data.
  exportTimeoutMs: integerCheck(1_000, 24 * 60 * 60 * 1000, ' (milliseconds)'),
  onExport: functionCheck<NonNullable<AdminConnectionOptions['onExport']>>(),
  onWait: functionCheck<NonNullable<AdminConnectionOptions['onWait']>>(),
} satisfies OptionChecks<AdminConnectionOptions>;

/** The checks of {@link WaivePasswordChangeOptions}: one per option, typed against the interface. */
export const waivePasswordChangeOptionChecks: OptionChecks<WaivePasswordChangeOptions> = {
  domain,
  clientId,
  clientSecret,
  users: required(USERS_EXPECTED.replace(/^must be /, ''), usersCheck),
  flag,
  dryRun: booleanCheck,
  exclude: (value, report) => {
    if (!Array.isArray(value)) return report('must be an array of user ids', value);
    value.forEach((userId, index) => {
      if (typeof userId !== 'string') report('must be a user id', userId, [index]);
    });
  },
  ...connectionRest,
  concurrency: integerCheck(1, MAX_CONCURRENCY, ''),
  onStart: functionCheck<NonNullable<PasswordChangeAdminOptions['onStart']>>(),
  onUser: functionCheck<NonNullable<PasswordChangeAdminOptions['onUser']>>(),
};

/** The checks of {@link RequirePasswordChangeOptions}. */
export const requirePasswordChangeOptionChecks: OptionChecks<RequirePasswordChangeOptions> = {
  ...waivePasswordChangeOptionChecks,
  temporaryPassword: secretCheck,
  skipWaivedSince: isoTimeCheck,
  revokeSessions: booleanCheck,
};

/** The checks of {@link PasswordChangeStatusOptions}. */
export const passwordChangeStatusOptionChecks: OptionChecks<PasswordChangeStatusOptions> = {
  domain,
  clientId,
  clientSecret,
  flag,
  ...connectionRest,
  connection: connectionNameCheck,
  passwordsSetBefore: isoTimeCheck,
  maxPasswordAgeDays: integerCheck(1, MAX_PASSWORD_AGE_DAYS, ' (days)'),
};
