import { OptionsError } from '../errors/options-error.js';
import type { FailureHint } from '../management/management-api-failure.js';
import {
  changedSince,
  isFlagValue,
  obligationStart,
  ownValue,
  passwordSetAt,
  ruleObligation,
  type ObligationKeys,
  type TenantWideRules,
} from '../obligation/obligation.js';
import { formatIsoTime, toIsoInstant } from '../obligation/time.js';
import type { ExportedUser } from './exported-user.js';
import { resolveStatusConfig, type StatusConfig } from './job-config.js';
import { authenticate, openAdminClient, systemClock, type JobClock } from './open-admin-client.js';
import type { PasswordChangeStatusOptions } from './options.js';
import { exportSettings, exportUsers } from './users-export.js';

/** The numbers of one database connection (or of all of them: {@link PasswordChangeStatus.total}). */
export interface PasswordStatusCounts {
  /** Users of the connection (all of them: only database users have a password). */
  readonly databaseUsers: number;
  /** Users whose flag is set (anything but absent, `null` and `false`, as the gate reads it). */
  readonly flagged: number;
  /**
   * Of the flagged, those who changed their password after the obligation began: the gate lets them
   * in and clears the flag; the clearer missed them (it failed, or is not deployed).
   */
  readonly flaggedChangedSince: number;
  /** Of the flagged, those who have not changed it since: the flag stops them. */
  readonly stoppedByFlag: number;
  /** Users whose flag is `false`: the obligation was met (and cleared) or waived. */
  readonly flagFalse: number;
  /**
   * Users the tenant-wide rules (`passwordsSetBefore` once its instant has come, `maxPasswordAgeDays`)
   * stop today, by the gate's own rule.
   */
  readonly stoppedByRules: number;
  /** Users stopped today by the flag, the rules, or both. */
  readonly stopped: number;
}

/** {@link PasswordStatusCounts} of one database connection. */
export interface ConnectionPasswordStatus extends PasswordStatusCounts {
  readonly connection: string;
}

/** What {@link passwordChangeStatus} resolves to. */
export interface PasswordChangeStatus {
  readonly domain: string;
  readonly flag: string;
  /** When the numbers hold: the end of the export's read, ISO 8601 — "today" for the rules. */
  readonly at: string;
  /** The rules evaluated, as given. */
  readonly rules: { readonly passwordsSetBefore?: string; readonly maxPasswordAgeDays?: number };
  /** The connection asked about, if one was. */
  readonly connection: string | undefined;
  /** Each database connection with users, by name. */
  readonly connections: readonly ConnectionPasswordStatus[];
  /** The sums over {@link PasswordChangeStatus.connections}. */
  readonly total: PasswordStatusCounts;
  /** Users of social, enterprise and passwordless connections: no Auth0 password, never stopped. */
  readonly otherUsers: number;
  /** The users-export job the numbers come from. */
  readonly jobId: string;
}

type MutableCounts = { -readonly [Key in keyof PasswordStatusCounts]: number };

const emptyCounts = (): MutableCounts => ({
  databaseUsers: 0,
  flagged: 0,
  flaggedChangedSince: 0,
  stoppedByFlag: 0,
  flagFalse: 0,
  stoppedByRules: 0,
  stopped: 0,
});

/**
 * Whether the tenant-wide rules stop a database user at `now`, as the gate decides it: the password
 * set (`last_password_reset`, else `created_at`) before the cut-off once that has come, or too long
 * ago. A time that is not one stops the user, as the gate denies a malformed event.
 */
function stoppedByRules(user: ExportedUser, rules: TenantWideRules | undefined, now: number): boolean {
  if (rules === undefined) return false;
  const setAt = passwordSetAt(user.lastPasswordReset, user.createdAt);
  return setAt === undefined || ruleObligation(setAt, rules, now) !== undefined;
}

/** Adds one database user to `counts`: the gate's reading of the flag, and the rules at `now`. */
function count(counts: MutableCounts, user: ExportedUser, keys: ObligationKeys, rules: TenantWideRules | undefined, now: number): void {
  counts.databaseUsers += 1;
  const value = ownValue(user.appMetadata, keys.flag);
  let stoppedByFlag = false;
  if (value === false) counts.flagFalse += 1;
  else if (isFlagValue(value)) {
    counts.flagged += 1;
    const since = obligationStart(user.appMetadata, keys, user.createdAt).at;
    // No start to measure from: the gate denies (a malformed event), so the flag stops the user.
    if (since !== undefined && changedSince(toIsoInstant(user.lastPasswordReset), since)) counts.flaggedChangedSince += 1;
    else stoppedByFlag = true;
  }
  const byRules = stoppedByRules(user, rules, now);
  if (stoppedByFlag) counts.stoppedByFlag += 1;
  if (byRules) counts.stoppedByRules += 1;
  if (stoppedByFlag || byRules) counts.stopped += 1;
}

const statusHint: FailureHint = (failure) => {
  if (failure.status === 403 && failure.step !== 'get token') return 'grant the M2M application read:users: a status needs nothing else';
  if (failure.status === 429) return "the tenant's rate limit: run again later, or with a lower rate";
  return undefined;
};

/** {@link passwordChangeStatus} with checked options and an injectable clock. */
export async function runPasswordChangeStatus(config: StatusConfig, clock: JobClock = systemClock): Promise<PasswordChangeStatus> {
  const admin = await openAdminClient(config, clock, { redact: [], hint: statusHint });
  await authenticate(admin, config.caller, 'status');
  const file = await exportUsers(exportSettings(config, admin.client, clock));
  // Aborted while the job ran: there is no status to give, as `fetch` gives no response.
  if (file === undefined) throw config.signal?.reason ?? new Error('aborted');
  const byConnection = new Map<string, MutableCounts>();
  let otherUsers = 0;
  // One "today" for every user: the numbers must add up.
  const now = clock.now();
  try {
    for await (const user of file.users()) {
      if (config.connection !== undefined && user.connection !== config.connection) continue;
      if (user.provider !== 'auth0' || user.connection === undefined) {
        otherUsers += 1;
        continue;
      }
      let counts = byConnection.get(user.connection);
      if (counts === undefined) {
        counts = emptyCounts();
        byConnection.set(user.connection, counts);
      }
      count(counts, user, config.keys, config.rules, now);
    }
  } finally {
    await file.remove();
  }
  if (config.connection !== undefined && otherUsers === 0 && byConnection.size === 0) {
    const expected = 'names a connection no user of the tenant belongs to';
    throw new OptionsError(config.caller, [{ code: 'invalid_value', path: 'options.connection', expected }]);
  }
  const connections = [...byConnection].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([connection, counts]) => ({ connection, ...counts }));
  const total = emptyCounts();
  for (const counts of connections) for (const key of Object.keys(total) as (keyof MutableCounts)[]) total[key] += counts[key];
  return {
    domain: config.domain.host,
    flag: config.keys.flag,
    at: formatIsoTime(now) ?? new Date(now).toISOString(),
    rules: config.policyOptions,
    connection: config.connection,
    connections,
    total,
    otherUsers,
    jobId: file.jobId,
  };
}

/**
 * Where a password-change campaign stands, from a users export (any number of users; one export
 * job, a few requests): per database connection, how many users there are, how many are flagged,
 * how many of those changed their password since, and how many the gate stops today — by the flag
 * and by the tenant-wide rules you give (`passwordsSetBefore`, `maxPasswordAgeDays`: ask "what would
 * these rules do" before deploying them). Reads only: the M2M application needs `read:users`.
 *
 * @throws OptionsError before any request when an option is wrong.
 * @throws ManagementApiError when no token can be had, or the export fails or does not finish in time.
 * @throws the `signal`'s reason when it aborts the wait for the export.
 *
 * @example
 * ```js
 * import { passwordChangeStatus } from 'auth0-force-password-reset/admin';
 *
 * const status = await passwordChangeStatus({
 *   domain: 'acme.eu.auth0.com',
 *   clientId: process.env.AUTH0_CLIENT_ID,
 *   clientSecret: process.env.AUTH0_CLIENT_SECRET,
 *   passwordsSetBefore: '2026-03-01T00:00:00Z',
 * });
 * console.log(status.total.stoppedByRules, 'users still have a password set before the breach');
 * ```
 */
export async function passwordChangeStatus(options: PasswordChangeStatusOptions): Promise<PasswordChangeStatus> {
  return runPasswordChangeStatus(resolveStatusConfig(options));
}
