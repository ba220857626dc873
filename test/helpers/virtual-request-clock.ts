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
   * Moves the time to the earliest timeout not yet fired and fires it (the attempt it belongs to
   * is abandoned, as `AbortSignal.timeout` abandons it). Throws when none is pending.
   */
  fireNextTimeout(): void;
}

/**
 * A clock for a request's deadline, timeouts and waits that costs no real time: a sleep moves it
 * forward at once; a timeout fires only when the test calls `fireNextTimeout` — once it has seen the
 * attempt reach the server and hang there. A test of a 12 s deadline then takes milliseconds, and its
 * figures are exact, whatever the machine's load.
 */
export function createVirtualRequestClock(): VirtualRequestClock {
  let now = 0;
  const sleeps: number[] = [];
  const timeouts: number[] = [];
  const pending: { readonly at: number; readonly controller: AbortController }[] = [];
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
        pending.push({ at: now + ms, controller });
        return controller.signal;
      },
    },
    sleeps,
    timeouts,
    now: () => now,
    fireNextTimeout() {
      pending.sort((a, b) => a.at - b.at);
      const next = pending.shift();
      if (next === undefined) throw new Error('no timeout is pending');
      now = Math.max(now, next.at);
      next.controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    },
  };
}
