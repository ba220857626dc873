/**
 * `auth0-force-password-reset/admin`: administrator tools — require a password change at the next
 * sign-in from existing users (one, a list, or a user search), or waive it. A separate entry: the
 * Actions never load it. The command-line tool (`npx auth0-force-password-reset`) is built on it.
 *
 * @packageDocumentation
 */
export { requirePasswordChange } from './require-password-change.js';
export { waivePasswordChange } from './waive-password-change.js';
export type {
  PasswordChangeAdminOptions,
  RequirePasswordChangeOptions,
  UserSelection,
  WaivePasswordChangeOptions,
} from './options.js';
export type {
  DoneOutcome,
  FailedOutcome,
  PasswordChangeAction,
  PasswordChangeReport,
  PasswordChangeRunProgress,
  PasswordChangeRunStart,
  SkipReason,
  SkippedOutcome,
  UserOutcome,
} from './report.js';
export {
  ForcePasswordResetError,
  ManagementApiError,
  OptionsError,
  isForcePasswordResetError,
  type ForcePasswordResetErrorCode,
  type ManagementApiStep,
  type OptionsIssue,
} from '../errors/index.js';
