import * as z from 'zod/mini';
import { fetchOptionSchema, integerIn, flagSchema } from '../internal/schemas.js';
import { CONTROL_CHARACTER } from '../internal/control-characters.js';
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
export const USER_ID_PATTERN = /^[^\s|]+\|\S+$/;
/** Longer than any id Auth0 issues; keeps a pasted paragraph from being taken for an id. */
export const MAX_USER_ID_LENGTH = 512;

export const isUserId = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_USER_ID_LENGTH && USER_ID_PATTERN.test(value) && !CONTROL_CHARACTER.test(value);

export const USER_ID_EXPECTED = 'must be an Auth0 user id such as "auth0|64b7f0c2a1d3e4f5a6b7c8d9" (provider|id, no spaces)';

const userIdSchema = z.string({ error: USER_ID_EXPECTED }).check(z.refine(isUserId, { error: USER_ID_EXPECTED }));

const nonEmptyString = (what: string) =>
  z.string({ error: `must be ${what}` }).check(z.minLength(1, { error: `must be ${what}` }));

const callbackSchema = <T>() =>
  z.custom<T>((value) => typeof value === 'function', { error: 'must be a function' });

/** A connection's name, as Auth0 allows them: letters, digits and inner hyphens, at most 128. */
export const connectionNameSchema = nonEmptyString('a connection name such as "Username-Password-Authentication"').check(
  z.refine((name) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,126}[A-Za-z0-9])?$/.test(name), {
    error: 'must be a connection name: letters, digits and inner hyphens, at most 128 characters',
  }),
);

const usersSchema = z.union(
  [
    userIdSchema,
    z.array(userIdSchema).check(z.minLength(1, { error: 'must list at least one user id' })),
    z.strictObject({ query: nonEmptyString('a non-empty user search query (Lucene syntax)') }),
    z.strictObject({ all: z.literal(true, { error: 'must be true' }) }),
    z.strictObject({ connection: connectionNameSchema }),
  ],
  {
    error:
      'must be a user id, an array of user ids, { query: "<user search query>" }, { all: true } or { connection: "<connection name>" }',
  },
);

/** More users in flight than this would be more than any plan's rate needs. */
export const MAX_CONCURRENCY = 200;

/** The slowest pace: one request every 10 s (slower pacing would be a mistake, and overflows timers). */
export const MIN_RATE = 0.1;
/**
 * The fastest: Auth0's public plans allow 2 to 16 Management API requests per second; its private
 * cloud tiers 50 to 750 (Performance 1500 RPS) and more.
 */
export const MAX_RATE = 1000;
export const RATE_EXPECTED = `must be a number of requests per second from ${MIN_RATE} to ${MAX_RATE}`;

/** Requests per second. */
const rateSchema = z.custom<number>(
  (value) => typeof value === 'number' && Number.isFinite(value) && value >= MIN_RATE && value <= MAX_RATE,
  { error: RATE_EXPECTED },
);

/** From a second (tests) to Auth0's own 24 hours of job data. */
export const exportTimeoutSchema = integerIn(1_000, 24 * 60 * 60 * 1000, ' (milliseconds)');

const connectionShape = {
  domain: nonEmptyString('the canonical tenant domain, such as "acme.eu.auth0.com"'),
  clientId: nonEmptyString('a non-empty string'),
  // Checked before the schema runs, so that no message ever quotes it.
  clientSecret: z.string(),
  flag: z.optional(flagSchema),
  rate: z.optional(rateSchema),
  fetch: z.optional(fetchOptionSchema),
  requestTimeoutMs: z.optional(integerIn(100, 120_000, ' (milliseconds)')),
  maxAttempts: z.optional(integerIn(1, 10, '')),
  signal: z.optional(
    z.custom<AbortSignal>((value) => value instanceof AbortSignal, { error: 'must be an AbortSignal' }),
  ),
  exportTimeoutMs: z.optional(exportTimeoutSchema),
  onExport: z.optional(callbackSchema<NonNullable<AdminConnectionOptions['onExport']>>()),
  onWait: z.optional(callbackSchema<NonNullable<AdminConnectionOptions['onWait']>>()),
};

// In the order the options are documented: messages list the known ones.
const { domain, clientId, clientSecret, flag, ...connectionRest } = connectionShape;
const commonShape = {
  domain,
  clientId,
  clientSecret,
  users: usersSchema,
  flag,
  dryRun: z.optional(z.boolean({ error: 'must be true or false' })),
  exclude: z.optional(z.array(z.string({ error: 'must be a user id' }), { error: 'must be an array of user ids' })),
  ...connectionRest,
  concurrency: z.optional(integerIn(1, MAX_CONCURRENCY, '')),
  onStart: z.optional(callbackSchema<NonNullable<PasswordChangeAdminOptions['onStart']>>()),
  onUser: z.optional(callbackSchema<NonNullable<PasswordChangeAdminOptions['onUser']>>()),
};

export const ISO_TIME_EXPECTED = 'must be an ISO 8601 time such as "2026-03-01T00:00:00Z"';
const isoTimeSchema = z.string({ error: ISO_TIME_EXPECTED }).check(z.refine((value) => parseIsoTime(value) !== undefined, { error: ISO_TIME_EXPECTED }));

/** The schema of {@link RequirePasswordChangeOptions}; a type test keeps the two in step. */
export const requirePasswordChangeOptionsSchema = z.strictObject({
  ...commonShape,
  // Checked before the schema runs, like clientSecret.
  temporaryPassword: z.optional(z.string()),
  skipWaivedSince: z.optional(isoTimeSchema),
  revokeSessions: z.optional(z.boolean({ error: 'must be true or false' })),
});

/** The schema of {@link WaivePasswordChangeOptions}. */
export const waivePasswordChangeOptionsSchema = z.strictObject(commonShape);

/** The longest `maxPasswordAgeDays`: ten years. */
export const MAX_PASSWORD_AGE_DAYS = 3650;

/** The schema of {@link PasswordChangeStatusOptions}. */
export const passwordChangeStatusOptionsSchema = z.strictObject({
  ...connectionShape,
  connection: z.optional(connectionNameSchema),
  passwordsSetBefore: z.optional(isoTimeSchema),
  maxPasswordAgeDays: z.optional(integerIn(1, MAX_PASSWORD_AGE_DAYS, ' (days)')),
});
