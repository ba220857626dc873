/**
 * The post-login trigger (Actions v3): the handlers an Action exports, and (re-exported) its `event`
 * and `api`.
 */
import type { PostLoginApi } from './post-login-api.js';
import type { PostLoginEvent } from './post-login-event.js';

export type * from './post-login-api.js';
export type * from './post-login-event.js';

/** The function a post-login Action exports as `onExecutePostLogin`. */
export type PostLoginHandler = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;

/**
 * The function a post-login Action exports as `onContinuePostLogin`: Auth0 calls it when the browser
 * comes back to `https://{domain}/continue?state=…` after `api.redirect.sendUserTo`. Its `event` is
 * the same login's, with a new `event.request` (the `/continue` request, whose query or body holds
 * the redirect target's token); `api.redirect.validateToken` reads that token, and
 * `api.authentication.recordMethod` is only available here.
 */
export type PostLoginContinueHandler = (event: PostLoginEvent, api: PostLoginApi) => Promise<void>;

/**
 * What a post-login Action module exports: `exports.onExecutePostLogin`, and
 * `exports.onContinuePostLogin` when it redirects.
 */
export interface PostLoginActionModule {
  onExecutePostLogin: PostLoginHandler;
  onContinuePostLogin?: PostLoginContinueHandler;
}
