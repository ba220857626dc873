import type { MetadataValue } from '../auth0/common.js';
import {
  changedSince,
  isFlagValue,
  isRecord,
  obligationStart,
  ownValue,
  requestedBy,
  ruleObligation,
  ruleWarning,
} from '../obligation/obligation.js';
import { isoInstantOf, toIsoInstant, type IsoInstant } from '../obligation/time.js';
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
  /** The password was last set before `passwordsSetBefore` (a tenant-wide cut-off, after a breach). */
  | 'passwords-set-before'
  /** The password is older than `maxPasswordAgeDays`. */
  | 'password-too-old'
  /** A warning: the password will be older than `maxPasswordAgeDays` within `warnDays`. */
  | 'password-expires-soon'
  /** A warning: the password predates `passwordsSetBefore`, and this user's day in `graceDays` has not come. */
  | 'passwords-set-before-grace'
  /** `exempt.passkeyLogins`: the user signed in with a passkey, no password. */
  | 'passkey-login'
  /** First login, but the user already chose a password (for example through "forgot password"). */
  | 'password-set-before-first-login'
  /** The event lacks something the decision needs, or holds something impossible: fail closed. */
  | 'malformed-event'
  /** The handler itself failed unexpectedly: fail closed. */
  | 'internal-error';

/**
 * What the gate does with one login. Applying it is the handler's job. `warn`: a rule will stop this
 * user soon (`due`); the login goes on and nothing is written for the warning.
 */
export interface GateDecision {
  outcome: 'allow' | 'warn' | 'deny';
  reason: GateReason;
  /** `app_metadata` writes, in order, as `[key, value]`. */
  writes: ReadonlyArray<readonly [key: string, value: MetadataValue]>;
  /** Which part of the event was wrong (`malformed-event`), or how a time was measured. */
  detail?: string;
  /** For a deny because of the obligation: when it began. */
  since?: IsoInstant;
  /** For a warning: when the obligation begins. */
  due?: IsoInstant;
  /** For a deny because of the flag: who required the change (`<flag>By`, as a log line shows it), when the flag says. */
  by?: string;
}

function malformed(detail: string): GateDecision {
  return { outcome: 'deny', reason: 'malformed-event', writes: [], detail };
}

const allow = (reason: GateReason): GateDecision => ({ outcome: 'allow', reason, writes: [] });

const CHANGED_NOT_A_TIME = 'event.user.last_password_reset is not a time';

/**
 * Whether the user signed in with a passkey and used no password in the session. Auth0's post-login
 * `event.authentication.methods` lists the methods completed in the session: `{ name: 'passkey' }`
 * when "a passkey was used to authenticate a database connection user as the first factor", `pwd`
 * for a password (auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-event-object).
 * A WebAuthn second factor (a `webauthn-platform` or `webauthn-roaming` authenticator) is listed as
 * `mfa`, after `pwd`: the password was used, so such a login is no passkey login.
 */
function isPasskeyLogin(authentication: unknown): boolean {
  const methods = isRecord(authentication) ? authentication['methods'] : undefined;
  if (!Array.isArray(methods)) return false;
  let passkey = false;
  for (const method of methods) {
    const name = isRecord(method) ? method['name'] : undefined;
    if (name === 'pwd') return false;
    if (name === 'passkey') passkey = true;
  }
  return passkey;
}

/** Auth0 counts the current login before the Action runs: a real count is a positive integer. */
const isLoginCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;

/**
 * The gate's decision for one post-login event: a pure function of the event, the resolved
 * options and the current time (epoch milliseconds), which it asks `now` for at most once, and only
 * when the decision depends on it (a first login, the tenant-wide rules). It never throws; an event
 * it cannot read, or one that holds something impossible, is a `deny` with reason `malformed-event`
 * and a `detail`. Each event field is read once.
 *
 * For a login on a gated connection, with `value = app_metadata[flag]` (own property only),
 * `changed = user.last_password_reset`, `since = app_metadata[<flag>At] ?? user.created_at` and
 * `set = changed ?? user.created_at`:
 * 0. with `exempt.passkeyLogins`, a passkey login without a password → allow, no write.
 * 1. a non-null `value` other than `false` (malformed ones included: fail closed) → deny, unless
 *    `changed` is later than `since`: then the flag is set to `false` (self-healing) and the rules
 *    below still apply.
 * 2. no `value`, `flagOnFirstLogin`, `logins_count === 1` and no `changed` → set the flag and
 *    `<flag>At`, and deny.
 * 3. with tenant-wide rules: `set` before `passwordsSetBefore` (from the user's deadline in the
 *    spread on), or older than `maxPasswordAgeDays` → deny, whatever `value` is; inside the grace
 *    period or the last `warnDays` → warn.
 * 4. otherwise allow (`value === false`: the obligation was met or waived).
 */
export function decideFirstLogin(event: unknown, options: ResolvedGateOptions, now: () => number): GateDecision {
  if (!isRecord(event)) return malformed('event is not an object');
  const { connection, user, stats, authentication } = event;
  if (!isRecord(connection)) return malformed('event.connection is missing');
  const { strategy, name } = connection;
  if (typeof strategy !== 'string') return malformed('event.connection.strategy is missing');
  // Only database connections hold an Auth0 password; gating anyone else locks them out for good.
  if (strategy !== 'auth0') return allow('connection-not-gated');
  if (options.connections !== undefined) {
    // The option names connections; a database login whose connection has no name cannot be
    // placed in or out of the list: fail closed.
    if (typeof name !== 'string') return malformed('event.connection.name is missing');
    if (!options.connections.has(name)) return allow('connection-not-gated');
  }
  // 0. The tenant may let a login that used no password through.
  if (options.exemptPasskeyLogins && isPasskeyLogin(authentication)) return allow('passkey-login');

  if (!isRecord(user)) return malformed('event.user is missing');
  const { app_metadata: appMetadataOrNull, last_password_reset: changed, created_at: createdAt, user_id: userId } = user;
  const appMetadata = appMetadataOrNull ?? {};
  if (!isRecord(appMetadata)) return malformed('event.user.app_metadata is not an object');
  const { keys, rules } = options;
  const value = ownValue(appMetadata, keys.flag);
  if (value === false && rules === undefined) return allow('obligation-met');

  // When the user last changed the password: `undefined` if never. A value that is there but is no
  // time fails only the decisions that need it.
  const changedAt = toIsoInstant(changed);
  const changedIsNoTime = changedAt === undefined && changed !== undefined && changed !== null;

  // What this login gets unless a rule of step 3 stops it.
  let reason: GateReason = value === false ? 'obligation-met' : 'not-flagged';
  let writes: GateDecision['writes'] = [];
  let detail: string | undefined;

  if (isFlagValue(value)) {
    // 1. The flag.
    if (changedIsNoTime) return malformed(CHANGED_NOT_A_TIME);
    const since = obligationStart(appMetadata, keys, createdAt);
    if (since.at === undefined) return malformed('event.user.created_at is not a time');
    // A <flag>At set by hand that is not a time: measured from created_at, as when it is absent (as
    // the clearer does), rather than deny until the clearer runs — or forever, if it never does.
    if (since.from === 'created-at-instead') detail = `${keys.flaggedAtKey} is not a time; measured from created_at`;
    if (!changedSince(changedAt, since.at)) {
      const flagged: GateDecision = { outcome: 'deny', reason: 'flagged', writes: [], since: since.at };
      const by = requestedBy(appMetadata, keys);
      if (by !== undefined) flagged.by = by;
      if (detail !== undefined) flagged.detail = detail;
      return flagged;
    }
    // The user did change the password and the clearer has not run (or failed): heal.
    reason = 'password-changed';
    writes = [[keys.flag, false]];
  } else if (value !== false && options.flagOnFirstLogin) {
    // 2. The first login.
    const loginsCount = isRecord(stats) ? stats['logins_count'] : undefined;
    if (!isLoginCount(loginsCount)) return malformed('event.stats.logins_count is not a positive integer');
    if (loginsCount === 1) {
      if (changedIsNoTime) return malformed(CHANGED_NOT_A_TIME);
      if (changedAt === undefined) {
        const flaggedAt = isoInstantOf(now());
        if (flaggedAt === undefined) return { outcome: 'deny', reason: 'internal-error', writes: [], detail: 'the clock does not read a time' };
        return { outcome: 'deny', reason: 'first-login', writes: [[keys.flag, true], [keys.flaggedAtKey, flaggedAt]], since: flaggedAt };
      }
      reason = 'password-set-before-first-login';
    }
  }

  // 3. The tenant-wide rules, from the event alone (no Management API request). A flag healed in
  // step 1 is cleared all the same: that obligation is met.
  if (rules !== undefined) {
    if (changedIsNoTime) return malformed(CHANGED_NOT_A_TIME);
    const setAt = changedAt ?? toIsoInstant(createdAt);
    if (setAt === undefined) return malformed('event.user.created_at is not a time');
    const at = now();
    // The user id places the user in a `graceDays` spread.
    const broken = ruleObligation(setAt, rules, at, userId);
    if (broken !== undefined) {
      return { outcome: 'deny', reason: broken.rule === 'passwords-set-before' ? 'passwords-set-before' : 'password-too-old', writes, since: broken.since };
    }
    const soon = ruleWarning(setAt, rules, at, userId);
    if (soon !== undefined) {
      return { outcome: 'warn', reason: soon.rule === 'passwords-set-before' ? 'passwords-set-before-grace' : 'password-expires-soon', writes, due: soon.due };
    }
  }

  // 4. Nothing stops this login.
  return { outcome: 'allow', reason, writes, ...(detail === undefined ? {} : { detail }) };
}
