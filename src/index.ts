/**
 * auth0-force-password-reset: force Auth0 database users to replace their initial password at
 * first sign-in.
 *
 * - {@link createFirstLoginGate} → `exports.onExecutePostLogin`
 * - {@link createPasswordResetClearer} → `exports.onExecutePostChangePassword`
 *
 * Auth0's own types beyond the few a thin action names are in `auth0-force-password-reset/auth0-types`.
 *
 * @packageDocumentation
 */
export { createFirstLoginGate, type FirstLoginGate } from './gate/create-first-login-gate.js';
export type {
  ExemptOptions,
  FirstLoginGateOptions,
  LocalizedMessage,
  MaxPasswordAgeOptions,
  PageRedirectOptions,
  PasswordsSetBeforeOptions,
  ResetEmailOptions,
} from './gate/options.js';
export type { GateDecision, GateReason } from './gate/decide-first-login.js';
export { createPasswordResetClearer } from './clearer/create-password-reset-clearer.js';
export type { ClearerSecretNames, PasswordResetClearerOptions } from './clearer/options.js';
export type { LogEntry, LogOption, LogTrigger } from './internal/log.js';
export {
  ForcePasswordResetError,
  InvalidEventError,
  ManagementApiError,
  OptionsError,
  SecretsError,
  isForcePasswordResetError,
  type ForcePasswordResetErrorCode,
  type ManagementApiStep,
  type OptionsIssue,
} from './errors/index.js';
// The Auth0 types a thin action names; the rest of Auth0's `event` and `api` types are in
// `auth0-force-password-reset/auth0-types` (src/auth0/index.ts).
export type {
  PostChangePasswordApi,
  PostChangePasswordEvent,
  PostChangePasswordHandler,
  PostLoginApi,
  PostLoginContinueHandler,
  PostLoginEvent,
  PostLoginHandler,
} from './auth0/index.js';
export { VERSION } from './version.js';
