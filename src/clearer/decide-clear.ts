/** What the clearer does after reading the user's `app_metadata`. */
export type ClearDecision =
  /** Flagged before (or at) this password change: set the flag to `false`. */
  | { action: 'clear'; reason: 'password-changed' }
  /** Nothing to do. */
  | { action: 'keep'; reason: 'not-flagged' | 'reflagged-after-change' };

const toTime = (value: unknown): number | undefined => {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
};

/**
 * Decides whether a password change meets the obligation. A flag set after this change — an
 * administrator who sets a temporary password and then flags the user — is left alone: that
 * obligation is for the next change. A `<flag>At` that is absent or not a time counts as "before".
 *
 * @param changedAt `event.user.last_password_reset`, in epoch milliseconds.
 */
export function decideClear(
  appMetadata: Record<string, unknown>,
  flag: string,
  flaggedAtKey: string,
  changedAt: number,
): ClearDecision {
  const value = appMetadata[flag];
  if (value === undefined || value === null || value === false) return { action: 'keep', reason: 'not-flagged' };
  const flaggedAt = toTime(appMetadata[flaggedAtKey]);
  if (flaggedAt !== undefined && flaggedAt > changedAt) return { action: 'keep', reason: 'reflagged-after-change' };
  return { action: 'clear', reason: 'password-changed' };
}
