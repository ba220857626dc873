import type {
  PostChangePasswordApi,
  PostChangePasswordEvent,
  PostChangePasswordHandler,
} from '../auth0/post-change-password.js';
import { OptionsError } from '../errors/options-error.js';
import { createLogEmitter, defaultLogOption } from '../internal/log.js';
import { checkOptions } from '../internal/check-options.js';
import type { TokenMemo } from '../management/token-store.js';
import { DEFAULT_FLAG, obligationKeys } from '../obligation/obligation.js';
import { passwordResetClearerOptionChecks, type PasswordResetClearerOptions } from './options.js';
import type { ClearerConfig } from './run-clearer.js';

const CLEARER = 'createPasswordResetClearer';

/**
 * The clearer's options checked, with their defaults: what every execution of one handler shares
 * (the tests run an execution with it, on a virtual clock). Throws an `OptionsError` for bad options.
 */
export function clearerConfig(options?: PasswordResetClearerOptions): ClearerConfig {
  const {
    flag = DEFAULT_FLAG,
    secrets: {
      domain = 'AUTH0_DOMAIN',
      clientId = 'AUTH0_CLIENT_ID',
      clientSecret = 'AUTH0_CLIENT_SECRET',
    } = {},
    log = defaultLogOption(),
    fetch: transport,
    requestTimeoutMs: requestedTimeoutMs,
    deadlineMs = 12_000,
    maxAttempts = 4,
  } = checkOptions(CLEARER, passwordResetClearerOptionChecks, options);
  // The default request timeout shrinks to a shorter deadline; a timeout given explicitly must fit.
  const requestTimeoutMs = requestedTimeoutMs ?? Math.min(5_000, deadlineMs);
  if (requestTimeoutMs > deadlineMs) {
    throw new OptionsError(CLEARER, [
      {
        code: 'custom',
        path: 'options.requestTimeoutMs',
        expected: `must not be longer than "options.deadlineMs" (got ${requestTimeoutMs} with a deadline of ${deadlineMs})`,
      },
    ]);
  }
  return {
    keys: obligationKeys(flag),
    secretNames: { domain, clientId, clientSecret },
    transport,
    requestTimeoutMs,
    deadlineMs,
    maxAttempts,
    emit: createLogEmitter(log, 'post-change-password'),
    // Built here rather than with token-store's helper: the gate's module must not load that code.
    tokenMemo: { tokens: new Map(), pending: new Map() } satisfies TokenMemo,
  };
}

/**
 * Creates the post-change-password handler that marks the obligation as met.
 *
 * Auth0 gives this trigger no `app_metadata`, so the handler reads the user through the Management
 * API (with the official `auth0` SDK, client credentials from the Action's secrets) and, when the
 * flag was set before this password change, sets it to `false` — that key only; every other
 * `app_metadata` key stays as it was. A flag an administrator set after the change is left alone.
 *
 * The Management API token is reused across executions of an instance (concurrent executions share
 * one token request) and, through `api.cache`, across instances. 429 and 5xx are retried within a
 * deadline well inside Auth0's 20 s limit. When it fails for good the handler rejects with an error
 * naming the step and the status (never a secret or a token) — and the user is still not locked
 * out: the gate clears a flag itself when it sees the password changed after the flag was set.
 *
 * The `auth0` SDK is loaded on the first execution, not when the module loads. The M2M application
 * needs the `read:users` and `update:users_app_metadata` scopes, no more.
 *
 * @example
 * ```js
 * // post-change-password Action; secrets AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET
 * const { createPasswordResetClearer } = require('auth0-force-password-reset');
 * exports.onExecutePostChangePassword = createPasswordResetClearer({ flag: 'mustChangePassword' });
 * ```
 */
export function createPasswordResetClearer(options?: PasswordResetClearerOptions): PostChangePasswordHandler {
  const config = clearerConfig(options);

  const onExecutePostChangePassword = async function onExecutePostChangePassword(
    event: PostChangePasswordEvent,
    api: PostChangePasswordApi,
  ): Promise<void> {
    // The execution code (and through it the `auth0` SDK) loads on first use only.
    const { runClearer } = await import('./run-clearer.js');
    return runClearer(config, event, api);
  };
  // A bundler may rename a function to avoid a clash; keep the name in stack traces and in `handler.name`.
  return Object.defineProperty(onExecutePostChangePassword, 'name', { value: 'onExecutePostChangePassword' });
}
