/**
 * Keeps a long run of Management API requests under the tenant's rate limit, instead of running
 * into it: requests start at most `rate` per second, and when a response says the bucket is empty
 * (`x-ratelimit-remaining: 0`) nothing starts before `x-ratelimit-reset`. Auth0's free plan allows
 * 2 requests per second; 429 responses carry `x-ratelimit-limit`, `x-ratelimit-remaining` and
 * `x-ratelimit-reset` (UNIX seconds). Retries of 429/5xx are left to the resilient fetch, which
 * honours `retry-after`; its waits end with {@link RequestPacer.acquire} too.
 */
export interface RequestPacer {
  /** Waits until a request may start, and books that start. */
  acquire(): Promise<void>;
  /** Reads the rate-limit headers of a response. */
  observe(headers: Headers): void;
  /** Milliseconds spent waiting so far, for the report. */
  readonly waitedMs: number;
}

export interface RequestPacerOptions {
  /** Requests per second. */
  rate: number;
  /** A monotonic clock in milliseconds. */
  clock: () => number;
  /** Wall-clock epoch milliseconds, to read `x-ratelimit-reset` against. */
  epochNow: () => number;
  sleep: (ms: number) => Promise<void>;
  /**
   * Told of each wait before it starts: `pace` keeps to `rate`; `rate-limit` waits for the
   * `x-ratelimit-reset` of a response that said the bucket is empty. For progress output.
   */
  onWait?: (wait: PacerWait) => void;
}

/** A wait of the pacer, as {@link RequestPacerOptions.onWait} is told of it. */
export interface PacerWait {
  readonly ms: number;
  readonly reason: 'pace' | 'rate-limit';
}

/** How far behind its grid the pacer still catches up (see `acquire`). */
const CATCH_UP_MS = 250;

/** A reset further away than this is taken as a wrong header, not a reason to stall a run. */
const MAX_PAUSE_MS = 120_000;

export function createRequestPacer({ rate, clock, epochNow, sleep, onWait }: RequestPacerOptions): RequestPacer {
  const intervalMs = 1000 / rate;
  /** Where the next start falls on the grid of one start per interval. */
  let nextStartAt = Number.NEGATIVE_INFINITY;
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let waitedMs = 0;

  return {
    get waitedMs() {
      return waitedMs;
    },
    async acquire() {
      const now = clock();
      // Starts stay on a grid of one per interval, so that a timer that fires a millisecond late
      // (they all do) or a pause of the garbage collector does not push every later start back: at
      // 100 per second that alone held a run to 91. Behind the grid by more than CATCH_UP_MS (or
      // one interval, if longer: nothing was asked for a while), the grid starts again from now —
      // so catching up is a burst of a few starts at most (2 at the free plan's 2 per second, 5 at
      // 16), which every plan's bucket holds. The slot is booked before the wait: concurrent
      // callers get one slot each.
      let slot = nextStartAt < now - Math.max(intervalMs, CATCH_UP_MS) ? now : nextStartAt;
      const paused = pausedUntil > slot;
      if (paused) slot = pausedUntil;
      nextStartAt = slot + intervalMs;
      const waitMs = slot - now;
      if (waitMs > 0) {
        waitedMs += waitMs;
        onWait?.({ ms: waitMs, reason: paused ? 'rate-limit' : 'pace' });
        await sleep(waitMs);
      }
    },
    observe(headers) {
      if (headers.get('x-ratelimit-remaining')?.trim() !== '0') return;
      const resetSeconds = Number(headers.get('x-ratelimit-reset'));
      if (!Number.isFinite(resetSeconds)) return;
      const pauseMs = Math.min(resetSeconds * 1000 - epochNow(), MAX_PAUSE_MS);
      if (pauseMs > 0) pausedUntil = Math.max(pausedUntil, clock() + pauseMs);
    },
  };
}
