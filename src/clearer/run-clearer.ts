import type { PostChangePasswordApi, PostChangePasswordEvent } from '../auth0/post-change-password.js';
import { isForcePasswordResetError } from '../errors/force-password-reset-error.js';
import { InvalidEventError } from '../errors/invalid-event-error.js';
import { SecretsError } from '../errors/secrets-error.js';
import type { LogEntry } from '../internal/log.js';
import { transportOf } from '../internal/transport.js';
import { DOMAIN_EXPECTED, parseTenantDomain } from '../management/domain.js';
import type { FailureHint } from '../management/management-api-failure.js';
import { openManagementClient } from '../management/management-client.js';
import { SYSTEM_REQUEST_CLOCK, type RequestClock } from '../management/resilient-fetch.js';
import { createActionTokenStore, type TokenMemo } from '../management/token-store.js';
import type { ObligationKeys } from '../obligation/obligation.js';
import { toIsoInstant } from '../obligation/time.js';
import { decideClear } from './decide-clear.js';

const CALLER = 'createPasswordResetClearer';

/** The scopes the clearer's M2M application needs, and no more. */
export const CLEARER_SCOPES = ['read:users', 'update:users_app_metadata'] as const;

/** The clearer's options with defaults applied, plus its per-instance state. */
export interface ClearerConfig {
  keys: ObligationKeys;
  secretNames: { domain: string; clientId: string; clientSecret: string };
  transport: typeof globalThis.fetch | undefined;
  requestTimeoutMs: number;
  deadlineMs: number;
  maxAttempts: number;
  emit: (entry: Omit<LogEntry, 'lib' | 'v' | 'trigger'>) => void;
  /** Module scope: survives across the executions of one Action instance. */
  tokenMemo: TokenMemo;
  /** The time an execution runs on: its deadline, timeouts and waits (a test's virtual one). @default the system's */
  clock?: RequestClock;
}

const hint: FailureHint = (failure) => {
  if (failure.status === 403 && failure.step !== 'get token') {
    const missing = failure.requiredScopes === undefined ? 'the scope it names' : `the ${failure.requiredScopes.join(' or ')} scope`;
    return `grant the M2M application ${missing}: the clearer needs ${CLEARER_SCOPES.join(' and ')}`;
  }
  if (failure.step === 'get token' && (failure.status === 401 || failure.status === 403)) {
    return 'check the client id and secret in the Action secrets, and that the application is authorized for the Management API of this domain (the canonical *.auth0.com domain, not a custom one)';
  }
  return undefined;
};

/** `ERR_MANAGEMENT_API` → `management-api`, for a log line's `reason`. */
const reasonOf = (code: string) => code.slice(4).toLowerCase().replaceAll('_', '-');

/**
 * One execution of the post-change-password handler. Kept apart from the factory, and loaded on
 * the first execution, so that an Action that only uses the gate never loads this code.
 */
export async function runClearer(
  config: ClearerConfig,
  event: PostChangePasswordEvent,
  api: PostChangePasswordApi,
): Promise<void> {
  const { emit, secretNames, keys, clock = SYSTEM_REQUEST_CLOCK } = config;
  const startedAt = clock.monotonic();
  const elapsed = () => Math.round(clock.monotonic() - startedAt);
  const userId = typeof event?.user?.user_id === 'string' ? event.user.user_id : undefined;
  const userField = userId === undefined ? {} : { user_id: userId };

  try {
    const strategy = event?.connection?.strategy;
    if (typeof strategy === 'string' && strategy !== 'auth0') {
      emit({ decision: 'skip', reason: 'not-database-connection', ...userField, ms: elapsed() });
      return;
    }
    if (userId === undefined) throw new InvalidEventError(CALLER, 'event.user.user_id', 'event.user.user_id is missing');

    const secretValues: Record<string, unknown> = event.secrets ?? {};
    const read = (name: string) => {
      const value = Object.hasOwn(secretValues, name) ? secretValues[name] : undefined;
      return typeof value === 'string' && value.trim().length > 0 ? value : undefined;
    };
    const missing = [secretNames.domain, secretNames.clientId, secretNames.clientSecret].filter((name) => read(name) === undefined);
    if (missing.length > 0) {
      const list = missing.map((name) => `"${name}"`).join(', ');
      throw new SecretsError(
        CALLER,
        `missing Action secret${missing.length === 1 ? '' : 's'} ${list} — add ${missing.length === 1 ? 'it' : 'them'} under the Action's Secrets (the M2M application's domain, client id and client secret)`,
        { missing, invalid: [] },
      );
    }
    const domain = parseTenantDomain(read(secretNames.domain) as string);
    if ('problem' in domain) {
      // The value is never quoted: swapped secrets put the client secret here.
      throw new SecretsError(CALLER, `Action secret "${secretNames.domain}" ${domain.problem}: it must be ${DOMAIN_EXPECTED}`, {
        missing: [],
        invalid: [secretNames.domain],
      });
    }

    const changedAt = toIsoInstant(event.user.last_password_reset);
    if (changedAt === undefined) {
      // Without the time of the change, a flag set after it cannot be told apart: keep it. The gate
      // still lets the user in once it sees the password changed after the flag.
      const detail = `event.user.last_password_reset is ${event.user.last_password_reset === undefined ? 'missing' : 'not a time'}`;
      emit({ decision: 'keep', reason: 'change-time-missing', ...userField, detail, ms: elapsed() });
      return;
    }
    const clientId = read(secretNames.clientId) as string;
    const client = await openManagementClient({
      caller: CALLER,
      domain,
      clientId,
      clientSecret: read(secretNames.clientSecret) as string,
      transport: config.transport ?? transportOf(api) ?? globalThis.fetch,
      tokens: createActionTokenStore(config.tokenMemo, `${domain.host}\n${clientId}`, api?.cache, clientId),
      requestTimeoutMs: config.requestTimeoutMs,
      maxAttempts: config.maxAttempts,
      deadline: startedAt + config.deadlineMs,
      clock,
      hint,
      warn: (reason, detail) => emit({ decision: 'warn', reason, ...userField, detail }),
    });

    const user = await client.readUser(userId, ['app_metadata', 'created_at']);
    const decision = decideClear(user.appMetadata, keys, user.createdAt, changedAt);
    if (decision.action === 'keep') {
      emit({ decision: 'keep', reason: decision.reason, ...userField, ms: elapsed() });
      return;
    }
    const after = await client.updateAppMetadata(userId, { [keys.flag]: false });
    // PATCH cannot be conditional. If an administrator re-flagged the user between our read and our
    // write (set a temporary password, then the flag), our write just erased that obligation: the
    // answer shows a <flag>At later than this change, so put the flag back.
    const reflagged = { ...after.appMetadata, [keys.flag]: true };
    if (decideClear(reflagged, keys, user.createdAt, changedAt).action === 'keep') {
      await client.updateAppMetadata(userId, { [keys.flag]: true });
      emit({ decision: 'keep', reason: 'reflagged-after-change', ...userField, detail: 'restored a flag set while clearing', ms: elapsed() });
      return;
    }
    emit({ decision: 'clear', reason: decision.reason, ...userField, wrote: [keys.flag], ms: elapsed() });
  } catch (error) {
    const known = isForcePasswordResetError(error);
    emit({
      decision: 'fail',
      reason: known ? reasonOf(error.code) : 'internal-error',
      ...userField,
      // From the fields, never by editing the message.
      detail: known ? error.detail : 'unexpected error',
      ms: elapsed(),
    });
    throw error;
  }
}
