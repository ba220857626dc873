/**
 * `auth0-force-password-reset/admin`: administrator tools — require a password change at the next
 * sign-in from existing users (one, a list, a user search, or every user of the tenant or of a
 * connection, through a users export), waive it, and see where a campaign stands. A separate entry:
 * the Actions never load it. The command-line tool (`npx auth0-force-password-reset`) is built on it.
 *
 * @packageDocumentation
 */
export { requirePasswordChange } from './require-password-change.js';
export { waivePasswordChange } from './waive-password-change.js';
export {
  passwordChangeStatus,
  type ConnectionPasswordStatus,
  type PasswordChangeStatus,
  type PasswordStatusCounts,
} from './password-change-status.js';
export type {
  AdminConnectionOptions,
  PasswordChangeAdminOptions,
  PasswordChangeStatusOptions,
  RequirePasswordChangeOptions,
  UserSelection,
  WaivePasswordChangeOptions,
} from './options.js';
export type {
  DoneOutcome,
  FailedOutcome,
  PasswordChangeAction,
  PasswordChangeCounts,
  PasswordChangeReport,
  PasswordChangeRunProgress,
  PasswordChangeRunStart,
  RunWait,
  SelectionSource,
  SkipReason,
  SkippedOutcome,
  UserOutcome,
  UsersExportProgress,
} from './report.js';
export {
  ForcePasswordResetError,
  ManagementApiError,
  OptionsError,
  isForcePasswordResetError,
  type ForcePasswordResetErrorCode,
  type ManagementApiStep,
  type OptionsIssue,
  type UnreachableHost,
} from '../errors/index.js';
