import type { ManagementApiError } from '../errors/management-api-error.js';

/** What a run does to each user. */
export type PasswordChangeAction = 'require' | 'waive';

/** Why a user was left alone. */
export type SkipReason =
  /** Not a database-connection user (`identities[0].provider !== 'auth0'`): there is no Auth0 password to change. */
  | 'not-database-user'
  /**
   * `require` without a temporary password: the user is flagged and has not changed the password
   * since the obligation began — it already stands, and a write would only move its start.
   */
  | 'already-required'
  /** `waive`: the flag is already `false`. */
  | 'already-waived'
  /**
   * `require` with `skipWaivedSince`: an administrator waived the obligation at or after that time
   * (`<flag>WaivedAt`), and the waiver stands.
   */
  | 'waived';

/**
 * Where a run's users come from: ids (one, a list, a file), a user search, or a users export
 * (`{ all: true }`, `{ connection }`).
 */
export type SelectionSource = 'ids' | 'query' | 'export';

/** A user the run changed — or, in a dry run, would change. */
export interface DoneOutcome {
  readonly status: 'done';
  readonly userId: string;
  /**
   * What was written, in order — or, in a dry run, what would be: `password` for the temporary
   * password, then the `app_metadata` keys (`needsPasswordReset`, `needsPasswordResetAt`), then
   * `sessions` when the user's sessions and refresh tokens were revoked (`revokeSessions`).
   */
  readonly writes: readonly string[];
  /** The `<flag>At` written (ISO 8601), when the run required a change. Absent in a dry run. */
  readonly flaggedAt?: string;
  /**
   * `require`: the user had been waived at this time (`<flag>WaivedAt`, the waiver standing), and
   * this run required the change again (`skipWaivedSince` leaves such users alone).
   */
  readonly waivedAt?: string;
  readonly dryRun: boolean;
}

/** A user the run left alone on purpose. */
export interface SkippedOutcome {
  readonly status: 'skipped';
  readonly userId: string;
  readonly reason: SkipReason;
  /** For people: `primary identity is google-oauth2 (connection "google-oauth2"): no Auth0 password to change`. */
  readonly detail: string;
}

/** A user the run could not finish. Other users are not affected. */
export interface FailedOutcome {
  readonly status: 'failed';
  readonly userId: string;
  /** Names the step and the HTTP status: a 404 at `read user` is an unknown id. */
  readonly error: ManagementApiError;
  /**
   * What was written before the failure — `['password']` means the temporary password was set but
   * the flag was not: run again for this user.
   */
  readonly writes: readonly string[];
}

/** What happened to one user. */
export type UserOutcome = DoneOutcome | SkippedOutcome | FailedOutcome;

/** What `onStart` receives. */
export interface PasswordChangeRunStart {
  readonly action: PasswordChangeAction;
  readonly source: SelectionSource;
  /** How many users the run will process (excluded ones left out). */
  readonly total: number;
  /** How many selected users `exclude` leaves alone. */
  readonly excludedCount: number;
  /**
   * The users the run will process, in order (excluded ones left out) — for ids and a search; for
   * an export, whose users are read from a file as the run goes, empty (see `total`).
   */
  readonly userIds: readonly string[];
  /** Users selected but left alone because `exclude` names them; for an export, empty (see `excludedCount`). */
  readonly excluded: readonly string[];
  /**
   * For an export, the Management API requests the run expects to make for its users, decided
   * from the export (retries aside): a basis for an estimate of the time left. Otherwise
   * `undefined` (a read decides what each user needs).
   */
  readonly requestsExpected: number | undefined;
  /**
   * `require` from an export: the users to process whose waiver stands (`<flag>WaivedAt`) and who
   * will be required again — `skipWaivedSince` aside — and the latest of those waivers (ISO 8601).
   * Otherwise `undefined` (a read finds them; the report counts them).
   */
  readonly waiversToOverride: { readonly count: number; readonly latestAt: string | undefined } | undefined;
  readonly dryRun: boolean;
}

/** What `onUser` receives next to each outcome. */
export interface PasswordChangeRunProgress {
  /** Users processed so far, this one included. */
  readonly completed: number;
  readonly total: number;
  /** Management API requests made for users so far, retries included (the export's own not counted). */
  readonly requests: number;
}

/**
 * A wait of the run that `onWait` is told of before it starts, so that a long silence can be
 * explained: `rate-limit` — the tenant's rate limit is used up (a 429's `retry-after`, or
 * `x-ratelimit-remaining: 0` until `x-ratelimit-reset`); `retry` — before another attempt after a
 * 5xx, a timeout or a dropped connection. The steady pacing to `rate` is not reported.
 */
export interface RunWait {
  readonly ms: number;
  readonly reason: 'rate-limit' | 'retry';
  /** The HTTP status that led to it, if a response did. */
  readonly status: number | undefined;
}

/** Where a users export stands, as `onExport` is told. */
export type UsersExportProgress =
  /** The job was created. */
  | { readonly phase: 'started'; readonly jobId: string }
  /** Before each wait for the job: its status (`pending`, `processing`, …) and Auth0's estimates. */
  | {
      readonly phase: 'waiting';
      readonly jobId: string;
      readonly status: string;
      readonly percentageDone: number | undefined;
      readonly timeLeftSeconds: number | undefined;
      /** Since the job was created, by the run's monotonic clock. */
      readonly elapsedMs: number;
    }
  /** The file is downloaded (its compressed size); its users are read next. */
  | { readonly phase: 'downloaded'; readonly jobId: string; readonly bytes: number };

/** How many users ended each way. */
export interface PasswordChangeCounts {
  readonly done: number;
  readonly skipped: number;
  readonly failed: number;
  readonly excluded: number;
}

/**
 * What {@link requirePasswordChange} and {@link waivePasswordChange} resolve to. Every failed user is
 * listed. The users done, skipped and excluded are listed too when they were selected by id or by a
 * search; from an export — a whole tenant — they are only counted (`counts`), so that a run's memory
 * does not grow with the tenant: `onUser` sees each of them.
 */
export interface PasswordChangeReport {
  readonly action: PasswordChangeAction;
  readonly source: SelectionSource;
  readonly dryRun: boolean;
  readonly counts: PasswordChangeCounts;
  /** Every user done — for an export, none listed (see `counts.done`). */
  readonly done: readonly DoneOutcome[];
  /** Every user skipped — for an export, none listed (see `counts.skipped`). */
  readonly skipped: readonly SkippedOutcome[];
  /** Every user that failed, whatever the selection. */
  readonly failed: readonly FailedOutcome[];
  /** Users selected but left alone because `exclude` names them — for an export, none listed (see `counts.excluded`). */
  readonly excluded: readonly string[];
  /**
   * Of the users done, how many had been waived by an administrator (`<flag>WaivedAt`, the waiver
   * standing) and were required again — each has `waivedAt` (`skipWaivedSince` leaves them alone).
   */
  readonly overriddenWaivers: number;
  /**
   * The Management API requests the run made for its users — every attempt, the check before the
   * first user included (`revokeSessions`); the token, the search and the export aside. In a dry
   * run, the reads.
   */
  readonly requests: number;
  /**
   * In a dry run: the requests a real run would make for the same users, counted as
   * {@link PasswordChangeReport.requests} counts them (retries aside) — a budget against the rate
   * limit. `undefined` otherwise.
   */
  readonly plannedRequests: number | undefined;
  /** `true` when `signal` stopped the run before every user was processed. */
  readonly interrupted: boolean;
}
