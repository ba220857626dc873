import { changedSince, isFlagValue, obligationStart, ownValue, type ObligationKeys } from '../obligation/obligation.js';
import type { IsoInstant } from '../obligation/time.js';

/** What the clearer does after reading the user. */
export type ClearDecision =
  /** Flagged before this password change: set the flag to `false`. */
  | { action: 'clear'; reason: 'password-changed' }
  /** Nothing to do. */
  | { action: 'keep'; reason: 'not-flagged' | 'reflagged-after-change' };

/**
 * Decides whether a password change meets the obligation, by the same rule as the gate: the change
 * must be strictly later than the obligation's start (`<flag>At`, or `created_at` when that is
 * absent or not a time). A flag set at or after this change — an administrator who sets a temporary
 * password and then flags the user — is left alone: that obligation is for the next change.
 *
 * @param changedAt `event.user.last_password_reset`, checked.
 */
export function decideClear(
  appMetadata: Record<string, unknown>,
  keys: ObligationKeys,
  createdAt: unknown,
  changedAt: IsoInstant,
): ClearDecision {
  if (!isFlagValue(ownValue(appMetadata, keys.flag))) return { action: 'keep', reason: 'not-flagged' };
  const since = obligationStart(appMetadata, keys, createdAt);
  // Neither <flag>At nor created_at is a time: no start to compare with; the change is the user's own.
  if (since.at === undefined || changedSince(changedAt, since.at)) return { action: 'clear', reason: 'password-changed' };
  return { action: 'keep', reason: 'reflagged-after-change' };
}
