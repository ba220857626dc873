import type {
  PostChangePasswordApi,
  PostChangePasswordEvent,
  PostChangePasswordHandler,
} from '../auth0/post-change-password.js';
import { InvalidEventError } from '../errors/invalid-event-error.js';
import { isForcePasswordResetError } from '../errors/force-password-reset-error.js';
import { SecretsError } from '../errors/secrets-error.js';
import { DEFAULT_FLAG } from '../gate/options.js';
import { createLogEmitter } from '../internal/log.js';
import { parseOptions } from '../internal/parse-options.js';
import type { TokenMemo } from '../management/management-session.js';
import { decideClear } from './decide-clear.js';
import {
  passwordResetClearerOptionsSchema,
  type PasswordResetClearerOptions,
} from './options.js';

/** `https://acme.auth0.com/` → `acme.auth0.com`; `undefined` when it is not a host[:port]. */
function normalizeDomain(value: string): string | undefined {
  const domain = value.trim().replace(/^https:\/\//i, '').replace(/\/+$/, '');
  return /^[a-z0-9.-]+(:\d{1,5})?$/i.test(domain) ? domain : undefined;
}

/**
 * Creates the post-change-password handler that marks the obligation as met.
 *
 * Auth0 gives this trigger no `app_metadata`, so the handler reads the user through the Management
 * API (with the official `auth0` SDK, client credentials from the Action's secrets) and, when the
 * flag was set before this password change, sets it to `false` — that key only; every other
 * `app_metadata` key stays as it was. A flag an administrator set after the change is left alone.
 *
 * The Management API token is reused across executions of an instance and, through `api.cache`,
 * across instances. 429 and 5xx are retried within a deadline well inside Auth0's 20 s limit.
 * When it fails for good the handler rejects with an error naming the step and the status (never a
 * secret or a token) — and the user is still not locked out: the gate clears a flag itself when it
 * sees the password changed after the flag was set.
 *
 * The `auth0` SDK is loaded on the first execution, not when the module loads.
 *
 * @example
 * ```js
 * // post-change-password Action; secrets AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET
 * const { createPasswordResetClearer } = require('auth0-force-password-reset');
 * exports.onExecutePostChangePassword = createPasswordResetClearer({ flag: 'mustChangePassword' });
 * ```
 */
export function createPasswordResetClearer(options?: PasswordResetClearerOptions): PostChangePasswordHandler {
  const parsed = parseOptions(
    'createPasswordResetClearer',
    passwordResetClearerOptionsSchema,
    options,
  );
  const {
    flag = DEFAULT_FLAG,
    secrets: { domain: domainSecret = 'AUTH0_DOMAIN', clientId: clientIdSecret = 'AUTH0_CLIENT_ID', clientSecret: clientSecretSecret = 'AUTH0_CLIENT_SECRET' } = {},
    log = true,
    fetch: transport,
    requestTimeoutMs = 5_000,
    deadlineMs = 12_000,
    maxAttempts = 4,
  } = parsed;
  const flaggedAtKey = `${flag}At`;
  const emit = createLogEmitter(log, 'post-change-password');
  // Module scope: survives across the executions of one Action instance.
  const tokenMemo: TokenMemo = new Map();

  return async function onExecutePostChangePassword(
    event: PostChangePasswordEvent,
    api: PostChangePasswordApi,
  ): Promise<void> {
    const startedAt = Date.now();
    const userId = typeof event?.user?.user_id === 'string' ? event.user.user_id : undefined;
    const elapsed = () => Date.now() - startedAt;
    const userField = userId === undefined ? {} : { user_id: userId };

    try {
      const strategy = event?.connection?.strategy;
      if (typeof strategy === 'string' && strategy !== 'auth0') {
        emit({ decision: 'skip', reason: 'not-database-connection', ...userField, ms: elapsed() });
        return;
      }
      if (userId === undefined) {
        throw new InvalidEventError('createPasswordResetClearer: event.user.user_id is missing');
      }

      const secretValues = event.secrets ?? {};
      const read = (name: string) => {
        const value = secretValues[name];
        return typeof value === 'string' && value.trim().length > 0 ? value : undefined;
      };
      const missing = [domainSecret, clientIdSecret, clientSecretSecret].filter((name) => read(name) === undefined);
      if (missing.length > 0) {
        const list = missing.map((name) => `"${name}"`).join(', ');
        throw new SecretsError(
          `createPasswordResetClearer: missing Action secret${missing.length === 1 ? '' : 's'} ${list} — add ${missing.length === 1 ? 'it' : 'them'} under the Action's Secrets (the M2M application's domain, client id and client secret)`,
          { missing, invalid: [] },
        );
      }
      const domain = normalizeDomain(read(domainSecret) as string);
      if (domain === undefined) {
        throw new SecretsError(
          `createPasswordResetClearer: Action secret "${domainSecret}" must be the tenant's canonical domain, such as acme.eu.auth0.com (a host, optionally with a port; no path)`,
          { missing: [], invalid: [domainSecret] },
        );
      }

      // The Management API code (and through it the `auth0` SDK) loads on first use only.
      const { openManagementSession } = await import('../management/management-session.js');
      const session = await openManagementSession({
        domain,
        clientId: read(clientIdSecret) as string,
        clientSecret: read(clientSecretSecret) as string,
        transport: transport ?? globalThis.fetch,
        requestTimeoutMs,
        deadline: startedAt + deadlineMs,
        maxAttempts,
        cache: api?.cache,
        memo: tokenMemo,
        warn: (reason, detail) => emit({ decision: 'warn', reason, ...userField, detail }),
      });

      const appMetadata = await session.readAppMetadata(userId);
      const changed = Date.parse(event.user.last_password_reset ?? '');
      const decision = decideClear(appMetadata, flag, flaggedAtKey, Number.isNaN(changed) ? startedAt : changed);
      if (decision.action === 'clear') {
        await session.updateAppMetadata(userId, { [flag]: false });
        emit({ decision: 'clear', reason: decision.reason, ...userField, wrote: [flag], ms: elapsed() });
      } else {
        emit({ decision: 'keep', reason: decision.reason, ...userField, ms: elapsed() });
      }
    } catch (error) {
      const reason = isForcePasswordResetError(error) ? error.code.slice(4).toLowerCase().replaceAll('_', '-') : 'internal-error';
      const detail = isForcePasswordResetError(error) ? error.message.replace(/^\[[^\]]+\] createPasswordResetClearer: /, '') : 'unexpected error';
      emit({ decision: 'fail', reason, ...userField, detail, ms: elapsed() });
      throw error;
    }
  };
}
