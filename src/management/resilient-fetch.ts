/**
 * The fetch the clearer hands to the `auth0` SDK: every request gets a timeout, 429 and 5xx are
 * retried with backoff (honouring `retry-after` and `x-ratelimit-reset`), and nothing waits past
 * the execution's deadline — Auth0 stops an Action after 20 s.
 *
 * The SDK's own retries are turned off (`maxRetries: 0`): its backoff honours a `retry-after` of up
 * to 60 s, and its token request does not retry at all.
 */

/** What happened to the last request made through a {@link ResilientFetch}. */
export interface RequestOutcome {
  attempts: number;
  /** The last HTTP status received, if any. */
  status: number | undefined;
  /** Why the last attempt failed without a status, e.g. `no response within 5000 ms`. */
  failure: string | undefined;
  /** Why it stopped retrying, when it did so early, e.g. `retry-after of 30 s exceeds the 4 s left`. */
  gaveUp: string | undefined;
}

export interface ResilientFetchOptions {
  transport: typeof globalThis.fetch;
  requestTimeoutMs: number;
  /** Epoch milliseconds after which no attempt starts and no wait ends. */
  deadline: number;
  maxAttempts: number;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ResilientFetch {
  fetch: typeof globalThis.fetch;
  /** The outcome of the most recent request (requests of one execution are sequential). */
  lastOutcome(): RequestOutcome;
}

const BASE_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 2_000;
/** Time kept back for the attempt after a wait: no point waiting to start an attempt with no time. */
const MIN_ATTEMPT_MS = 250;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * The wait a 429/5xx asks for, in ms, or `undefined` when it names none. `retry-after` counts for
 * any status; `x-ratelimit-reset` only for a 429 or when no requests remain, because Auth0 sends the
 * rate-limit headers on ordinary responses too, and a 503 is not a reason to wait for the window.
 */
export function requestedDelayMs(headers: Headers, now: number, status: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && (status === 429 || headers.get('x-ratelimit-remaining') === '0')) {
    const resetSeconds = Number(reset);
    if (Number.isFinite(resetSeconds)) return Math.max(0, resetSeconds * 1000 - now);
  }
  return undefined;
}

function backoffMs(attempt: number): number {
  const exponential = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
  return exponential * (0.8 + Math.random() * 0.4);
}

function describeNetworkFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no response within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code === undefined ? 'connection failed' : `connection failed (${code})`;
}

export function createResilientFetch(options: ResilientFetchOptions): ResilientFetch {
  const { transport, requestTimeoutMs, deadline, maxAttempts, sleep = defaultSleep } = options;
  let outcome: RequestOutcome = { attempts: 0, status: undefined, failure: undefined, gaveUp: undefined };

  async function resilientFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    outcome = { attempts: 0, status: undefined, failure: undefined, gaveUp: undefined };
    for (let attempt = 1; ; attempt += 1) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        outcome.gaveUp = 'the execution deadline passed';
        throw new Error(outcome.failure ?? 'deadline passed');
      }
      const timeoutMs = Math.min(requestTimeoutMs, remaining);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      outcome.attempts = attempt;

      let response: Response | undefined;
      let waitMs: number;
      try {
        response = await transport(input, { ...init, signal });
      } catch (error) {
        if (init?.signal?.aborted) {
          // The SDK's own signal: its token request stops after 10 s whatever our settings say.
          outcome.status = undefined;
          outcome.failure = timeout.aborted ? `no response within ${timeoutMs} ms` : 'the auth0 SDK abandoned the request (its token requests stop after 10 s)';
          throw error;
        }
        outcome.status = undefined;
        outcome.failure = describeNetworkFailure(error, timeout.aborted, timeoutMs);
        if (attempt >= maxAttempts) throw error;
        waitMs = backoffMs(attempt);
        if (Date.now() + waitMs + MIN_ATTEMPT_MS > deadline) {
          outcome.gaveUp = 'no time left for another attempt';
          throw error;
        }
        await sleep(waitMs);
        continue;
      }

      outcome.status = response.status;
      outcome.failure = undefined;
      if (!isRetryableStatus(response.status) || attempt >= maxAttempts) return response;
      const requested = requestedDelayMs(response.headers, Date.now(), response.status);
      waitMs = requested === undefined ? backoffMs(attempt) : Math.max(requested, 50);
      const left = deadline - Date.now();
      if (waitMs + MIN_ATTEMPT_MS > left) {
        outcome.gaveUp =
          requested === undefined
            ? 'no time left for another attempt'
            : `the server asked to wait ${Math.ceil(requested / 1000)} s, more than the ${Math.max(0, Math.floor(left / 1000))} s left`;
        return response;
      }
      // Free the connection before waiting.
      await response.body?.cancel().catch(() => {});
      await sleep(waitMs);
    }
  }

  return { fetch: resilientFetch as typeof globalThis.fetch, lastOutcome: () => ({ ...outcome }) };
}
