import type { MetadataValue } from '../auth0/common.js';
import type { ResolvedGateOptions } from './options.js';

/** Why the gate decided as it did. Stable codes: they appear in the tenant logs. */
export type GateReason =
  /** Not a database connection, or not one of `options.connections`: never gated. */
  | 'connection-not-gated'
  /** The flag is `false`: the obligation was met or waived. */
  | 'obligation-met'
  /** Flagged, but the password changed after the flag was set: the gate clears the flag itself. */
  | 'password-changed'
  /** Flagged, and the password has not changed since. */
  | 'flagged'
  /** Flagged, and `<flag>At` is not a time, so the gate cannot tell whether the password changed. */
  | 'flagged-at-invalid'
  /** The first login of a user who never chose a password: the gate sets the flag. */
  | 'first-login'
  /** Not flagged, and not a login the gate flags. */
  | 'not-flagged'
  /** First login, but the user already chose a password (for example through "forgot password"). */
  | 'password-set-before-first-login'
  /** The event lacks something the decision needs: fail closed. */
  | 'malformed-event'
  /** The handler itself failed unexpectedly: fail closed. */
  | 'internal-error';

/** What the gate does with one login. Applying it is the handler's job. */
export interface GateDecision {
  outcome: 'allow' | 'deny';
  reason: GateReason;
  /** `app_metadata` writes, in order, as `[key, value]`. */
  writes: ReadonlyArray<readonly [key: string, value: MetadataValue]>;
  /** For `malformed-event`: which part of the event was wrong. */
  detail?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Milliseconds since the epoch, or `undefined` when `value` is not a readable time. */
function toTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function malformed(detail: string): GateDecision {
  return { outcome: 'deny', reason: 'malformed-event', writes: [], detail };
}

/**
 * The gate's decision for one post-login event: a pure function of the event, the resolved
 * options and the current time. It never throws; an event it cannot read is a `deny`.
 *
 * For a login on a gated connection, with `value = app_metadata[flag]`,
 * `changed = user.last_password_reset` and `since = app_metadata[<flag>At] ?? user.created_at`:
 * 1. `value === false` → allow.
 * 2. any other non-null `value` (malformed ones included: fail closed) → allow and set the flag to
 *    `false` when `changed` is later than `since`; otherwise deny.
 * 3. no `value`, `flagOnFirstLogin`, `logins_count === 1` and no `changed` → set the flag and
 *    `<flag>At`, and deny.
 * 4. otherwise allow.
 */
export function decideFirstLogin(event: unknown, options: ResolvedGateOptions, now: Date): GateDecision {
  if (!isRecord(event)) return malformed('event is not an object');
  const { connection, user, stats } = event;
  if (!isRecord(connection) || typeof connection['strategy'] !== 'string') {
    return malformed('event.connection.strategy is missing');
  }
  // Only database connections hold an Auth0 password; gating anyone else locks them out for good.
  const isGated =
    connection['strategy'] === 'auth0' &&
    (options.connections === undefined ||
      (typeof connection['name'] === 'string' && options.connections.has(connection['name'])));
  if (!isGated) return { outcome: 'allow', reason: 'connection-not-gated', writes: [] };

  if (!isRecord(user)) return malformed('event.user is missing');
  const appMetadata = user['app_metadata'] ?? {};
  if (!isRecord(appMetadata)) return malformed('event.user.app_metadata is not an object');

  const value = appMetadata[options.flag];
  const changed = user['last_password_reset'];

  if (value === false) return { outcome: 'allow', reason: 'obligation-met', writes: [] };

  if (value !== undefined && value !== null) {
    const flaggedAt = appMetadata[options.flaggedAtKey];
    const since = flaggedAt === undefined || flaggedAt === null ? toTime(user['created_at']) : toTime(flaggedAt);
    if (since === undefined) return { outcome: 'deny', reason: 'flagged-at-invalid', writes: [] };
    const changedAt = toTime(changed);
    if (changedAt !== undefined && changedAt > since) {
      // The user did change the password and the clearer has not run (or failed): heal.
      return { outcome: 'allow', reason: 'password-changed', writes: [[options.flag, false]] };
    }
    return { outcome: 'deny', reason: 'flagged', writes: [] };
  }

  if (!options.flagOnFirstLogin) return { outcome: 'allow', reason: 'not-flagged', writes: [] };
  const loginsCount = isRecord(stats) ? stats['logins_count'] : undefined;
  if (typeof loginsCount !== 'number') return malformed('event.stats.logins_count is missing');
  if (loginsCount !== 1) return { outcome: 'allow', reason: 'not-flagged', writes: [] };
  if (changed !== undefined && changed !== null && changed !== '') {
    return { outcome: 'allow', reason: 'password-set-before-first-login', writes: [] };
  }
  return {
    outcome: 'deny',
    reason: 'first-login',
    writes: [
      [options.flag, true],
      [options.flaggedAtKey, now.toISOString()],
    ],
  };
}
