import type { PostChangePasswordApi, PostChangePasswordEvent } from '../auth0/post-change-password.js';
import { InvalidEventError } from '../errors/invalid-event-error.js';
import { isForcePasswordResetError } from '../errors/force-password-reset-error.js';
import { SecretsError } from '../errors/secrets-error.js';
import type { LogEntry } from '../internal/log.js';
import { normalizeDomain } from '../management/domain.js';
import { openManagementSession, type TokenMemo } from '../management/management-session.js';
import { decideClear } from './decide-clear.js';

/** The clearer's options with defaults applied, plus its per-instance state. */
export interface ClearerConfig {
  flag: string;
  flaggedAtKey: string;
  secretNames: { domain: string; clientId: string; clientSecret: string };
  transport: typeof globalThis.fetch | undefined;
  requestTimeoutMs: number;
  deadlineMs: number;
  maxAttempts: number;
  emit: (entry: Omit<LogEntry, 'lib' | 'v' | 'trigger'>) => void;
  /** Module scope: survives across the executions of one Action instance. */
  tokenMemo: TokenMemo;
}

/**
 * One execution of the post-change-password handler. Kept apart from the factory, and loaded on
 * the first execution, so that an Action that only uses the gate never loads this code.
 */
export async function runClearer(
  config: ClearerConfig,
  event: PostChangePasswordEvent,
  api: PostChangePasswordApi,
): Promise<void> {
  const { emit, secretNames, flag, flaggedAtKey } = config;
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
    const missing = [secretNames.domain, secretNames.clientId, secretNames.clientSecret].filter(
      (name) => read(name) === undefined,
    );
    if (missing.length > 0) {
      const list = missing.map((name) => `"${name}"`).join(', ');
      throw new SecretsError(
        `createPasswordResetClearer: missing Action secret${missing.length === 1 ? '' : 's'} ${list} — add ${missing.length === 1 ? 'it' : 'them'} under the Action's Secrets (the M2M application's domain, client id and client secret)`,
        { missing, invalid: [] },
      );
    }
    const domain = normalizeDomain(read(secretNames.domain) as string);
    if (domain === undefined) {
      throw new SecretsError(
        `createPasswordResetClearer: Action secret "${secretNames.domain}" must be the tenant's canonical domain, such as acme.eu.auth0.com (a host, optionally with a port; no path)`,
        { missing: [], invalid: [secretNames.domain] },
      );
    }

    const changed = Date.parse(event.user.last_password_reset ?? '');
    if (Number.isNaN(changed)) {
      // Without the time of the change, a flag set after it cannot be told apart: keep it. The gate
      // still lets the user in once it sees the password changed after the flag.
      emit({ decision: 'keep', reason: 'change-time-missing', ...userField, detail: 'event.user.last_password_reset is missing', ms: elapsed() });
      return;
    }
    const session = await openManagementSession({
      domain,
      clientId: read(secretNames.clientId) as string,
      clientSecret: read(secretNames.clientSecret) as string,
      transport: config.transport ?? globalThis.fetch,
      requestTimeoutMs: config.requestTimeoutMs,
      deadline: startedAt + config.deadlineMs,
      maxAttempts: config.maxAttempts,
      cache: api?.cache,
      memo: config.tokenMemo,
      warn: (reason, detail) => emit({ decision: 'warn', reason, ...userField, detail }),
    });

    const appMetadata = await session.readAppMetadata(userId);
    const decision = decideClear(appMetadata, flag, flaggedAtKey, changed);
    if (decision.action === 'clear') {
      const after = await session.updateAppMetadata(userId, { [flag]: false });
      // PATCH cannot be conditional. If an administrator re-flagged the user between our read and our
      // write (set a temporary password, then the flag), our write just erased that obligation: the
      // answer shows a <flag>At later than this change, so put the flag back.
      if (decideClear({ ...after, [flag]: true }, flag, flaggedAtKey, changed).action === 'keep') {
        await session.updateAppMetadata(userId, { [flag]: true });
        emit({ decision: 'keep', reason: 'reflagged-after-change', ...userField, detail: 'restored a flag set while clearing', ms: elapsed() });
        return;
      }
      emit({ decision: 'clear', reason: decision.reason, ...userField, wrote: [flag], ms: elapsed() });
    } else {
      emit({ decision: 'keep', reason: decision.reason, ...userField, ms: elapsed() });
    }
  } catch (error) {
    const known = isForcePasswordResetError(error);
    emit({
      decision: 'fail',
      // ERR_MANAGEMENT_API → management-api
      reason: known ? error.code.slice(4).toLowerCase().replaceAll('_', '-') : 'internal-error',
      ...userField,
      detail: known ? error.message.replace(/^\[[^\]]+\] createPasswordResetClearer: /, '') : 'unexpected error',
      ms: elapsed(),
    });
    throw error;
  }
}
