/**
 * A local stand-in for an Auth0 tenant, for tests and demos: at heart a Web-standard handler serving the
 * token endpoint, the Management API (users, connections, users exports) and `/dbconnections/change_password`, reached
 * in process through `tenant.fetch` or over HTTP on `127.0.0.1`, with the users, connections (and their
 * password policies) and injected faults in the same process. It also runs your handlers as Auth0's
 * triggers would: `runLogin` (post-login) and `runPasswordChange` (post-change-password) — or, with Actions
 * bound, for a browser's sign-in at `/authorize`, the redirect to a page and `/continue`, and
 * `startLocalApplication` plays the application a user signs in to.
 *
 * @packageDocumentation
 */
export { startLocalTenant } from './start-local-tenant.js';
export type { LocalTenantOptions } from './local-tenant-options.js';
export type {
  LocalTenant,
  LocalTenantClient,
  LocalTenantCore,
  LocalTenantDisposal,
  LocalTenantSecrets,
} from './local-tenant.js';
export {
  startLocalApplication,
  type CompletedSignIn,
  type LocalApplication,
  type LocalApplicationOptions,
  type SignInError,
} from './local-application.js';
export type {
  BoundPostChangePasswordAction,
  BoundPostLoginAction,
  LocalTenantActions,
  BoundPostChangePasswordModule,
  BoundPostLoginModule,
  PostChangePasswordActionHandler,
  PostChangePasswordHandlers,
  PostLoginActionHandler,
  PostLoginContinueActionHandler,
  PostLoginHandlers,
} from './bound-actions.js';
export type {
  ContinueLoginOptions,
  LoginOutcome,
  MetadataWrites,
  RunLoginOptions,
} from './run-login.js';
export type {
  PasswordChangeCompletion,
  PasswordChangeRun,
  RunPasswordChangeOptions,
} from './run-password-change.js';
export type { CreateUserInput, TenantIdentity, TenantUser, UserStore } from './user-store.js';
export type { ConnectionStore, NewConnection, TenantConnection } from './connection-store.js';
export type { SessionStore, TenantRefreshToken, TenantSession } from './session-store.js';
export type { LocalTenantPlan } from './sessions-endpoint.js';
export type {
  Fault,
  FaultInjector,
  FaultTarget,
  InjectOptions,
  RateLimitOptions,
  ServerErrorOptions,
} from './fault-injector.js';
export type { RecordedRequest, RequestAuth, RequestCounts } from './request-log.js';
export type { TenantRoute } from './tenant-routes.js';
export type { RateLimitPreset, RateLimitSettings } from './rate-limiter.js';
export type { ResetEmail } from './reset-email-outbox.js';
