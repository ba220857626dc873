import { isoInstantOf, parseIsoTime, toIsoInstant, type IsoInstant } from './time.js';

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
  /** `<flag>WaivedAt`: when an administrator last waived the obligation (set the flag to `false`), ISO 8601. */
  readonly waivedAtKey: string;
}

/** The flag and its companion keys. */
export function obligationKeys(flag: string): ObligationKeys {
  return { flag, flaggedAtKey: `${flag}At`, emailedAtKey: `${flag}EmailedAt`, waivedAtKey: `${flag}WaivedAt` };
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
  const { flaggedAtKey, emailedAtKey, waivedAtKey } = obligationKeys(flag);
  if (PROTOTYPE_NAMES.has(flag)) return 'must not be a name JavaScript objects already have';
  for (const key of [flaggedAtKey, emailedAtKey, waivedAtKey]) {
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

/**
 * Tenant-wide rules that make a password change due without any flag: a cut-off instant (after a
 * breach, every password set before it) and a maximum age. They cost no Management API request:
 * the gate decides them from the event alone, for every user at once.
 */
export interface PasswordRules {
  /** A password last set before this instant must change — once it has come. */
  readonly passwordsSetBefore?: { readonly at: IsoInstant; readonly ms: number };
  /** A password older than this many milliseconds must change. */
  readonly maxPasswordAgeMs?: number;
}

/**
 * The rules from their options (`passwordsSetBefore`, an ISO time already checked; `maxPasswordAgeDays`),
 * or `undefined` when neither is set — the common case, in which the gate reads no time at all for
 * most logins. The gate's and the administrator tools' `status` share it.
 */
export function passwordRulesFrom(options: { readonly passwordsSetBefore?: string | undefined; readonly maxPasswordAgeDays?: number | undefined }): PasswordRules | undefined {
  const { passwordsSetBefore, maxPasswordAgeDays } = options;
  const cutOff = toIsoInstant(passwordsSetBefore);
  if (cutOff === undefined && maxPasswordAgeDays === undefined) return undefined;
  return {
    ...(cutOff === undefined ? {} : { passwordsSetBefore: { at: cutOff, ms: parseIsoTime(cutOff) as number } }),
    ...(maxPasswordAgeDays === undefined ? {} : { maxPasswordAgeMs: maxPasswordAgeDays * 86_400_000 }),
  };
}

/** A rule that a user's password breaks, and since when. */
export interface RuleObligation {
  readonly rule: 'passwords-set-before' | 'max-password-age';
  /** A change later than this meets it. */
  readonly since: IsoInstant;
}

/**
 * When a user's password was last set: `last_password_reset`, or `created_at` when it never changed.
 * `undefined` when the one that counts is not a time.
 */
export function passwordSetAt(lastPasswordReset: unknown, createdAt: unknown): IsoInstant | undefined {
  return lastPasswordReset === undefined || lastPasswordReset === null ? toIsoInstant(createdAt) : toIsoInstant(lastPasswordReset);
}

/** The last answer of {@link oldestAllowedAt}: it changes only when the clock's millisecond does. */
let oldestAllowed: { now: number; maxAgeMs: number; at: IsoInstant | undefined } = { now: Number.NaN, maxAgeMs: Number.NaN, at: undefined };

/**
 * The oldest a password set time may be at `now`: `now - maxAgeMs`, as an instant. Writing it costs
 * more than the rest of a login's decision, and a busy gate decides many logins in one millisecond of
 * `Date.now()`: the last one is kept — exactly, for that millisecond and age.
 */
function oldestAllowedAt(now: number, maxAgeMs: number): IsoInstant | undefined {
  if (oldestAllowed.now !== now || oldestAllowed.maxAgeMs !== maxAgeMs) oldestAllowed = { now, maxAgeMs, at: isoInstantOf(now - maxAgeMs) };
  return oldestAllowed.at;
}

/**
 * The rule a password set at `setAt` breaks at `now` (epoch milliseconds), if any; the cut-off first
 * (a breach outranks age). A cut-off still in the future is not in force yet: nothing set before it
 * can be "before" a moment that has not come, and a change made now must not be judged too early
 * once it does.
 */
export function ruleObligation(setAt: IsoInstant, rules: PasswordRules, now: number): RuleObligation | undefined {
  const { passwordsSetBefore: cutOff, maxPasswordAgeMs } = rules;
  if (cutOff !== undefined && cutOff.ms <= now && setAt < cutOff.at) return { rule: 'passwords-set-before', since: cutOff.at };
  if (maxPasswordAgeMs !== undefined) {
    const oldestAllowed = oldestAllowedAt(now, maxPasswordAgeMs);
    if (oldestAllowed !== undefined && setAt < oldestAllowed) {
      // The one case that needs arithmetic: when the password became too old.
      return { rule: 'max-password-age', since: isoInstantOf((parseIsoTime(setAt) as number) + maxPasswordAgeMs) as IsoInstant };
    }
  }
  return undefined;
}
