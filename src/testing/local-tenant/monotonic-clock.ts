/**
 * Wraps a millisecond clock so that every reading is strictly greater than the one before.
 *
 * Two events read from it never share a millisecond, so "which happened first" is always decidable
 * from their timestamps (for example `last_password_reset` versus a flag's `flaggedAt`). Under a burst
 * of more than one reading per millisecond the clock runs slightly ahead of real time, which is harmless
 * in tests.
 *
 * @param readTime - the underlying clock in milliseconds since the epoch.
 * @returns a clock in milliseconds since the epoch.
 */
export function createMonotonicClock(readTime: () => number = () => Date.now()): () => number {
  let lastReading = Number.NEGATIVE_INFINITY;
  return function readMonotonicTime() {
    lastReading = Math.max(readTime(), lastReading + 1);
    return lastReading;
  };
}
