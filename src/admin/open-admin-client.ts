import { setTimeout as wait } from 'node:timers/promises';
import { createManagementApiError, type FailureHint } from '../management/management-api-failure.js';
import { openManagementClient, type ManagementClient } from '../management/management-client.js';
import { createRequestPacer } from '../management/request-pacer.js';
import { createMemoryTokenStore } from '../management/token-store.js';
import type { AdminConnectionConfig } from './job-config.js';

/** Time, injectable for tests. */
export interface JobClock {
  /** Epoch milliseconds: stamps `<flag>At`, and is "now" for the tenant-wide rules. */
  now: () => number;
  /** A monotonic clock in milliseconds: paces requests to the rate, and times the export. */
  monotonic: () => number;
  /** Waits between retries, to keep under the rate limit, and for an export. */
  sleep: (ms: number) => Promise<void>;
}

export const systemClock: JobClock = {
  now: Date.now,
  monotonic: () => performance.now(),
  // node:timers/promises: a test's fake timers do not stop a run.
  sleep: (ms) => wait(ms),
};

/** One request may wait this long in all for retries and rate limits before the user fails. */
const REQUEST_BUDGET_MS = 180_000;

/** An administrator's Management API client, and how many requests it has made. */
export interface AdminClient {
  readonly client: ManagementClient;
  /** Management API requests started so far (every attempt; token requests not counted). */
  readonly requests: () => number;
}

/** What a tool's client needs besides the connection settings. */
export interface AdminClientExtras {
  /** Values that must never appear in an error (a temporary password). */
  readonly redact: readonly string[];
  readonly hint: FailureHint;
}

/**
 * Opens the Management API client of an administrator tool: requests paced to `rate`, each counted;
 * waits on the rate limit and before retries told to `onWait` (the steady pacing is not); a host
 * that cannot be reached failing at once; wrong credentials stopping the run before anything is read.
 */
export async function openAdminClient(config: AdminConnectionConfig, clock: JobClock, extras: AdminClientExtras): Promise<AdminClient> {
  const { onWait } = config;
  const pacer = createRequestPacer({
    rate: config.rate,
    clock: clock.monotonic,
    epochNow: clock.now,
    sleep: clock.sleep,
    // The steady pacing to `rate` is what was asked for: only a pause for the tenant's reset is news.
    onWait: (wait) => {
      if (wait.reason === 'rate-limit') onWait?.({ ms: wait.ms, reason: 'rate-limit', status: undefined });
    },
  });
  let requests = 0;
  const client = await openManagementClient({
    caller: config.caller,
    domain: config.domain,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    transport: config.transport,
    tokens: createMemoryTokenStore(),
    requestTimeoutMs: config.requestTimeoutMs,
    maxAttempts: config.maxAttempts,
    requestBudgetMs: REQUEST_BUDGET_MS,
    clock: { sleep: clock.sleep },
    pacer: {
      acquire: async () => {
        await pacer.acquire();
        requests += 1;
      },
      observe: (headers) => pacer.observe(headers),
      get waitedMs() {
        return pacer.waitedMs;
      },
    },
    redact: extras.redact,
    hint: extras.hint,
    failFastWhenUnreachable: true,
    ...(onWait === undefined
      ? {}
      : { onWait: ({ ms, reason, status }) => onWait({ ms, reason: reason === 'retry-after' && status === 429 ? 'rate-limit' : 'retry', status }) }),
  });
  return { client, requests: () => requests };
}

/** The scopes each kind of run needs: the narrowest that do the job. */
export const ADMIN_SCOPES = {
  status: ['read:users'],
  metadata: ['read:users', 'update:users_app_metadata'],
  password: ['read:users', 'update:users'],
} as const;

/** What ending sessions adds (`revokeSessions`): `revoke-access` asks for both. */
export const REVOKE_SCOPES = ['delete:sessions', 'delete:refresh_tokens'] as const;

/** The scopes a run needs, as its messages list them. */
export const scopesOf = (needs: keyof typeof ADMIN_SCOPES, revokeSessions: boolean): readonly string[] =>
  revokeSessions ? [...ADMIN_SCOPES[needs], ...REVOKE_SCOPES] : ADMIN_SCOPES[needs];

/** Which of the scopes a run needs a token lacks (`update:users` includes the narrower one). */
function missingScopes(granted: ReadonlySet<string>, needs: keyof typeof ADMIN_SCOPES, revokeSessions: boolean): string[] {
  const missing: string[] = [];
  if (!granted.has('read:users')) missing.push('read:users');
  if (needs === 'password') {
    if (!granted.has('update:users')) missing.push('update:users');
  } else if (needs === 'metadata' && !granted.has('update:users') && !granted.has('update:users_app_metadata')) {
    missing.push('update:users_app_metadata');
  }
  if (revokeSessions) missing.push(...REVOKE_SCOPES.filter((scope) => !granted.has(scope)));
  return missing;
}

/**
 * Gets the token, and stops the run before anything is read when it lacks a scope the run needs
 * (a token whose scopes are unknown is let through: a 403 will name the scope).
 *
 * @throws ManagementApiError (step `get token`)
 */
export async function authenticate(admin: AdminClient, caller: string, needs: keyof typeof ADMIN_SCOPES, revokeSessions = false): Promise<void> {
  const token = await admin.client.authenticate();
  const missing = token.scopes === undefined ? [] : missingScopes(token.scopes, needs, revokeSessions);
  if (missing.length === 0) return;
  const why = missing.some((scope) => (REVOKE_SCOPES as readonly string[]).includes(scope))
    ? `ending sessions and refresh tokens (revoke-access) needs ${REVOKE_SCOPES.join(' and ')}`
    : needs === 'password'
      ? 'setting a temporary password needs update:users'
      : `this run needs ${ADMIN_SCOPES[needs].join(' and ')}`;
  throw createManagementApiError(caller, {
    step: 'get token',
    userId: undefined,
    status: undefined,
    attempts: 1,
    reason: `the token does not grant ${missing.join(' and ')}`,
    serverMessage: undefined,
    gaveUp: undefined,
    requiredScopes: missing,
    hint: `grant the M2M application ${missing.join(' and ')}: ${why}`,
  });
}
