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
export type {
  ChangePasswordPageOptions,
  ExemptOptions,
  FirstLoginGateOptions,
  LocalizedMessage,
  MaxPasswordAgeOptions,
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
export type {
  Auth0AkamaiSignals,
  Auth0Cache,
  Auth0CacheDeleteResult,
  Auth0CacheEntry,
  Auth0CacheError,
  Auth0CacheErrorCode,
  Auth0CacheSetOptions,
  Auth0CacheWriteResult,
  Auth0Configuration,
  Auth0Connection,
  Auth0CustomDomain,
  Auth0GeoIp,
  Auth0Secrets,
  Auth0Tenant,
  MetadataValue,
} from './auth0/common.js';
export type {
  Auth0DeviceInfo,
  Auth0Identity,
  AuthorizationDetail,
  ChallengeWithOptions,
  DuoProviderOptions,
  EnableMultifactorOptions,
  EncodeTokenOptions,
  EnrollmentFactorSelector,
  EnrollWithOptions,
  FactorSelector,
  MultifactorProvider,
  PostLoginAccessApi,
  PostLoginAccessTokenApi,
  PostLoginActionModule,
  PostLoginApi,
  PostLoginAuthentication,
  PostLoginAuthenticationApi,
  PostLoginAuthenticationMethod,
  PostLoginAuthenticationMethodName,
  PostLoginAuthorization,
  PostLoginClient,
  PostLoginContinueHandler,
  PostLoginEnrolledFactor,
  PostLoginEvent,
  PostLoginHandler,
  PostLoginIdTokenApi,
  PostLoginMultifactorApi,
  PostLoginOrganization,
  PostLoginPrompt,
  PostLoginPromptApi,
  PostLoginProtocol,
  PostLoginRedirectApi,
  PostLoginRefreshToken,
  PostLoginRefreshTokenApi,
  PostLoginRequest,
  PostLoginResourceServer,
  PostLoginResponseMode,
  PostLoginRiskAssessment,
  PostLoginRulesApi,
  PostLoginSamlResponseApi,
  PostLoginSecurityContext,
  PostLoginSession,
  PostLoginSessionApi,
  PostLoginSessionTransferToken,
  PostLoginStats,
  PostLoginTransaction,
  PostLoginTransactionApi,
  PostLoginUser,
  PostLoginUserApi,
  PostLoginValidationApi,
  RedirectTokenPayload,
  RenderPromptOptions,
  RiskAssessmentResult,
  RiskConfidence,
  SamlAttributeValue,
  SendUserToOptions,
  SessionRevokeOptions,
  TokenExchangeActor,
  ValidateTokenOptions,
} from './auth0/post-login.js';
export type {
  PostChangePasswordApi,
  PostChangePasswordEvent,
  PostChangePasswordHandler,
  PostChangePasswordRequest,
  PostChangePasswordUser,
} from './auth0/post-change-password.js';
export type { Auth0PasswordOptions, PasswordPolicy, PasswordStrength } from './auth0/password-policy.js';
export { VERSION } from './version.js';
