import * as z from 'zod/mini';
import { fetchOptionSchema, integerIn, flagSchema } from '../internal/schemas.js';
import type { PasswordChangeRunStart, PasswordChangeRunProgress, UserOutcome } from './report.js';

/**
 * Which users to act on: one user id, a list of them, or a Management API user search (v3, Lucene
 * syntax, e.g. `{ query: 'email:*@contractor.example AND identities.connection:"Username-Password-Authentication"' }`).
 * A search may match at most 1000 users, the most Auth0 lets a search return.
 */
export type UserSelection = string | readonly string[] | { readonly query: string };

/** What {@link requirePasswordChange} and {@link waivePasswordChange} have in common. */
export interface PasswordChangeAdminOptions {
  /**
   * The canonical tenant domain, such as `acme.eu.auth0.com` (not a custom domain: the Management
   * API audience must match it). `https://` and a trailing `/` are tolerated.
   */
  domain: string;
  /**
   * The client id of an M2M application granted `read:users` and `update:users_app_metadata` —
   * and `update:users` when a temporary password is set.
   */
  clientId: string;
  /** Its client secret. Never appears in an error, a report or a log line. */
  clientSecret: string;
  /** The users to act on. Ids are `provider|id`, such as `auth0|64b7f0c2a1d3e4f5a6b7c8d9`. */
  users: UserSelection;
  /**
   * The `app_metadata` key holding the obligation — the same as the gate's and the clearer's.
   * `<flag>At` is kept next to it.
   * @default 'needsPasswordReset'
   */
  flag?: string;
  /**
   * Read every user and report what would be done, without writing anything.
   * @default false
   */
  dryRun?: boolean;
  /**
   * User ids to leave alone — for example those a previous, interrupted run already finished.
   * They are neither read nor written, and are listed in the report's `excluded`.
   * @default []
   */
  exclude?: readonly string[];
  /**
   * Management API requests per second, at most. Every request counts, retries included; when a
   * response says the limit is used up (`x-ratelimit-remaining: 0`) the run waits for
   * `x-ratelimit-reset`, and a 429 is retried after `retry-after`. Auth0's free plan allows 2.
   * @default 2
   */
  rate?: number;
  /**
   * The `fetch` every request goes through: for an egress proxy, or for tests against the local
   * tenant of `auth0-force-password-reset/testing`.
   * @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /**
   * How long one HTTP attempt may take before it is abandoned and retried.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /**
   * Attempts per request: 429, 5xx, timeouts and dropped connections are retried with backoff.
   * @default 5
   */
  maxAttempts?: number;
  /**
   * Stops the run before the next user once aborted; the report then says `interrupted: true`.
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Called once the users are known (after the search, for a query), before the first is touched.
   * @default undefined
   */
  onStart?: (start: PasswordChangeRunStart) => void | Promise<void>;
  /**
   * Called after each user, and awaited before the next one starts: a place to record progress
   * durably (the command-line tool writes its state file here).
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
}

/** Options of {@link waivePasswordChange}. */
export interface WaivePasswordChangeOptions extends PasswordChangeAdminOptions {}

/** Auth0 user ids are `provider|id`; ours must not contain whitespace, so that a file of them parses. */
export const USER_ID_PATTERN = /^[^\s|]+\|\S+$/;
/** Longer than any id Auth0 issues; keeps a pasted paragraph from being taken for an id. */
export const MAX_USER_ID_LENGTH = 512;

export const isUserId = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_USER_ID_LENGTH && USER_ID_PATTERN.test(value);

export const USER_ID_EXPECTED = 'must be an Auth0 user id such as "auth0|64b7f0c2a1d3e4f5a6b7c8d9" (provider|id, no spaces)';

const userIdSchema = z.string({ error: USER_ID_EXPECTED }).check(z.refine(isUserId, { error: USER_ID_EXPECTED }));

const nonEmptyString = (what: string) =>
  z.string({ error: `must be ${what}` }).check(z.minLength(1, { error: `must be ${what}` }));

const callbackSchema = <T>() =>
  z.custom<T>((value) => typeof value === 'function', { error: 'must be a function' });

const usersSchema = z.union(
  [
    userIdSchema,
    z.array(userIdSchema).check(z.minLength(1, { error: 'must list at least one user id' })),
    z.strictObject({ query: nonEmptyString('a non-empty user search query (Lucene syntax)') }),
  ],
  { error: 'must be a user id, an array of user ids, or { query: "<user search query>" }' },
);

/** The slowest pace: one request every 10 s (slower pacing would be a mistake, and overflows timers). */
export const MIN_RATE = 0.1;
/** The fastest: Auth0's plans range from 2 to a few hundred requests per second tenant-wide. */
export const MAX_RATE = 100;
export const RATE_EXPECTED = `must be a number of requests per second from ${MIN_RATE} to ${MAX_RATE}`;

/** Requests per second. */
const rateSchema = z.custom<number>(
  (value) => typeof value === 'number' && Number.isFinite(value) && value >= MIN_RATE && value <= MAX_RATE,
  { error: RATE_EXPECTED },
);

const commonShape = {
  domain: nonEmptyString('the canonical tenant domain, such as "acme.eu.auth0.com"'),
  clientId: nonEmptyString('a non-empty string'),
  // Checked before the schema runs, so that no message ever quotes it.
  clientSecret: z.string(),
  users: usersSchema,
  flag: z.optional(flagSchema),
  dryRun: z.optional(z.boolean({ error: 'must be true or false' })),
  exclude: z.optional(z.array(z.string({ error: 'must be a user id' }), { error: 'must be an array of user ids' })),
  rate: z.optional(rateSchema),
  fetch: z.optional(fetchOptionSchema),
  requestTimeoutMs: z.optional(integerIn(100, 120_000, ' (milliseconds)')),
  maxAttempts: z.optional(integerIn(1, 10, '')),
  signal: z.optional(
    z.custom<AbortSignal>((value) => value instanceof AbortSignal, { error: 'must be an AbortSignal' }),
  ),
  onStart: z.optional(callbackSchema<NonNullable<PasswordChangeAdminOptions['onStart']>>()),
  onUser: z.optional(callbackSchema<NonNullable<PasswordChangeAdminOptions['onUser']>>()),
};

/** The schema of {@link RequirePasswordChangeOptions}; a type test keeps the two in step. */
export const requirePasswordChangeOptionsSchema = z.strictObject({
  ...commonShape,
  // Checked before the schema runs, like clientSecret.
  temporaryPassword: z.optional(z.string()),
});

/** The schema of {@link WaivePasswordChangeOptions}. */
export const waivePasswordChangeOptionsSchema = z.strictObject(commonShape);
