import type { RequestClock } from '../../src/management/resilient-fetch.js';

/** A {@link RequestClock} whose time moves only when the code under test waits, and what it was asked. */
export interface VirtualRequestClock {
  readonly clock: RequestClock;
  /** Every wait between two attempts, in milliseconds, in order. */
  readonly sleeps: readonly number[];
  /** Every attempt's timeout, in milliseconds, in order. */
  readonly timeouts: readonly number[];
  /** Virtual milliseconds since the clock was made. */
  readonly now: () => number;
  /**
   * Fires the timeout of the latest attempt, moving the time to its end: the attempt is abandoned, as
   * `AbortSignal.timeout` abandons it. The timeouts of earlier attempts, answered or abandoned, are
   * never fired again. Throws when that one has fired already, or no attempt was made.
   */
  fireLatestTimeout(): void;
}

/**
 * A clock for a request's deadline, timeouts and waits that costs no real time: a sleep moves it
 * forward at once; a timeout fires only when the test calls `fireLatestTimeout` — once it has seen
 * the attempt reach the server and hang there. A test of a 12 s deadline then takes milliseconds, and its
 * figures are exact, whatever the machine's load.
 */
export function createVirtualRequestClock(): VirtualRequestClock {
  let now = 0;
  const sleeps: number[] = [];
  const timeouts: number[] = [];
  let latest: { readonly at: number; readonly controller: AbortController } | undefined;
  return {
    clock: {
      monotonic: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      timeout: (ms) => {
        timeouts.push(ms);
        const controller = new AbortController();
        latest = { at: now + ms, controller };
        return controller.signal;
      },
    },
    sleeps,
    timeouts,
    now: () => now,
    fireLatestTimeout() {
      if (latest === undefined || latest.controller.signal.aborted) throw new Error('no attempt is waiting for its timeout');
      now = Math.max(now, latest.at);
      latest.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    },
  };
}
