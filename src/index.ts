/**
 * auth0-force-password-reset: force Auth0 database users to replace their initial password at
 * first sign-in.
 *
 * - {@link createFirstLoginGate} → `exports.onExecutePostLogin`
 * - {@link createPasswordResetClearer} → `exports.onExecutePostChangePassword`
 *
 * @packageDocumentation
 */
export { createFirstLoginGate, type FirstLoginGate } from './gate/create-first-login-gate.js';
export type { ChangePasswordPageOptions, FirstLoginGateOptions, LocalizedMessage, ResetEmailOptions } from './gate/options.js';
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
export type {
  Auth0Cache,
  Auth0CacheEntry,
  Auth0CacheSetOptions,
  Auth0CacheWriteResult,
  Auth0Connection,
  Auth0Tenant,
  MetadataValue,
} from './auth0/common.js';
export type {
  Auth0Identity,
  PostLoginApi,
  PostLoginEvent,
  PostLoginHandler,
  PostLoginProtocol,
  PostLoginUser,
} from './auth0/post-login.js';
export type {
  PostChangePasswordApi,
  PostChangePasswordEvent,
  PostChangePasswordHandler,
  PostChangePasswordUser,
} from './auth0/post-change-password.js';
export { VERSION } from './version.js';
