/**
 * `auth0-force-password-reset/testing`: a toolkit for testing your own thin action files — event
 * builders for both triggers, recording `api` objects that refuse the network, an Auth0-like
 * `api.cache`, and a local tenant (token endpoint, Management API, password policies, the triggers
 * run as Auth0 runs them). Not loaded by the main entry.
 *
 * @packageDocumentation
 */
export {
  buildPostChangePasswordEvent,
  buildPostLoginEvent,
  DATABASE_CONNECTION,
  GOOGLE_CONNECTION,
  SAML_CONNECTION,
  TEST_HOSTNAME,
  type DeepPartial,
} from './events.js';
export { AUTH0_CACHE_LIMITS, createMemoryCache, type MemoryCache } from './memory-cache.js';
export {
  createPostChangePasswordApi,
  createPostLoginApi,
  type BlockedRequest,
  type MetadataWrite,
  type PostLoginApiOptions,
  type RecordedApiCall,
  type RecordedRedirect,
  type RecordingApiOptions,
  type RecordingPostChangePasswordApi,
  type RecordingPostLoginApi,
} from './recording-api.js';
export {
  startLocalApplication,
  startLocalTenant,
  type BoundPostChangePasswordAction,
  type BoundPostChangePasswordModule,
  type BoundPostLoginAction,
  type BoundPostLoginModule,
  type CompletedSignIn,
  type LocalApplication,
  type LocalApplicationOptions,
  type LocalTenantActions,
  type LocalTenantClient,
  type SignInError,
  type ConnectionStore,
  type ContinueLoginOptions,
  type CreateUserInput,
  type Fault,
  type FaultInjector,
  type FaultTarget,
  type InjectOptions,
  type LocalTenant,
  type LocalTenantCore,
  type LocalTenantDisposal,
  type LocalTenantOptions,
  type LocalTenantPlan,
  type LocalTenantSecrets,
  type LoginOutcome,
  type MetadataWrites,
  type NewConnection,
  type PasswordChangeCompletion,
  type PasswordChangeRun,
  type PostChangePasswordActionHandler,
  type PostChangePasswordHandlers,
  type PostLoginActionHandler,
  type PostLoginContinueActionHandler,
  type PostLoginHandlers,
  type RateLimitOptions,
  type RateLimitPreset,
  type RateLimitSettings,
  type RecordedRequest,
  type RequestAuth,
  type RequestCounts,
  type ResetEmail,
  type RunLoginOptions,
  type RunPasswordChangeOptions,
  type ServerErrorOptions,
  type SessionStore,
  type TenantConnection,
  type TenantIdentity,
  type TenantRefreshToken,
  type TenantRoute,
  type TenantSession,
  type TenantUser,
  type UserStore,
} from './local-tenant/index.js';
export type { PasswordPolicy, PasswordStrength } from '../auth0/password-policy.js';
// This entry is built apart, with its own copy of the error classes: `toThrow(OptionsError)` needs this one.
export { OptionsError, type OptionsIssue } from '../errors/options-error.js';
