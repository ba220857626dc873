import { parseIsoTime } from '../obligation/time.js';

/**
 * The gate's tenant-wide rules, as `status` evaluates them. This stands in for the rule the gate
 * decides by (`src/obligation/`, with `passwordsSetBefore` and `maxPasswordAgeDays`) until that
 * lands: same contract, so that `status` switches to it without other changes.
 */
export interface PasswordPolicies {
  /** Epoch milliseconds: a password last set before it must change. */
  readonly passwordsSetBefore?: number;
  /** A password older than this many days must change. */
  readonly maxPasswordAgeDays?: number;
}

/** Why a rule stops a user. */
export type PolicyReason = 'passwords-set-before' | 'max-password-age';

/** A rule's obligation: which rule, and since when (epoch milliseconds). */
export interface PolicyObligation {
  readonly reason: PolicyReason;
  /** When it began; `undefined` when the user's password time is not a time (fail closed). */
  readonly since: number | undefined;
}

const DAY_MS = 86_400_000;

/**
 * The obligation the tenant-wide rules put on a database user at `now`, or `undefined`. The
 * password was last set at `last_password_reset`, or at `created_at` when it never changed; a
 * change after the rule's instant always ends it. When neither is a time and a rule is on, the user
 * is obliged (fail closed, as the gate is).
 */
export function policyObligation(
  user: { readonly lastPasswordReset: unknown; readonly createdAt: unknown },
  policies: PasswordPolicies,
  now: number,
): PolicyObligation | undefined {
  const { passwordsSetBefore, maxPasswordAgeDays } = policies;
  if (passwordsSetBefore === undefined && maxPasswordAgeDays === undefined) return undefined;
  const setAt = parseIsoTime(user.lastPasswordReset) ?? parseIsoTime(user.createdAt);
  if (setAt === undefined) return { reason: passwordsSetBefore === undefined ? 'max-password-age' : 'passwords-set-before', since: undefined };
  if (passwordsSetBefore !== undefined && setAt < passwordsSetBefore) return { reason: 'passwords-set-before', since: passwordsSetBefore };
  if (maxPasswordAgeDays !== undefined && now - setAt > maxPasswordAgeDays * DAY_MS) {
    return { reason: 'max-password-age', since: setAt + maxPasswordAgeDays * DAY_MS };
  }
  return undefined;
}
