/**
 * `auth0-force-password-reset/page`: the change-password page the gate's `changePasswordPage` sends
 * users to, as a Web-standard handler you host (Node, Hono, Next.js, Workers, Deno). The Actions never
 * load this entry.
 *
 * @packageDocumentation
 */
export { createChangePasswordPage, type ChangePasswordPage } from './create-change-password-page.js';
export type { ChangePasswordPageOptions } from './options.js';
export { DEFAULT_TEXTS, type PageFormTexts, type PageText, type PageTexts } from './page-texts.js';
export type { PasswordTexts } from '../password/password-texts.js';
export type { PasswordPolicyOption, ShortPasswordPolicy } from '../password/password-policy-option.js';
export type { PagePasswordPolicy } from './options.js';
export type { LocalizedMessage } from '../internal/select-message.js';
export type { Auth0PasswordOptions, CharacterType, CommonPasswordList, FlexiblePasswordOptions, PasswordStrength } from '../auth0/password-policy.js';
export type { BreachedPasswordsOptions } from '../password/breached-passwords.js';
export { createMemorySessionStore, type PageSessionStore } from './session-store.js';
export { createRedisSessionStore, type IoRedisLike, type NodeRedisLike, type RedisCommand, type RedisSessionStoreOptions } from './redis-session-store.js';
export { createNodeListener, type NodeIncomingMessage, type NodeListenerOptions, type NodeServerResponse } from './create-node-listener.js';
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
