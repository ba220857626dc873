/**
 * `auth0-force-password-reset/page`: the change-password page the gate's `changePasswordPage` sends
 * users to, as a Web-standard handler you host (Node, Hono, Next.js, Workers, Deno). The Actions never
 * load this entry.
 *
 * @packageDocumentation
 */
export { createChangePasswordPage, type ChangePasswordPage } from './create-change-password-page.js';
export type { ChangePasswordPageOptions, PagePasswordPolicy } from './options.js';
export { DEFAULT_TEXTS, type PageTexts } from './page-texts.js';
export { createMemorySessionStore, type PageSessionStore } from './session-store.js';
export { createRedisSessionStore, type IoRedisLike, type NodeRedisLike, type RedisCommand, type RedisSessionStoreOptions } from './redis-session-store.js';
export { createNodeListener, type NodeIncomingMessage, type NodeListenerOptions, type NodeServerResponse } from './create-node-listener.js';
export type { LocalizedMessage } from '../internal/select-message.js';
export type { LogEntry, LogOption } from '../internal/log.js';
export {
  ForcePasswordResetError,
  ManagementApiError,
  OptionsError,
  isForcePasswordResetError,
  type ForcePasswordResetErrorCode,
  type ManagementApiFailure,
  type ManagementApiStep,
  type OptionsIssue,
} from '../errors/index.js';
