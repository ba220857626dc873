import type { MetadataValue } from '../auth0/common.js';
import { formatIsoUtc } from '../internal/format-iso.js';
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

/** `2026-02-01T10:00:00.000Z`: the form Auth0 and `toISOString()` write. */
const isCanonicalIso = (value: string) => value.length === 24 && value.charCodeAt(23) === 90 /* Z */ && value.charCodeAt(10) === 84; /* T */

/**
 * Whether `changed` is a time later than `since`. Canonical ISO strings in UTC compare correctly as
 * text, which spares two date parses on a flagged user's every login; anything else is parsed.
 */
function isLater(changed: unknown, since: string): boolean | undefined {
  if (isCanonicalIso(since)) {
    if (changed === undefined || changed === null) return false;
    if (typeof changed === 'string' && isCanonicalIso(changed)) return changed > since;
  }
  const sinceTime = toTime(since);
  if (sinceTime === undefined) return undefined;
  const changedTime = toTime(changed);
  return changedTime !== undefined && changedTime > sinceTime;
}

function malformed(detail: string): GateDecision {
  return { outcome: 'deny', reason: 'malformed-event', writes: [], detail };
}

/** The outcomes that write nothing, allocated once: the gate runs on every login. */
const constant = (outcome: GateDecision['outcome'], reason: GateReason): GateDecision =>
  Object.freeze({ outcome, reason, writes: Object.freeze([]) });
const NOT_GATED = constant('allow', 'connection-not-gated');
const OBLIGATION_MET = constant('allow', 'obligation-met');
const NOT_FLAGGED = constant('allow', 'not-flagged');
const PASSWORD_SET_BEFORE_FIRST_LOGIN = constant('allow', 'password-set-before-first-login');
const FLAGGED = constant('deny', 'flagged');

/**
 * The gate's decision for one post-login event: a pure function of the event, the resolved
 * options and the current time (epoch milliseconds). It never throws; an event it cannot read is a `deny`.
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
export function decideFirstLogin(event: unknown, options: ResolvedGateOptions, now: number): GateDecision {
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
  if (!isGated) return NOT_GATED;

  if (!isRecord(user)) return malformed('event.user is missing');
  const appMetadata = user['app_metadata'] ?? {};
  if (!isRecord(appMetadata)) return malformed('event.user.app_metadata is not an object');

  const value = appMetadata[options.flag];
  const changed = user['last_password_reset'];

  if (value === false) return OBLIGATION_MET;

  if (value !== undefined && value !== null) {
    const flaggedAt = appMetadata[options.flaggedAtKey];
    const createdAt = user['created_at'];
    const measured = flaggedAt === undefined || flaggedAt === null ? createdAt : flaggedAt;
    let later = typeof measured === 'string' ? isLater(changed, measured) : undefined;
    let detail: string | undefined;
    if (later === undefined && measured !== createdAt) {
      // A <flag>At set by hand that is not a time: measure from created_at, as when it is absent (as
      // the clearer does), rather than deny until the clearer runs — or forever, if it never does.
      detail = `${options.flaggedAtKey} is not a time; measured from created_at`;
      later = typeof createdAt === 'string' ? isLater(changed, createdAt) : undefined;
    }
    if (later) {
      // The user did change the password and the clearer has not run (or failed): heal.
      const healed: GateDecision = { outcome: 'allow', reason: 'password-changed', writes: [[options.flag, false]] };
      return detail === undefined ? healed : { ...healed, detail };
    }
    if (later === undefined) detail ??= 'created_at is not a time';
    if (detail !== undefined) return { outcome: 'deny', reason: 'flagged', writes: [], detail };
    return FLAGGED;
  }

  if (!options.flagOnFirstLogin) return NOT_FLAGGED;
  const loginsCount = isRecord(stats) ? stats['logins_count'] : undefined;
  if (typeof loginsCount !== 'number') return malformed('event.stats.logins_count is missing');
  if (loginsCount !== 1) return NOT_FLAGGED;
  if (changed !== undefined && changed !== null && changed !== '') {
    return PASSWORD_SET_BEFORE_FIRST_LOGIN;
  }
  return {
    outcome: 'deny',
    reason: 'first-login',
    writes: [
      [options.flag, true],
      [options.flaggedAtKey, formatIsoUtc(now)],
    ],
  };
}
