import { setTimeout as wait } from 'node:timers/promises';
import { ManagementApiError } from '../errors/management-api-error.js';
import { OptionsError } from '../errors/options-error.js';
import { createManagementApiError, type FailureHint } from '../management/management-api-failure.js';
import { openManagementClient, type ManagementClient, type UserSnapshot } from '../management/management-client.js';
import { createRequestPacer } from '../management/request-pacer.js';
import { createMemoryTokenStore } from '../management/token-store.js';
import { ADMIN_FLAG_MARGIN_MS, isFlagValue, isRecord, ownValue } from '../obligation/obligation.js';
import { formatIsoTime, parseIsoTime } from '../obligation/time.js';
import type { PasswordChangeJobConfig } from './job-config.js';
import type {
  DoneOutcome,
  FailedOutcome,
  PasswordChangeReport,
  SkippedOutcome,
  UserOutcome,
} from './report.js';

/** Time, injectable for tests. */
export interface JobClock {
  /** Epoch milliseconds: stamps `<flag>At`. */
  now: () => number;
  /** A monotonic clock in milliseconds: paces requests to the rate. */
  monotonic: () => number;
  /** Waits between retries and to keep under the rate limit. */
  sleep: (ms: number) => Promise<void>;
}

export const systemClock: JobClock = {
  now: Date.now,
  monotonic: () => performance.now(),
  // node:timers/promises: a test's fake timers do not stop a run.
  sleep: (ms) => wait(ms),
};

/** Auth0 returns at most the first 1000 users of a search (100 per page). */
export const SEARCH_RESULT_LIMIT = 1000;
const SEARCH_PAGE_SIZE = 100;
/** One request may wait this long in all for retries and rate limits before the user fails. */
const REQUEST_BUDGET_MS = 180_000;
/**
 * When a user who is already flagged gets a temporary password, `<flag>At` is first moved this far
 * ahead (see {@link requireChange}). Should the run stop right there, the user stays flagged and a
 * password change within this window does not count — a bounded nuisance, and a re-run fixes it.
 */
export const PROVISIONAL_FLAG_LEAD_MS = 15 * 60 * 1000;
/** A `last_password_reset` this far ahead of our clock is not believed: the user fails instead. */
const MAX_CLOCK_LEAD_MS = 24 * 60 * 60 * 1000;

/** The scopes each kind of run needs: the narrowest that do the job. */
export const ADMIN_SCOPES = {
  metadata: ['read:users', 'update:users_app_metadata'],
  password: ['read:users', 'update:users'],
} as const;

/** Whether a set of granted scopes allows what a run does (`update:users` includes the narrower one). */
function missingScopes(granted: ReadonlySet<string>, needsPassword: boolean): string[] {
  const missing: string[] = [];
  if (!granted.has('read:users')) missing.push('read:users');
  if (needsPassword) {
    if (!granted.has('update:users')) missing.push('update:users');
  } else if (!granted.has('update:users') && !granted.has('update:users_app_metadata')) {
    missing.push('update:users_app_metadata');
  }
  return missing;
}

function notDatabaseUser(user: UserSnapshot): SkippedOutcome | undefined {
  const primary = user.identities[0];
  const provider = isRecord(primary) && typeof primary['provider'] === 'string' ? primary['provider'] : undefined;
  const connection = isRecord(primary) && typeof primary['connection'] === 'string' ? primary['connection'] : undefined;
  if (provider === 'auth0' && connection !== undefined) return undefined;
  return {
    status: 'skipped',
    userId: user.userId,
    reason: 'not-database-user',
    detail: `primary identity is ${provider ?? 'unknown'}${connection === undefined ? '' : ` (connection "${connection}")`}: no Auth0 password to change`,
  };
}

/** The connection of a database user (checked by {@link notDatabaseUser}). */
const connectionOf = (user: UserSnapshot) => (user.identities[0] as { connection: string }).connection;

/**
 * Requires a password change from one database user. With a temporary password the order is what
 * keeps the obligation alive: Auth0 runs post-change-password for the password an administrator
 * sets, and the clearer (like the gate) takes a change later than `<flag>At` as the obligation
 * met. So: the password first, then the flag, stamped {@link ADMIN_FLAG_MARGIN_MS} after the
 * `last_password_reset` of the answer.
 *
 * One race is left: for a user who is *already* flagged, the clearer triggered by the temporary
 * password may read the old, earlier `<flag>At`, decide "changed since", and write `false` after our
 * flag. (A clearer that re-checks after its write puts the flag back; 0.1.0 does not, and tenants pin
 * versions.) So such a user's `<flag>At` is first moved ahead: whenever the clearer reads, it sees
 * a flag later than the change and writes nothing.
 */
async function requireChange(
  client: ManagementClient,
  config: PasswordChangeJobConfig,
  clock: JobClock,
  user: UserSnapshot,
  writes: string[],
): Promise<DoneOutcome | FailedOutcome> {
  const { keys, temporaryPassword } = config;
  const planned = [...(temporaryPassword === undefined ? [] : ['password']), keys.flag, keys.flaggedAtKey];
  if (config.dryRun) return { status: 'done', userId: user.userId, writes: planned, dryRun: true };

  let changedAt = parseIsoTime(user.lastPasswordReset);
  if (temporaryPassword !== undefined) {
    if (isFlagValue(ownValue(user.appMetadata, keys.flag))) {
      const provisional = formatIsoTime(clock.now() + PROVISIONAL_FLAG_LEAD_MS);
      await client.updateAppMetadata(user.userId, { [keys.flag]: true, [keys.flaggedAtKey]: provisional });
      writes.push(keys.flag, keys.flaggedAtKey);
    }
    const after = await client.setPassword(user.userId, temporaryPassword, connectionOf(user));
    writes.push('password');
    // Auth0 answers a PATCH with the user; should `last_password_reset` be missing, read it.
    changedAt =
      parseIsoTime(after.lastPasswordReset) ??
      parseIsoTime((await client.readUser(user.userId, ['last_password_reset'])).lastPasswordReset);
    const now = clock.now();
    if (changedAt === undefined || changedAt - now > MAX_CLOCK_LEAD_MS) {
      // Stamping the flag from a time we cannot trust could make the temporary password count as the
      // user's own change: this user fails (the password is set; the flag is not), the run goes on.
      const why = changedAt === undefined ? 'last_password_reset is missing or not a time' : 'last_password_reset is more than a day ahead of this machine’s clock';
      const error = createManagementApiError(config.caller, {
        step: 'set password',
        userId: user.userId,
        status: undefined,
        attempts: 1,
        reason: `malformed answer: ${why}`,
        serverMessage: undefined,
        gaveUp: undefined,
        requiredScopes: undefined,
        hint: 'check the tenant, then run again for this user',
      });
      return { status: 'failed', userId: user.userId, error, writes: [...new Set(writes)] };
    }
  }
  const now = clock.now();
  // Past the temporary password's change, by a margin no clock difference between Auth0's parts crosses.
  const flaggedAt = formatIsoTime(changedAt === undefined || temporaryPassword === undefined ? now : Math.max(now, changedAt + ADMIN_FLAG_MARGIN_MS)) as string;
  await client.updateAppMetadata(user.userId, { [keys.flag]: true, [keys.flaggedAtKey]: flaggedAt });
  return { status: 'done', userId: user.userId, writes: planned, flaggedAt, dryRun: false };
}

async function waiveChange(
  client: ManagementClient,
  config: PasswordChangeJobConfig,
  user: UserSnapshot,
  writes: string[],
): Promise<DoneOutcome | SkippedOutcome> {
  const { flag } = config.keys;
  if (ownValue(user.appMetadata, flag) === false) {
    return { status: 'skipped', userId: user.userId, reason: 'already-waived', detail: `${flag} is already false` };
  }
  if (config.dryRun) return { status: 'done', userId: user.userId, writes: [flag], dryRun: true };
  // `false`, not a deletion: the gate reads `false` as "obligation met" and will not flag the
  // user at a first login either.
  await client.updateAppMetadata(user.userId, { [flag]: false });
  writes.push(flag);
  return { status: 'done', userId: user.userId, writes, dryRun: false };
}

async function processUser(
  client: ManagementClient,
  config: PasswordChangeJobConfig,
  clock: JobClock,
  userId: string,
): Promise<UserOutcome> {
  const writes: string[] = [];
  try {
    const user = await client.readUser(userId, ['identities', 'app_metadata', 'last_password_reset']);
    const skipped = notDatabaseUser(user);
    if (skipped !== undefined) return skipped;
    return config.action === 'require'
      ? await requireChange(client, config, clock, user, writes)
      : await waiveChange(client, config, user, writes);
  } catch (error) {
    // Without a token no user can be processed: stop the run rather than fail them one by one.
    if (!(error instanceof ManagementApiError) || error.step === 'get token') throw error;
    return { status: 'failed', userId, error, writes: [...new Set(writes)] };
  }
}

/**
 * The users of a search, all collected before any is changed: changing them could otherwise move
 * them between pages (a query on the flag itself) and skip some.
 */
async function searchUserIds(client: ManagementClient, config: PasswordChangeJobConfig, query: string): Promise<string[]> {
  const first = await client.searchUsers(query, 0, SEARCH_PAGE_SIZE);
  // Whether Auth0 reports totals past the limit is not documented: at the limit, assume more.
  if (first.total >= SEARCH_RESULT_LIMIT) {
    const { flag } = config.keys;
    const narrower = config.action === 'require' ? `AND NOT app_metadata.${flag}:true` : `AND app_metadata.${flag}:true`;
    const expected =
      `matches ${first.total} users, and a user search returns no more than the first ${SEARCH_RESULT_LIMIT}: narrow it ` +
      `(for example add ${narrower}, and run again until it matches none), or list the user ids instead`;
    throw new OptionsError(config.caller, [{ code: 'too_big', path: 'options.users.query', expected }]);
  }
  const userIds = [...first.userIds];
  for (let page = 1; userIds.length < first.total && page * SEARCH_PAGE_SIZE < SEARCH_RESULT_LIMIT; page += 1) {
    const next = await client.searchUsers(query, page, SEARCH_PAGE_SIZE);
    if (next.userIds.length === 0) break;
    userIds.push(...next.userIds);
  }
  return [...new Set(userIds)];
}

const adminHint = (needsPassword: boolean): FailureHint => (failure) => {
  if (failure.status === 403 && failure.step !== 'get token') {
    const missing = failure.requiredScopes === undefined ? 'the scope it names' : `the ${failure.requiredScopes.join(' or ')} scope`;
    const needs = needsPassword ? ADMIN_SCOPES.password : ADMIN_SCOPES.metadata;
    return `grant the M2M application ${missing}: this run needs ${needs.join(' and ')}`;
  }
  if (failure.status === 429) return "the tenant's rate limit: run again later, or with a lower rate";
  if (failure.step === 'search users' && failure.status === 400) return 'check the query (Lucene syntax, user search v3)';
  return undefined;
};

/**
 * Runs {@link requirePasswordChange} or {@link waivePasswordChange} with checked options: the
 * token first (wrong credentials, or a grant without the scopes the run needs, stop the run before
 * anything is read), then the users (a search is resolved in full), then each user in turn.
 */
export async function runPasswordChangeJob(
  config: PasswordChangeJobConfig,
  clock: JobClock = systemClock,
): Promise<PasswordChangeReport> {
  const needsPassword = config.action === 'require' && config.temporaryPassword !== undefined && !config.dryRun;
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
    sleep: clock.sleep,
    pacer: createRequestPacer({ rate: config.rate, clock: clock.monotonic, epochNow: clock.now, sleep: clock.sleep }),
    redact: config.temporaryPassword === undefined ? [] : [config.temporaryPassword],
    hint: adminHint(needsPassword),
  });
  const token = await client.authenticate();
  const missing = token.scopes === undefined ? [] : missingScopes(token.scopes, needsPassword);
  if (missing.length > 0) {
    throw createManagementApiError(config.caller, {
      step: 'get token',
      userId: undefined,
      status: undefined,
      attempts: 1,
      reason: `the token does not grant ${missing.join(' and ')}`,
      serverMessage: undefined,
      gaveUp: undefined,
      requiredScopes: missing,
      hint: `grant the M2M application ${missing.join(' and ')}: ${needsPassword ? 'setting a temporary password needs update:users' : `this run needs ${ADMIN_SCOPES.metadata.join(' and ')}`}`,
    });
  }
  const selected =
    'query' in config.selection ? await searchUserIds(client, config, config.selection.query) : config.selection.userIds;
  const excluded = selected.filter((userId) => config.exclude.has(userId));
  const userIds = selected.filter((userId) => !config.exclude.has(userId));
  await config.onStart?.({ action: config.action, userIds, excluded, dryRun: config.dryRun });

  const done: DoneOutcome[] = [];
  const skipped: SkippedOutcome[] = [];
  const failed: FailedOutcome[] = [];
  let interrupted = false;
  for (const [index, userId] of userIds.entries()) {
    if (config.signal?.aborted === true) {
      interrupted = true;
      break;
    }
    const outcome = await processUser(client, config, clock, userId);
    if (outcome.status === 'done') done.push(outcome);
    else if (outcome.status === 'skipped') skipped.push(outcome);
    else failed.push(outcome);
    await config.onUser?.(outcome, { completed: index + 1, total: userIds.length });
  }
  return { action: config.action, dryRun: config.dryRun, done, skipped, failed, excluded, interrupted };
}
