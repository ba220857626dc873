/**
 * `auth0-force-password-reset/auth0-types`: Auth0's own types for the two triggers this library
 * handles — the whole `event` and `api` of post-login (Actions v3) and post-change-password (v2), the
 * handlers and the Action module, `api.cache`, and a database connection's password options in both of
 * Auth0's shapes — for an Action that does more than call the gate and the clearer. Types only: the
 * entry has no code.
 *
 * The main entry re-exports the few a thin action names (`PostLoginHandler`, `PostLoginEvent`,
 * `PostLoginApi`, …); they are the same types as here.
 *
 * @example
 * ```ts
 * import { createFirstLoginGate, type PostLoginHandler } from 'auth0-force-password-reset';
 * import type { PostLoginUser } from 'auth0-force-password-reset/auth0-types';
 *
 * const gate = createFirstLoginGate();
 * const isStaff = (user: PostLoginUser) => user.email?.endsWith('@acme.example') ?? false;
 * export const onExecutePostLogin: PostLoginHandler = async (event, api) => {
 *   if (isStaff(event.user)) api.multifactor.enable('any');
 *   await gate(event, api);
 * };
 * ```
 *
 * @packageDocumentation
 */
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
} from './common.js';
export type { PostLoginActionModule, PostLoginContinueHandler, PostLoginHandler } from './post-login.js';
export type {
  Auth0DeviceInfo,
  Auth0Identity,
  AuthorizationDetail,
  PostLoginAuthentication,
  PostLoginAuthenticationMethod,
  PostLoginAuthenticationMethodName,
  PostLoginAuthorization,
  PostLoginClient,
  PostLoginEnrolledFactor,
  PostLoginEvent,
  PostLoginOrganization,
  PostLoginPrompt,
  PostLoginProtocol,
  PostLoginRefreshToken,
  PostLoginRequest,
  PostLoginResourceServer,
  PostLoginResponseMode,
  PostLoginRiskAssessment,
  PostLoginSecurityContext,
  PostLoginSession,
  PostLoginSessionTransferToken,
  PostLoginStats,
  PostLoginTransaction,
  PostLoginUser,
  RiskAssessmentResult,
  RiskConfidence,
  TokenExchangeActor,
} from './post-login-event.js';
export type {
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
  PostLoginApi,
  PostLoginAuthenticationApi,
  PostLoginIdTokenApi,
  PostLoginMultifactorApi,
  PostLoginPromptApi,
  PostLoginRedirectApi,
  PostLoginRefreshTokenApi,
  PostLoginRulesApi,
  PostLoginSamlResponseApi,
  PostLoginSessionApi,
  PostLoginTransactionApi,
  PostLoginUserApi,
  PostLoginValidationApi,
  RedirectTokenPayload,
  RenderPromptOptions,
  SamlAttributeValue,
  SendUserToOptions,
  SessionRevokeOptions,
  ValidateTokenOptions,
} from './post-login-api.js';
export type {
  PostChangePasswordApi,
  PostChangePasswordEvent,
  PostChangePasswordHandler,
  PostChangePasswordRequest,
  PostChangePasswordUser,
} from './post-change-password.js';
export type {
  Auth0PasswordOptions,
  CharacterType,
  CommonPasswordList,
  FlexiblePasswordOptions,
  PasswordStrength,
} from './password-policy.js';
