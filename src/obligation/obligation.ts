import { isoInstantOf, toIsoInstant, type IsoInstant } from './time.js';

/**
 * The one definition of the obligation "change your password at the next sign-in": where it is
 * kept, what counts as set, and when a password change meets it. The gate, the clearer and the
 * administrator tools all decide through this module.
 */

/** The `app_metadata` key holding the obligation unless an option names another. */
export const DEFAULT_FLAG = 'needsPasswordReset';

/** The `app_metadata` keys of one obligation. */
export interface ObligationKeys {
  /** The flag itself. */
  readonly flag: string;
  /** `<flag>At`: when the obligation began, ISO 8601. */
  readonly flaggedAtKey: string;
  /** `<flag>EmailedAt`: when the gate last had Auth0 email the user a reset link, ISO 8601. */
  readonly emailedAtKey: string;
  /**
   * `<flag>By`: who required the change, written beside `<flag>At` by whoever sets the flag — the
   * administrator tool writes it; a flag set by hand may lack it. A short text naming a person or
   * a program (for example the operator and the M2M application's client id), at most 64 characters,
   * no control characters, never a secret. Optional: the gate decides without it, a flag without it
   * binds all the same, and the clearer leaves it in place (like `<flag>At`, it describes the
   * obligation that was met). The gate's log line shows it as `by` ({@link requestedBy}).
   */
  readonly byKey: string;
  /** `<flag>WaivedAt`: when an administrator last waived the obligation (set the flag to `false`), ISO 8601. */
  readonly waivedAtKey: string;
}

/** The flag and its companion keys. */
export function obligationKeys(flag: string): ObligationKeys {
  return { flag, flaggedAtKey: `${flag}At`, emailedAtKey: `${flag}EmailedAt`, byKey: `${flag}By`, waivedAtKey: `${flag}WaivedAt` };
}

/** `Object.prototype`'s members: a flag of that name would be read through the prototype chain. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__']);

/**
 * Why `flag` cannot name an obligation, or `undefined` when it can. Auth0 refuses metadata keys with
 * `.` or `$`; a member of `Object.prototype` (`constructor`, `toString`, `__proto__`, …), for the
 * flag or a companion key, would make every user without the key look flagged to careless code.
 */
export function flagNameProblem(flag: string): string | undefined {
  if (flag.length === 0) return 'must be a non-empty string';
  if (/[.$]/.test(flag)) return 'must not contain "." or "$"';
  const { flaggedAtKey, emailedAtKey, byKey, waivedAtKey } = obligationKeys(flag);
  if (PROTOTYPE_NAMES.has(flag)) return 'must not be a name JavaScript objects already have';
  for (const key of [flaggedAtKey, emailedAtKey, byKey, waivedAtKey]) {
    if (PROTOTYPE_NAMES.has(key)) return `must not make a companion key JavaScript objects already have ("${key}")`;
  }
  return undefined;
}

/** Whether `value` is a plain record (an object, not an array, not null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `record[key]` when `record` has it as its own property, else `undefined`: a key inherited from a
 * (possibly polluted) prototype never counts as a flag, nor as `false`.
 */
export function ownValue(record: unknown, key: string): unknown {
  if (!isRecord(record)) return undefined;
  // A plain read first: most records lack the key, and Object.hasOwn costs more than the read.
  const value = record[key];
  return value !== undefined && Object.hasOwn(record, key) ? value : undefined;
}

/**
 * Whether a flag's value sets the obligation: anything but absent, `null` and `false`. A malformed
 * value (`"yes"`, `1`, `{}`) counts as set: fail closed.
 */
export const isFlagValue = (value: unknown): boolean => value !== undefined && value !== null && value !== false;

/** When an obligation began, and what it was measured from. */
export interface ObligationStart {
  /** `undefined` when neither `<flag>At` nor `created_at` is a time. */
  readonly at: IsoInstant | undefined;
  /**
   * `flagged-at` when `<flag>At` is a time; `created-at` when it is absent; `created-at-instead`
   * when it is present but not a time (set by hand, wrongly), so measured from `created_at`.
   */
  readonly from: 'flagged-at' | 'created-at' | 'created-at-instead';
}

/**
 * When the obligation began: `<flag>At` when it is a time, otherwise the user's `created_at` — an
 * obligation cannot predate the user, and a `<flag>At` set wrongly by hand must not lock anyone out.
 */
export function obligationStart(appMetadata: unknown, keys: ObligationKeys, createdAt: unknown): ObligationStart {
  const flaggedAt = ownValue(appMetadata, keys.flaggedAtKey);
  const at = toIsoInstant(flaggedAt);
  if (at !== undefined) return { at, from: 'flagged-at' };
  const from = flaggedAt === undefined || flaggedAt === null ? 'created-at' : 'created-at-instead';
  return { at: toIsoInstant(createdAt), from };
}

/** How much of `<flag>By` a log line shows. */
const BY_SHOWN = 32;

/**
 * Who required the change (`<flag>By`), as a log line may show it: the first 32 characters, with
 * control characters, quotes, backslashes and halves of a character replaced by `?` — so that it
 * never grows when written as JSON and never reaches a terminal raw. `undefined` when the key is
 * absent, or not a non-empty string.
 */
export function requestedBy(appMetadata: unknown, keys: ObligationKeys): string | undefined {
  const by = ownValue(appMetadata, keys.byKey);
  if (typeof by !== 'string' || by.length === 0) return undefined;
  // With the `u` flag a lone surrogate is one match, and a whole pair (an emoji) none.
  return by.slice(0, BY_SHOWN).replace(/[\u0000-\u001f\u007f-\u009f"\\\ud800-\udfff]/gu, '?');
}

/**
 * When an administrator's waiver that still stands was made: the flag is `false` and `<flag>WaivedAt`
 * is a time no earlier than `<flag>At` (a later flag — a new obligation, since met — makes an older
 * waiver history). `undefined` for a flag that is not `false`, and for a `false` that no waiver wrote
 * (an obligation met, or a waiver made by hand without the time).
 */
export function standingWaiver(appMetadata: unknown, keys: ObligationKeys): IsoInstant | undefined {
  if (ownValue(appMetadata, keys.flag) !== false) return undefined;
  const waivedAt = toIsoInstant(ownValue(appMetadata, keys.waivedAtKey));
  if (waivedAt === undefined) return undefined;
  const flaggedAt = toIsoInstant(ownValue(appMetadata, keys.flaggedAtKey));
  return flaggedAt !== undefined && flaggedAt > waivedAt ? undefined : waivedAt;
}

/**
 * Whether a password change at `changedAt` meets an obligation that began at `since`: only a change
 * strictly later does. At the same millisecond, the obligation stands.
 */
export const changedSince = (changedAt: IsoInstant | undefined, since: IsoInstant): boolean =>
  changedAt !== undefined && changedAt > since;

/**
 * How far after a temporary password's `last_password_reset` an administrator's `<flag>At` is
 * stamped. The post-change-password event and the Management API's answer are written by different
 * Auth0 components; should one of them see the change a little later than the other, the temporary
 * password must still predate the obligation, or the clearer would count it as the user's own change.
 */
export const ADMIN_FLAG_MARGIN_MS = 2_000;

/** One day, in milliseconds: the rules count whole days of 24 hours, in UTC. */
const DAY_MS = 86_400_000;

/**
 * Tenant-wide rules that make a password change due without any flag: a cut-off instant (after a
 * breach, every password set before it) and a maximum age. They cost no Management API request:
 * the gate decides them from the event alone, for every user at once.
 */
export interface TenantWideRules {
  /**
   * A password last set before `at` must change — from the user's own deadline on: `at` plus
   * 0 to `graceDays` whole days ({@link graceOffsetDays}); 0 when there is no spread.
   */
  readonly passwordsSetBefore?: { readonly at: IsoInstant; readonly ms: number; readonly graceDays: number };
  /** A password older than `ms` must change; in the last `warnMs` before that, the login is warned (0: never). */
  readonly maxPasswordAge?: { readonly ms: number; readonly warnMs: number };
}

/** The rules' options as the gate and the administrator tools take them (checked before). */
export interface TenantWideRuleOptions {
  readonly passwordsSetBefore?: string | { readonly at: string; readonly graceDays?: number | undefined } | undefined;
  readonly maxPasswordAgeDays?: number | { readonly days: number; readonly warnDays?: number | undefined } | undefined;
}

/**
 * The rules from their options (`passwordsSetBefore`, an ISO time or `{ at, graceDays }`;
 * `maxPasswordAgeDays`, a number or `{ days, warnDays }`), or `undefined` when neither is set — the
 * common case, in which the gate reads no time at all for most logins. The gate's and the
 * administrator tools' `status` share it.
 */
export function tenantWideRulesFrom(options: TenantWideRuleOptions): TenantWideRules | undefined {
  const { passwordsSetBefore, maxPasswordAgeDays } = options;
  const { at, graceDays = 0 } = typeof passwordsSetBefore === 'object' ? passwordsSetBefore : { at: passwordsSetBefore, graceDays: undefined };
  const { days, warnDays = 0 } = typeof maxPasswordAgeDays === 'object' ? maxPasswordAgeDays : { days: maxPasswordAgeDays, warnDays: undefined };
  const cutOff = toIsoInstant(at);
  if (cutOff === undefined && days === undefined) return undefined;
  return {
    ...(cutOff === undefined ? {} : { passwordsSetBefore: { at: cutOff, ms: Date.parse(cutOff), graceDays } }),
    ...(days === undefined ? {} : { maxPasswordAge: { ms: days * DAY_MS, warnMs: warnDays * DAY_MS } }),
  };
}

/** A rule that a user's password breaks, and since when. */
export interface RuleObligation {
  readonly rule: 'passwords-set-before' | 'max-password-age';
  /** A change later than this meets it. */
  readonly since: IsoInstant;
}

/** A rule that a user's password will break soon: a warning, not yet an obligation. */
export interface RuleWarning {
  readonly rule: 'passwords-set-before' | 'max-password-age';
  /** When the obligation begins: the login is stopped after it (`passwords-set-before`: from it on). */
  readonly due: IsoInstant;
}

/**
 * When a user's password was last set: `last_password_reset`, or `created_at` when it never changed.
 * `undefined` when the one that counts is not a time.
 */
export function passwordSetAt(lastPasswordReset: unknown, createdAt: unknown): IsoInstant | undefined {
  return lastPasswordReset === undefined || lastPasswordReset === null ? toIsoInstant(createdAt) : toIsoInstant(lastPasswordReset);
}

/**
 * The 32-bit FNV-1a hash of a text's UTF-16 code units (for ASCII, its bytes): cheap, well spread,
 * and easy to compute anywhere (http://www.isthe.com/chongo/tech/comp/fnv/).
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A user's place in a `passwordsSetBefore` spread: 0 to `graceDays` whole days after the cut-off,
 * `fnv1a32(user_id) % (graceDays + 1)` — the same for the user at every login and on every
 * machine, and even over many users. A user id that is not a string gets day 0, the earliest.
 */
export function graceOffsetDays(userId: unknown, graceDays: number): number {
  if (graceDays === 0 || typeof userId !== 'string') return 0;
  return fnv1a32(userId) % (graceDays + 1);
}

/** When the cut-off binds this user: the cut-off plus the user's offset in the spread. */
const cutOffDeadline = (cutOff: NonNullable<TenantWideRules['passwordsSetBefore']>, userId: unknown): number =>
  cutOff.ms + graceOffsetDays(userId, cutOff.graceDays) * DAY_MS;

/**
 * The rule a password set at `setAt` breaks at `now` (epoch milliseconds), if any; the cut-off first
 * (a breach outranks age). A cut-off binds a user from their deadline on — the cut-off itself, or
 * with `graceDays` the cut-off plus their offset ({@link graceOffsetDays} of `userId`) — and not
 * before: nothing set before it can be "before" a moment that has not come, and a change made now
 * must not be judged too early once it does.
 */
export function ruleObligation(setAt: IsoInstant, rules: TenantWideRules, now: number, userId?: unknown): RuleObligation | undefined {
  const { passwordsSetBefore: cutOff, maxPasswordAge } = rules;
  if (cutOff !== undefined && cutOff.ms <= now && setAt < cutOff.at && cutOffDeadline(cutOff, userId) <= now) {
    return { rule: 'passwords-set-before', since: cutOff.at };
  }
  if (maxPasswordAge !== undefined) {
    const tooOldAt = Date.parse(setAt) + maxPasswordAge.ms;
    // Before `now`: a time the clock has read.
    if (tooOldAt < now) return { rule: 'max-password-age', since: isoInstantOf(tooOldAt) as IsoInstant };
  }
  return undefined;
}

/**
 * The rule a password set at `setAt` will soon break at `now`, when it breaks none yet: the cut-off
 * between its instant and this user's deadline in the spread (`graceDays`), then the last `warnDays`
 * of the maximum age — up to and including the instant the password becomes too old. The cut-off
 * first, as in {@link ruleObligation}.
 */
export function ruleWarning(setAt: IsoInstant, rules: TenantWideRules, now: number, userId?: unknown): RuleWarning | undefined {
  const { passwordsSetBefore: cutOff, maxPasswordAge } = rules;
  if (cutOff !== undefined && cutOff.graceDays > 0 && cutOff.ms <= now && setAt < cutOff.at) {
    const deadline = cutOffDeadline(cutOff, userId);
    if (now < deadline) return warningDue('passwords-set-before', deadline);
  }
  if (maxPasswordAge !== undefined && maxPasswordAge.warnMs > 0) {
    const deadline = Date.parse(setAt) + maxPasswordAge.ms;
    if (deadline - maxPasswordAge.warnMs <= now && now <= deadline) return warningDue('max-password-age', deadline);
  }
  return undefined;
}

/** A warning whose obligation begins at `deadline` (epoch milliseconds); none past the year 9999. */
function warningDue(rule: RuleWarning['rule'], deadline: number): RuleWarning | undefined {
  const due = isoInstantOf(deadline);
  return due === undefined ? undefined : { rule, due };
}
