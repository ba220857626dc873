import { ManagementApiError } from '../errors/management-api-error.js';
import { OptionsError } from '../errors/options-error.js';
import { openAdminSession, type AdminSession, type AdminUser } from '../management/admin-session.js';
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
  /** Waits between retries and to keep under the rate limit. */
  sleep: (ms: number) => Promise<void>;
}

export const systemClock: JobClock = {
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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

/** The clearer's and the gate's notion of "flagged": any value but absent, `null` and `false`. */
const isFlagged = (value: unknown) => value !== undefined && value !== null && value !== false;

const toIso = (ms: number) => new Date(ms).toISOString();

/**
 * `now`, or just after the last password change when that lies ahead of our clock: the gate and the
 * clearer consider the obligation met once `last_password_reset` is later than `<flag>At`, so a
 * local clock running behind Auth0's must not stamp a flag "before" the temporary password.
 */
function flaggedAtAfter(now: number, lastPasswordReset: string | undefined): string {
  const changed = Date.parse(lastPasswordReset ?? '');
  return toIso(Number.isNaN(changed) ? now : Math.max(now, changed + 1));
}

function notDatabaseUser(user: AdminUser): SkippedOutcome | undefined {
  if (user.provider === 'auth0' && user.connection !== undefined) return undefined;
  const connection = user.connection === undefined ? '' : ` (connection "${user.connection}")`;
  return {
    status: 'skipped',
    userId: user.userId,
    reason: 'not-database-user',
    detail: `primary identity is ${user.provider ?? 'unknown'}${connection}: no Auth0 password to change`,
  };
}

/**
 * Requires a password change from one database user. With a temporary password the order is what
 * keeps the obligation alive: Auth0 runs post-change-password for the password an administrator
 * sets, and the clearer (like the gate) takes a change later than `<flag>At` as the obligation
 * met. So: the password first, then the flag, stamped after `last_password_reset`.
 *
 * One race is left: for a user who is *already* flagged, the clearer triggered by the temporary
 * password may read the old, earlier `<flag>At`, decide "changed since", and write `false` after our
 * flag. (A clearer that re-checks after its write puts the flag back; 0.1.0 does not, and tenants pin
 * versions.) So such a user's `<flag>At` is first moved ahead: whenever the clearer reads, it sees
 * a flag later than the change and writes nothing.
 */
async function requireChange(
  session: AdminSession,
  config: PasswordChangeJobConfig,
  clock: JobClock,
  user: AdminUser,
  writes: string[],
): Promise<DoneOutcome> {
  const { flag, flaggedAtKey, temporaryPassword } = config;
  const planned = [...(temporaryPassword === undefined ? [] : ['password']), flag, flaggedAtKey];
  if (config.dryRun) return { status: 'done', userId: user.userId, writes: planned, dryRun: true };

  let lastChange = user.lastPasswordReset;
  if (temporaryPassword !== undefined) {
    if (isFlagged(user.appMetadata[flag])) {
      const provisional = toIso(clock.now() + PROVISIONAL_FLAG_LEAD_MS);
      await session.updateAppMetadata(user.userId, { [flag]: true, [flaggedAtKey]: provisional });
      writes.push(flag, flaggedAtKey);
    }
    // `connection` is set: notDatabaseUser ruled out users without one.
    lastChange = await session.setPassword(user.userId, temporaryPassword, user.connection as string);
    writes.push('password');
    // Auth0 answers a PATCH with the user; should `last_password_reset` be missing, read it.
    lastChange ??= (await session.readUser(user.userId)).lastPasswordReset;
  }
  const flaggedAt = flaggedAtAfter(clock.now(), lastChange);
  await session.updateAppMetadata(user.userId, { [flag]: true, [flaggedAtKey]: flaggedAt });
  return { status: 'done', userId: user.userId, writes: planned, flaggedAt, dryRun: false };
}

async function waiveChange(
  session: AdminSession,
  config: PasswordChangeJobConfig,
  user: AdminUser,
  writes: string[],
): Promise<DoneOutcome | SkippedOutcome> {
  const { flag } = config;
  if (user.appMetadata[flag] === false) {
    return { status: 'skipped', userId: user.userId, reason: 'already-waived', detail: `${flag} is already false` };
  }
  if (config.dryRun) return { status: 'done', userId: user.userId, writes: [flag], dryRun: true };
  // `false`, not a deletion: the gate reads `false` as "obligation met" and will not flag the
  // user at a first login either.
  await session.updateAppMetadata(user.userId, { [flag]: false });
  writes.push(flag);
  return { status: 'done', userId: user.userId, writes, dryRun: false };
}

async function processUser(
  session: AdminSession,
  config: PasswordChangeJobConfig,
  clock: JobClock,
  userId: string,
): Promise<UserOutcome> {
  const writes: string[] = [];
  try {
    const user = await session.readUser(userId);
    const skipped = notDatabaseUser(user);
    if (skipped !== undefined) return skipped;
    return config.action === 'require'
      ? await requireChange(session, config, clock, user, writes)
      : await waiveChange(session, config, user, writes);
  } catch (error) {
    // Without a token no user can be processed: stop the run rather than fail them one by one.
    if (!(error instanceof ManagementApiError) || error.step === 'get token') throw error;
    const failed: FailedOutcome = { status: 'failed', userId, error, writes: [...new Set(writes)] };
    return failed;
  }
}

/**
 * The users of a search, all collected before any is changed: changing them could otherwise move
 * them between pages (a query on the flag itself) and skip some.
 */
async function searchUserIds(session: AdminSession, config: PasswordChangeJobConfig, query: string): Promise<string[]> {
  const first = await session.searchUsers(query, 0, SEARCH_PAGE_SIZE);
  // Whether Auth0 reports totals past the limit is not documented: at the limit, assume more.
  if (first.total >= SEARCH_RESULT_LIMIT) {
    const narrower =
      config.action === 'require' ? `AND NOT app_metadata.${config.flag}:true` : `AND app_metadata.${config.flag}:true`;
    const expected =
      `matches ${first.total} users, and a user search returns no more than the first ${SEARCH_RESULT_LIMIT}: narrow it ` +
      `(for example add ${narrower}, and run again until it matches none), or list the user ids instead`;
    throw new OptionsError(`${config.caller}: "options.users.query" ${expected}`, [
      { code: 'too_big', path: 'options.users.query', expected },
    ]);
  }
  const userIds = [...first.userIds];
  for (let page = 1; userIds.length < first.total && page * SEARCH_PAGE_SIZE < SEARCH_RESULT_LIMIT; page += 1) {
    const next = await session.searchUsers(query, page, SEARCH_PAGE_SIZE);
    if (next.userIds.length === 0) break;
    userIds.push(...next.userIds);
  }
  return [...new Set(userIds)];
}

/**
 * Runs {@link requirePasswordChange} or {@link waivePasswordChange} with checked options: the
 * token first (wrong credentials stop the run before anything is read), then the users (a search
 * is resolved in full), then each user in turn.
 */
export async function runPasswordChangeJob(
  config: PasswordChangeJobConfig,
  clock: JobClock = systemClock,
): Promise<PasswordChangeReport> {
  const session = await openAdminSession({
    caller: config.caller,
    domain: config.domain,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    transport: config.transport,
    rate: config.rate,
    requestTimeoutMs: config.requestTimeoutMs,
    maxAttempts: config.maxAttempts,
    requestBudgetMs: REQUEST_BUDGET_MS,
    sleep: clock.sleep,
    redact: config.temporaryPassword === undefined ? [] : [config.temporaryPassword],
  });
  await session.authenticate();
  const selected =
    'query' in config.selection
      ? await searchUserIds(session, config, config.selection.query)
      : config.selection.userIds;
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
    const outcome = await processUser(session, config, clock, userId);
    if (outcome.status === 'done') done.push(outcome);
    else if (outcome.status === 'skipped') skipped.push(outcome);
    else failed.push(outcome);
    await config.onUser?.(outcome, { completed: index + 1, total: userIds.length });
  }
  return { action: config.action, dryRun: config.dryRun, done, skipped, failed, excluded, interrupted };
}
