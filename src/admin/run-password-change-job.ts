import { ManagementApiError } from '../errors/management-api-error.js';
import { OptionsError } from '../errors/options-error.js';
import { createManagementApiError, type FailureHint } from '../management/management-api-failure.js';
import type { ManagementClient, UserSnapshot } from '../management/management-client.js';
import {
  ADMIN_FLAG_MARGIN_MS,
  changedSince,
  isFlagValue,
  isRecord,
  obligationStart,
  ownValue,
  standingWaiver,
  type ObligationKeys,
} from '../obligation/obligation.js';
import { formatIsoTime, parseIsoTime, toIsoInstant } from '../obligation/time.js';
import type { ExportedUser } from './exported-user.js';
import { isUserId } from './options.js';
import type { JobSelection, PasswordChangeJobConfig } from './job-config.js';
import { authenticate, openAdminClient, scopesOf, systemClock, type AdminClient, type JobClock } from './open-admin-client.js';
import type {
  DoneOutcome,
  FailedOutcome,
  PasswordChangeReport,
  PasswordChangeRunStart,
  SkippedOutcome,
  UserOutcome,
} from './report.js';
import { exportSettings, exportUsers, type UsersExportFile } from './users-export.js';

export { systemClock, type JobClock } from './open-admin-client.js';

/** Auth0 returns at most the first 1000 users of a search (100 per page). */
export const SEARCH_RESULT_LIMIT = 1000;
const SEARCH_PAGE_SIZE = 100;
/**
 * When a user who is already flagged gets a temporary password, `<flag>At` is first moved this far
 * ahead (see {@link requireChange}). Should the run stop right there, the user stays flagged and a
 * password change within this window does not count — a bounded nuisance, and a re-run fixes it.
 */
export const PROVISIONAL_FLAG_LEAD_MS: number = 15 * 60 * 1000;
/** A `last_password_reset` this far ahead of our clock is not believed: the user fails instead. */
const MAX_CLOCK_LEAD_MS = 24 * 60 * 60 * 1000;
/** What an outcome's `writes` says when the user's sessions and refresh tokens were revoked. */
export const SESSIONS_WRITE = 'sessions';
/**
 * The user id whose sessions a run with `revokeSessions` revokes before its first user, to learn
 * whether the tenant's plan allows it: no user has it (Auth0's ids are `auth0|` and 24 hex digits).
 */
export const REVOKE_CHECK_USER_ID = 'auth0|auth0-force-password-reset-check';

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
  const planned = [
    ...(temporaryPassword === undefined ? [] : ['password']),
    keys.flag,
    keys.flaggedAtKey,
    ...(config.revokeSessions ? [SESSIONS_WRITE] : []),
  ];
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
  if (config.revokeSessions) {
    writes.push(keys.flag, keys.flaggedAtKey);
    // After the flag, not before: a sign-in in between then meets the obligation and gets no new
    // session to keep (the other way round, one could slip in and outlive the revocation).
    await client.revokeAccess(user.userId);
  }
  return { status: 'done', userId: user.userId, writes: planned, flaggedAt, dryRun: false };
}

/** A user whose obligation already stands, with `revokeSessions`: their sessions are ended, nothing else. */
async function revokeOnly(client: ManagementClient, config: PasswordChangeJobConfig, user: UserSnapshot): Promise<DoneOutcome> {
  if (!config.dryRun) await client.revokeAccess(user.userId);
  return { status: 'done', userId: user.userId, writes: [SESSIONS_WRITE], dryRun: config.dryRun };
}

async function waiveChange(
  client: ManagementClient,
  config: PasswordChangeJobConfig,
  clock: JobClock,
  user: UserSnapshot,
  writes: string[],
): Promise<DoneOutcome | SkippedOutcome> {
  const { flag, waivedAtKey } = config.keys;
  if (ownValue(user.appMetadata, flag) === false) {
    return { status: 'skipped', userId: user.userId, reason: 'already-waived', detail: `${flag} is already false` };
  }
  if (config.dryRun) return { status: 'done', userId: user.userId, writes: [flag, waivedAtKey], dryRun: true };
  // `false`, not a deletion: the gate reads `false` as "obligation met" and will not flag the
  // user at a first login either. `<flag>WaivedAt` tells a later require-change that an
  // administrator decided this (see `skipWaivedSince`), and when.
  await client.updateAppMetadata(user.userId, { [flag]: false, [waivedAtKey]: formatIsoTime(clock.now()) });
  writes.push(flag, waivedAtKey);
  return { status: 'done', userId: user.userId, writes, dryRun: false };
}

/** A user whose standing waiver is at or after `skipWaivedSince`: left alone. */
function waivedSince(user: UserSnapshot, config: PasswordChangeJobConfig): SkippedOutcome | undefined {
  if (config.skipWaivedSince === undefined) return undefined;
  const waivedAt = standingWaiver(user.appMetadata, config.keys);
  if (waivedAt === undefined || waivedAt < config.skipWaivedSince) return undefined;
  return {
    status: 'skipped',
    userId: user.userId,
    reason: 'waived',
    detail: `${config.keys.flag} was waived at ${waivedAt}, after --skip-waived-since ${config.skipWaivedSince}`,
  };
}

/**
 * Whether an obligation stands that a write would only restate: the user is flagged, and the
 * password has not changed since the obligation began (by the gate's own rule). A flag whose start
 * is no time at all does not count: a write repairs it.
 */
function obligationStands(user: UserSnapshot, keys: ObligationKeys): boolean {
  if (!isFlagValue(ownValue(user.appMetadata, keys.flag))) return false;
  const since = obligationStart(user.appMetadata, keys, user.createdAt);
  return since.at !== undefined && !changedSince(toIsoInstant(user.lastPasswordReset), since.at);
}

/** What the run does to one user whose record it has — read now, or from the export. */
async function actOn(
  client: ManagementClient,
  config: PasswordChangeJobConfig,
  clock: JobClock,
  user: UserSnapshot,
  writes: string[],
): Promise<UserOutcome> {
  const skipped = notDatabaseUser(user);
  if (skipped !== undefined) return skipped;
  if (config.action === 'waive') return waiveChange(client, config, clock, user, writes);
  const waived = waivedSince(user, config);
  if (waived !== undefined) return waived;
  // With a temporary password the user gets a new obligation after it, flagged or not.
  if (config.temporaryPassword === undefined && obligationStands(user, config.keys)) {
    if (config.revokeSessions) return revokeOnly(client, config, user);
    const { flag, flaggedAtKey } = config.keys;
    const since = ownValue(user.appMetadata, flaggedAtKey);
    const detail = `${flag} is set${typeof since === 'string' && parseIsoTime(since) !== undefined ? ` since ${since}` : ''} and the password has not changed since`;
    return { status: 'skipped', userId: user.userId, reason: 'already-required', detail };
  }
  const outcome = await requireChange(client, config, clock, user, writes);
  // An administrator's waiver, overridden: said, so that it is never done silently.
  const waivedAt = standingWaiver(user.appMetadata, config.keys);
  return outcome.status === 'done' && waivedAt !== undefined ? { ...outcome, waivedAt } : outcome;
}

/** The failed outcome of a user whose request failed for good; what stops the run is thrown. */
function failedOutcome(error: unknown, userId: string, writes: readonly string[]): FailedOutcome {
  // Without a token no user can be processed, and a tenant that cannot be reached no other user
  // either: stop the run rather than fail them one by one.
  if (!(error instanceof ManagementApiError) || error.step === 'get token' || error.unreachable !== undefined) throw error;
  // A refused revocation (a plan without it, a scope taken away) would be refused for every user.
  if (error.step === 'revoke sessions' && error.status === 403) throw error;
  return { status: 'failed', userId, error, writes: [...new Set(writes)] };
}

/** Told, in a dry run, of the requests a real run would make for each user. */
type PlanRequests = (requests: number) => void;

/** Reads a user, then acts on what the read says. */
async function processUser(
  client: ManagementClient,
  config: PasswordChangeJobConfig,
  clock: JobClock,
  userId: string,
  plan: PlanRequests,
): Promise<UserOutcome> {
  const writes: string[] = [];
  let user: UserSnapshot;
  try {
    user = await client.readUser(userId, ['identities', 'app_metadata', 'last_password_reset', 'created_at']);
  } catch (error) {
    plan(1);
    return failedOutcome(error, userId, writes);
  }
  plan(1 + requestsAfterRead(config, user));
  try {
    return await actOn(client, config, clock, user, writes);
  } catch (error) {
    return failedOutcome(error, userId, writes);
  }
}

/** A user as the export has it, in the shape of a read. */
const snapshotOf = (user: ExportedUser): UserSnapshot => ({
  userId: user.userId,
  appMetadata: user.appMetadata,
  createdAt: user.createdAt,
  lastPasswordReset: user.lastPasswordReset,
  identities: [{ provider: user.provider, connection: user.connection }],
});

/**
 * What the run does to a user of the export. The export holds what the decision needs, so a user
 * who needs no temporary password costs one write, or none. A temporary password is different:
 * whether the user is flagged *now* decides the order of its writes (see {@link requireChange}),
 * and the flag may have changed since the export — so that user is read again first.
 */
async function processExported(
  client: ManagementClient,
  config: PasswordChangeJobConfig,
  clock: JobClock,
  exported: ExportedUser,
  plan: PlanRequests,
): Promise<UserOutcome> {
  const user = snapshotOf(exported);
  const needsRead = config.action === 'require' && config.temporaryPassword !== undefined && !config.dryRun;
  if (needsRead) return notDatabaseUser(user) ?? processUser(client, config, clock, user.userId, plan);
  plan(requestsForExported(config, exported));
  const writes: string[] = [];
  try {
    return await actOn(client, config, clock, user, writes);
  } catch (error) {
    return failedOutcome(error, user.userId, writes);
  }
}

/**
 * The Management API requests a real run makes for a user, from what is known of it — a read, or
 * the export — the read itself aside; retries aside. The dry run's estimate and an export's
 * expected count both come from here.
 */
function requestsAfterRead(config: PasswordChangeJobConfig, user: UserSnapshot): number {
  if (notDatabaseUser(user) !== undefined) return 0;
  if (config.action === 'waive') return ownValue(user.appMetadata, config.keys.flag) === false ? 0 : 1;
  if (waivedSince(user, config) !== undefined) return 0;
  const revoke = config.revokeSessions ? 1 : 0;
  if (config.temporaryPassword === undefined) return (obligationStands(user, config.keys) ? 0 : 1) + revoke;
  // The password and the flag — and first a provisional flag for a flagged user.
  return (isFlagValue(ownValue(user.appMetadata, config.keys.flag)) ? 3 : 2) + revoke;
}

/** The same for a user of the export: with a temporary password, a database user is read again first. */
function requestsForExported(config: PasswordChangeJobConfig, exported: ExportedUser): number {
  const user = snapshotOf(exported);
  const readFirst = config.action === 'require' && config.temporaryPassword !== undefined && notDatabaseUser(user) === undefined;
  return (readFirst ? 1 : 0) + requestsAfterRead(config, user);
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
      `matches ${first.total} users, and a user search returns no more than the first ${SEARCH_RESULT_LIMIT}: select them ` +
      `through a users export instead (users: { all: true } or { connection: "<name>" }; on the command line, --all or ` +
      `--connection <name>), or narrow the query (for example add ${narrower})`;
    throw new OptionsError(config.caller, [{ code: 'too_big', path: 'options.users.query', expected }]);
  }
  const userIds = [...first.userIds];
  for (let page = 1; userIds.length < first.total && page * SEARCH_PAGE_SIZE < SEARCH_RESULT_LIMIT; page += 1) {
    const next = await client.searchUsers(query, page, SEARCH_PAGE_SIZE);
    if (next.userIds.length === 0) break;
    userIds.push(...next.userIds);
  }
  // Checked as ids are everywhere else, before anyone is changed; never repeated (it may be hostile).
  const malformed = userIds.findIndex((userId) => !isUserId(userId));
  if (malformed !== -1) {
    throw createManagementApiError(config.caller, {
      step: 'search users',
      userId: undefined,
      status: undefined,
      attempts: 1,
      reason: `malformed answer: result ${malformed + 1} has a user_id that is not a user id (not shown)`,
      serverMessage: undefined,
      gaveUp: undefined,
      requiredScopes: undefined,
      hint: 'no user was changed; check the users the query matches',
    });
  }
  return [...new Set(userIds)];
}

/** Auth0 on a plan without session management: what remains, in the hint. */
const REVOKE_NOT_ON_PLAN =
  'Auth0 lets the Management API revoke sessions on Enterprise plans only ("Manage user sessions with the Management API"): run again without revokeSessions (--revoke-sessions); the sessions then last, but the gate refuses refresh-token exchanges while the flag is set';

const adminHint = (needs: readonly string[]): FailureHint => (failure) => {
  if (failure.step === 'revoke sessions' && failure.status === 403 && failure.requiredScopes === undefined) return REVOKE_NOT_ON_PLAN;
  if (failure.status === 403 && failure.step !== 'get token') {
    const missing = failure.requiredScopes === undefined ? 'the scope it names' : `the ${failure.requiredScopes.join(' or ')} scope`;
    return `grant the M2M application ${missing}: this run needs ${needs.join(' and ')}`;
  }
  if (failure.status === 429) return "the tenant's rate limit: run again later, or with a lower rate";
  if (failure.step === 'search users' && failure.status === 400) return 'check the query (Lucene syntax, user search v3)';
  return undefined;
};

/** What a pass over the users needs to know before the first one is touched. */
interface ExportSurvey {
  readonly total: number;
  readonly excludedCount: number;
  readonly requestsExpected: number;
  readonly waiversToOverride: PasswordChangeRunStart['waiversToOverride'];
}

/** Whether a user of the export is one the run selected. */
const inSelection = (selection: Extract<JobSelection, { kind: 'export' }>, user: ExportedUser) =>
  selection.connection === undefined || user.connection === selection.connection;

/**
 * Reads the export once before acting, without a request: every line is checked (a malformed file
 * stops the run before anyone is changed), the users counted, and a connection no user belongs to
 * refused — most likely a typo, which would otherwise end as a run over nobody.
 */
async function surveyExport(file: UsersExportFile, config: PasswordChangeJobConfig, selection: Extract<JobSelection, { kind: 'export' }>): Promise<ExportSurvey> {
  let total = 0;
  let excludedCount = 0;
  let requestsExpected = 0;
  const waivers = { count: 0, latestAt: undefined as string | undefined };
  const connections = new Set<string>();
  for await (const user of file.users()) {
    // A tenant has few connections; the set is bounded so that a malformed file cannot grow it.
    if (user.connection !== undefined && connections.size < 50) connections.add(user.connection);
    if (!inSelection(selection, user)) continue;
    if (config.exclude.has(user.userId)) {
      excludedCount += 1;
      continue;
    }
    total += 1;
    if (!config.dryRun) requestsExpected += requestsForExported(config, user);
    const snapshot = snapshotOf(user);
    const waivedAt = config.action === 'require' && notDatabaseUser(snapshot) === undefined && waivedSince(snapshot, config) === undefined ? standingWaiver(user.appMetadata, config.keys) : undefined;
    if (waivedAt !== undefined) {
      waivers.count += 1;
      if (waivers.latestAt === undefined || waivedAt > waivers.latestAt) waivers.latestAt = waivedAt;
    }
  }
  if (selection.connection !== undefined && total + excludedCount === 0) {
    const known = [...connections].sort().map((name) => `"${name}"`).join(', ');
    const expected = `names a connection no user of the tenant belongs to${known === '' ? ' (the export has no users)' : `; the users' connections are ${known}`}`;
    throw new OptionsError(config.caller, [{ code: 'invalid_value', path: 'options.users.connection', expected }]);
  }
  return { total, excludedCount, requestsExpected, waiversToOverride: config.action === 'require' ? waivers : undefined };
}

/** The users one at a time, and what became of them. */
interface UserPass {
  readonly source: PasswordChangeReport['source'];
  readonly total: number;
  /** Whether done and skipped users are listed (ids and searches) or only counted (an export). */
  readonly listed: boolean;
  readonly users: AsyncIterable<string | ExportedUser> | Iterable<string | ExportedUser>;
  readonly excluded: readonly string[];
  readonly excludedCount: number;
  /** Requests made before the first user on the users' behalf: the check that sessions can be revoked. */
  readonly checkRequests: number;
}

/**
 * Each user in turn — up to `concurrency` of them in flight at once, so that requests that take a
 * while (a tenant 100 ms away) still reach `rate`, which the pacer keeps to whatever the number.
 * `onUser` is called as each user finishes, in that order, without waiting for the previous call:
 * a recorder can then write the outcomes of users who finish together in one flush. A user's place
 * is given to another only once its `onUser` has settled, so at most `concurrency` users are ever in
 * flight or being recorded. A failure that stops the run (no token, a tenant that cannot be
 * reached, an `onUser` that throws) lets the users in flight finish, then is thrown.
 */
async function runPass(admin: AdminClient, config: PasswordChangeJobConfig, clock: JobClock, pass: UserPass): Promise<PasswordChangeReport> {
  const done: DoneOutcome[] = [];
  const skipped: SkippedOutcome[] = [];
  const failed: FailedOutcome[] = [];
  const counts = { done: 0, skipped: 0, failed: 0, excluded: pass.excludedCount };
  let overriddenWaivers = 0;
  // A dry run adds up what a real run would make: the check, then each user's requests.
  let plannedRequests = pass.checkRequests;
  const plan: PlanRequests = (requests) => {
    plannedRequests += requests;
  };
  const firstRequest = admin.requests();
  let interrupted = false;
  let stopped: { readonly error: unknown } | undefined;
  const running = new Set<Promise<void>>();

  const record = async (outcome: UserOutcome) => {
    counts[outcome.status] += 1;
    if (outcome.status === 'done' && outcome.waivedAt !== undefined) overriddenWaivers += 1;
    if (outcome.status === 'failed') failed.push(outcome);
    else if (pass.listed && outcome.status === 'done') done.push(outcome);
    else if (pass.listed && outcome.status === 'skipped') skipped.push(outcome);
    const completed = counts.done + counts.skipped + counts.failed;
    await config.onUser?.(outcome, { completed, total: pass.total, requests: admin.requests() - firstRequest });
  };

  for await (const user of pass.users) {
    if (stopped !== undefined) break;
    if (config.signal?.aborted === true) {
      interrupted = true;
      break;
    }
    const task: Promise<void> = (async () => {
      const outcome =
        typeof user === 'string'
          ? await processUser(admin.client, config, clock, user, plan)
          : await processExported(admin.client, config, clock, user, plan);
      // Not chained to the previous user's record: each waited for its own flush in turn, which
      // held a run to one user per fsync.
      await record(outcome);
    })()
      .catch((error: unknown) => {
        stopped ??= { error };
      })
      .finally(() => running.delete(task));
    running.add(task);
    if (running.size >= config.concurrency) await Promise.race(running);
  }
  await Promise.all(running);
  if (stopped !== undefined) throw stopped.error;
  return {
    action: config.action,
    source: pass.source,
    dryRun: config.dryRun,
    counts,
    done,
    skipped,
    failed,
    excluded: pass.excluded,
    overriddenWaivers,
    requests: pass.checkRequests + admin.requests() - firstRequest,
    plannedRequests: config.dryRun ? plannedRequests : undefined,
    interrupted,
  };
}

/**
 * Learns, before the first user, whether the tenant lets this run revoke sessions: asks Auth0 to
 * revoke those of {@link REVOKE_CHECK_USER_ID}, which no user has. Accepted (202), or refused as
 * an unknown user (404): go on. Refused otherwise — a plan without session management (403), a
 * scope missing — the run stops here, before it has changed anyone.
 *
 * @throws ManagementApiError (step `revoke sessions`, no user)
 */
async function checkRevokeSessions(client: ManagementClient, config: PasswordChangeJobConfig): Promise<void> {
  try {
    await client.revokeAccess(REVOKE_CHECK_USER_ID);
  } catch (error) {
    if (!(error instanceof ManagementApiError) || error.step !== 'revoke sessions') throw error;
    if (error.status === 404) return;
    // Said of no user: the id is the check's own.
    const { status, attempts, reason, serverMessage, gaveUp, requiredScopes, hint, unreachable } = error;
    throw createManagementApiError(config.caller, {
      step: 'revoke sessions',
      userId: undefined,
      status,
      attempts,
      reason,
      serverMessage,
      gaveUp,
      requiredScopes,
      hint,
      ...(unreachable === undefined ? {} : { unreachable }),
    });
  }
}

/** The export's users that the run selected and `exclude` does not name, read as the run goes. */
async function* selectedUsers(file: UsersExportFile, config: PasswordChangeJobConfig, selection: Extract<JobSelection, { kind: 'export' }>): AsyncGenerator<ExportedUser> {
  for await (const user of file.users()) {
    if (inSelection(selection, user) && !config.exclude.has(user.userId)) yield user;
  }
}

/**
 * Runs {@link requirePasswordChange} or {@link waivePasswordChange} with checked options: the
 * token first (wrong credentials, or a grant without the scopes the run needs, stop the run before
 * anything is read), then the users (a search is resolved in full; an export is downloaded and
 * read once through), then each user in turn.
 */
export async function runPasswordChangeJob(
  config: PasswordChangeJobConfig,
  clock: JobClock = systemClock,
): Promise<PasswordChangeReport> {
  const needs = config.action === 'require' && config.temporaryPassword !== undefined && !config.dryRun ? 'password' : 'metadata';
  const admin = await openAdminClient(config, clock, {
    redact: config.temporaryPassword === undefined ? [] : [config.temporaryPassword],
    hint: adminHint(scopesOf(needs, config.revokeSessions)),
  });
  await authenticate(admin, config.caller, needs, config.revokeSessions);
  const beforeCheck = admin.requests();
  // A dry run checks too: it writes nothing (no user has the id), and says now what the real run would meet.
  if (config.revokeSessions) await checkRevokeSessions(admin.client, config);
  const checkRequests = admin.requests() - beforeCheck;
  const { selection } = config;
  const start = { action: config.action, dryRun: config.dryRun } as const;

  if (selection.kind !== 'export') {
    const selected = selection.kind === 'query' ? await searchUserIds(admin.client, config, selection.query) : selection.userIds;
    const excluded = selected.filter((userId) => config.exclude.has(userId));
    const userIds = selected.filter((userId) => !config.exclude.has(userId));
    const source = selection.kind;
    await config.onStart?.({ ...start, source, total: userIds.length, excludedCount: excluded.length, userIds, excluded, requestsExpected: undefined, waiversToOverride: undefined });
    return runPass(admin, config, clock, { source, total: userIds.length, listed: true, users: userIds, excluded, excludedCount: excluded.length, checkRequests });
  }

  const file = await exportUsers(exportSettings(config, admin.client, clock));
  if (file === undefined) {
    const counts = { done: 0, skipped: 0, failed: 0, excluded: 0 };
    return {
      action: config.action,
      source: 'export',
      dryRun: config.dryRun,
      counts,
      done: [],
      skipped: [],
      failed: [],
      excluded: [],
      overriddenWaivers: 0,
      requests: checkRequests,
      plannedRequests: config.dryRun ? checkRequests : undefined,
      interrupted: true,
    };
  }
  try {
    const survey = await surveyExport(file, config, selection);
    await config.onStart?.({ ...start, source: 'export', ...survey, userIds: [], excluded: [] });
    const users = selectedUsers(file, config, selection);
    return await runPass(admin, config, clock, { source: 'export', total: survey.total, listed: false, users, excluded: [], excludedCount: survey.excludedCount, checkRequests });
  } finally {
    await file.remove();
  }
}
