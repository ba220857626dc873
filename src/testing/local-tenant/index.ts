/**
 * A local stand-in for an Auth0 tenant, for tests and demos: a token endpoint and the Management API users
 * endpoints over real HTTP on `127.0.0.1`, with the users, connections, clock and injected faults in the
 * same process.
 *
 * @packageDocumentation
 */
export {
  startLocalTenant,
  type LocalTenant,
  type LocalTenantOptions,
  type LocalTenantSecrets,
} from './start-local-tenant.js';
export type { CreateUserInput, TenantIdentity, TenantUser, UserStore } from './user-store.js';
export type { ConnectionStore, NewConnection, TenantConnection } from './connection-store.js';
export type {
  Fault,
  FaultInjector,
  FaultTarget,
  InjectOptions,
  RateLimitOptions,
  ServerErrorOptions,
} from './fault-injector.js';
export type { RecordedRequest, RequestAuth, RequestCounts, TenantRoute } from './request-log.js';
export type { AccessTokenClaims } from './token-issuer.js';
