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
  type PostLoginApiOptions,
  type RecordedApiCall,
  type RecordedRedirect,
  type RecordingApiOptions,
  type RecordingPostChangePasswordApi,
  type RecordingPostLoginApi,
} from './recording-api.js';
// The local tenant: its two functions and its runners (`runLogin`, `continueLogin`, `runPasswordChange`,
// `bindActions`) with what they take and give, and the users a test creates and reads. The tenant's other
// parts are typed through `LocalTenant`: `LocalTenant['faults']`, `LocalTenant['requests'][number]`.
export {
  startLocalApplication,
  startLocalTenant,
  type ContinueLoginOptions,
  type CreateUserInput,
  type LocalApplication,
  type LocalApplicationOptions,
  type LocalTenant,
  type LocalTenantActions,
  type LocalTenantOptions,
  type LoginOutcome,
  type PasswordChangeCompletion,
  type PasswordChangeRun,
  type PostChangePasswordHandlers,
  type PostLoginHandlers,
  type RunLoginOptions,
  type RunPasswordChangeOptions,
  type TenantUser,
} from './local-tenant/index.js';
export type { PasswordPolicy } from '../auth0/password-policy.js';
// This entry is built apart, with its own copy of the error classes: `toThrow(OptionsError)` needs this one.
export { OptionsError, type OptionsIssue } from '../errors/options-error.js';
