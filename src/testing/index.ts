/**
 * `auth0-force-password-reset/testing`: a toolkit for testing your own thin action files —
 * event builders for both triggers, recording `api` objects, and a local tenant that serves the
 * Management API over real HTTP. Not loaded by the main entry.
 *
 * @packageDocumentation
 */
export {
  buildPostChangePasswordEvent,
  buildPostLoginEvent,
  DATABASE_CONNECTION,
  GOOGLE_CONNECTION,
  SAML_CONNECTION,
  type DeepPartial,
} from './events.js';
export { AUTH0_CACHE_LIMITS, createMemoryCache, type MemoryCache } from './memory-cache.js';
export {
  createPostChangePasswordApi,
  createPostLoginApi,
  type RecordingApiOptions,
  type RecordingPostChangePasswordApi,
  type RecordingPostLoginApi,
} from './recording-api.js';
export * from './local-tenant/index.js';
