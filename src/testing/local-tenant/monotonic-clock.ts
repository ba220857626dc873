/**
 * Wraps a millisecond clock so that readings never repeat: two events read from it never share a
 * millisecond, so "which happened first" is always decidable from their timestamps (for example
 * `last_password_reset` versus a flag's `<flag>At`). Under a burst of readings within one millisecond
 * it runs slightly ahead, which is harmless in tests; when the underlying clock is set back (a test's
 * `vi.setSystemTime` into the past), it follows at once instead of waiting for it to catch up.
 *
 * @param readTime - the underlying clock in milliseconds since the epoch, read at every call (so a
 * fake `Date` installed later is followed).
 * @returns a clock in milliseconds since the epoch.
 */
export function createMonotonicClock(readTime: () => number = () => Date.now()): () => number {
  let lastTime = Number.NEGATIVE_INFINITY;
  let lastReading = Number.NEGATIVE_INFINITY;
  return function readMonotonicTime() {
    const time = readTime();
    lastReading = time < lastTime ? time : Math.max(time, lastReading + 1);
    lastTime = time;
    return lastReading;
  };
}
