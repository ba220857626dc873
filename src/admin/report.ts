import type { ManagementApiError } from '../errors/management-api-error.js';

/** What a run does to each user. */
export type PasswordChangeAction = 'require' | 'waive';

/** Why a user was left alone. */
export type SkipReason =
  /** Not a database-connection user (`identities[0].provider !== 'auth0'`): there is no Auth0 password to change. */
  | 'not-database-user'
  /** `waive`: the flag is already `false`. */
  | 'already-waived';

/** A user the run changed — or, in a dry run, would change. */
export interface DoneOutcome {
  readonly status: 'done';
  readonly userId: string;
  /**
   * What was written, in order — or, in a dry run, what would be: `password` for the temporary
   * password, then the `app_metadata` keys (`needsPasswordReset`, `needsPasswordResetAt`).
   */
  readonly writes: readonly string[];
  /** The `<flag>At` written (ISO 8601), when the run required a change. Absent in a dry run. */
  readonly flaggedAt?: string;
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
  /** The users the run will process, in order (excluded ones left out). */
  readonly userIds: readonly string[];
  /** Users selected but left alone because `exclude` names them. */
  readonly excluded: readonly string[];
  readonly dryRun: boolean;
}

/** What `onUser` receives next to each outcome. */
export interface PasswordChangeRunProgress {
  /** Users processed so far, this one included. */
  readonly completed: number;
  readonly total: number;
}

/** What {@link requirePasswordChange} and {@link waivePasswordChange} resolve to. */
export interface PasswordChangeReport {
  readonly action: PasswordChangeAction;
  readonly dryRun: boolean;
  readonly done: readonly DoneOutcome[];
  readonly skipped: readonly SkippedOutcome[];
  readonly failed: readonly FailedOutcome[];
  /** Users selected but left alone because `exclude` names them. */
  readonly excluded: readonly string[];
  /** `true` when `signal` stopped the run before every user was processed. */
  readonly interrupted: boolean;
}
