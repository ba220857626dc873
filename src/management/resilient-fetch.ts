import { setTimeout as wait } from 'node:timers/promises';

/**
 * One logical request to Auth0 (a token request, or one SDK call): every attempt gets a timeout
 * that covers the body too; 429, 5xx, timeouts and dropped connections are retried with backoff,
 * honouring `retry-after` and `x-ratelimit-reset`; nothing waits past the deadline. Redirects are
 * never followed — a request carrying a client secret or a bearer token must not be re-sent to
 * wherever a `Location` header points — and a success whose body is not JSON is not a success.
 *
 * The `auth0` SDK's own retries are turned off (`maxRetries: 0`): its backoff honours a
 * `retry-after` of up to 60 s, past Auth0's 20 s limit on an Action.
 */

/** What became of the attempts of one request; every field is safe to print. */
export interface AttemptRecord {
  attempts: number;
  /** The last HTTP status received, if any. */
  status: number | undefined;
  /** Why the last attempt failed, when it did, e.g. `no response within 5000 ms`, `redirect refused (HTTP 307)`. */
  failure: string | undefined;
  /** Why it stopped retrying, when it did so early, e.g. `the server asked to wait 30 s, more than the 4 s left`. */
  gaveUp: string | undefined;
  /** The body of the last response, as text (an error's body carries Auth0's message). */
  body: string | undefined;
  /** Why the host could not be reached at all, when the last attempt failed that way. */
  unreachable: Unreachable | undefined;
}

/** A network failure that retrying does not heal: see {@link unreachableCause}. */
export interface Unreachable {
  readonly kind: 'dns' | 'tls' | 'connection';
  /** The system's code: `ENOTFOUND`, `CERT_HAS_EXPIRED`, `ECONNREFUSED`, … */
  readonly code: string;
}

/** A wait between two attempts of one request, announced before it starts. */
export interface RetryWait {
  readonly ms: number;
  /** `retry-after`: the answer asked for it (`retry-after`, or `x-ratelimit-reset` on a 429); `backoff`: our own. */
  readonly reason: 'retry-after' | 'backoff';
  /** The status of the answer that led to it; `undefined` after a network failure. */
  readonly status: number | undefined;
}

/**
 * The time one request runs on: the system's, or a test's virtual one (a 12 s deadline checked in
 * milliseconds). The deadline's readings, each attempt's timeout and the waits between attempts go
 * through it; dates from the answers (`retry-after`, `x-ratelimit-reset`) are read against `Date.now()`.
 */
export interface RequestClock {
  /** Monotonic milliseconds (`performance.now()`): deadlines are readings of this clock. */
  readonly monotonic: () => number;
  /** Waits `ms` between two attempts. */
  readonly sleep: (ms: number) => Promise<void>;
  /** A signal that aborts `ms` from now: one attempt's timeout (`AbortSignal.timeout`). */
  readonly timeout: (ms: number) => AbortSignal;
}

/** The system's time. `node:timers/promises` and `AbortSignal.timeout`: a test's fake timers stop neither. */
export const SYSTEM_REQUEST_CLOCK: RequestClock = {
  monotonic: () => performance.now(),
  sleep: (ms) => wait(ms),
  timeout: (ms) => AbortSignal.timeout(ms),
};

export interface RetryPolicy {
  /** The `fetch` that sends each attempt. */
  transport: typeof globalThis.fetch;
  requestTimeoutMs: number;
  /** A reading of the clock's `monotonic` after which no attempt starts and no wait ends. */
  deadline: number;
  maxAttempts: number;
  /** The time the request runs on; what it lacks is the system's. @default {@link SYSTEM_REQUEST_CLOCK} */
  clock?: Partial<RequestClock>;
  /** Called before every attempt, retries included: a rate-limit pacer waits here. */
  beforeAttempt?: () => Promise<void>;
  /** Called with the headers of every response: a rate-limit pacer reads them. */
  observe?: (headers: Headers) => void;
  /**
   * The kinds of unreachable host that end the request at the first attempt, unretried (see
   * {@link unreachableCause}). @default none: every network failure is retried
   */
  finalWhenUnreachable?: ReadonlySet<Unreachable['kind']>;
  /** Told of each wait between attempts before it starts (progress output). */
  onWait?: (wait: RetryWait) => void;
  /**
   * `false` for a request that must not run twice (setting a password: a second run meets the
   * password history). Only a 429 is retried then — Auth0 refused it before doing anything —;
   * after a 5xx, a timeout or a broken connection the caller must find out what happened instead.
   * @default true
   */
  idempotent?: boolean;
}

/** A `fetch` for one logical request, and what became of it. */
export interface RetryingFetch {
  readonly fetch: typeof globalThis.fetch;
  readonly record: AttemptRecord;
}

/** An answer this library refuses to use: a redirect, or a success that is not JSON. Not retried. */
export class RefusedAnswerError extends Error {
  override name = 'RefusedAnswerError' as const;
}

const BASE_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 2_000;
/** Time kept back for the attempt after a wait: no point waiting to start an attempt with no time. */
const MIN_ATTEMPT_MS = 250;

const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;
const isRedirect = (status: number) => status >= 300 && status < 400;

/**
 * The wait a 429/5xx asks for, in ms, or `undefined` when it names none. `retry-after` counts for
 * any status; `x-ratelimit-reset` only for a 429 or when no requests remain, because Auth0 sends the
 * rate-limit headers on ordinary responses too, and a 503 is not a reason to wait for the window.
 */
export function requestedDelayMs(headers: Headers, epochNow: number, status: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (retryAfter.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - epochNow);
  }
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && (status === 429 || headers.get('x-ratelimit-remaining') === '0')) {
    const resetSeconds = Number(reset);
    if (reset.trim() !== '' && Number.isFinite(resetSeconds)) return Math.max(0, resetSeconds * 1000 - epochNow);
  }
  return undefined;
}

function backoffMs(attempt: number): number {
  const exponential = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
  return exponential * (0.8 + Math.random() * 0.4);
}

/** The `cause.code` of a network error (`ECONNREFUSED`, …), if any. */
const causeCode = (error: unknown): string | undefined => {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * The code with which a test `api` of `auth0-force-password-reset/testing` refuses the network
 * (its default transport): final, never retried, and said plainly.
 */
export const TEST_NETWORK_REFUSED = 'AFPR_TEST_NETWORK_REFUSED';

const DNS_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);
/** OpenSSL's verification codes (`CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …) and Node's TLS ones. */
const isTlsCode = (code: string) =>
  /CERT|^ERR_TLS_|^ERR_SSL_|^UNABLE_TO_(GET|VERIFY|DECRYPT)/.test(code) || code === 'EPROTO';

/**
 * Whether a `fetch` rejection says the host cannot be reached at all — its name does not resolve,
 * its certificate is refused, nothing accepts the connection — rather than a failure a retry may
 * heal (a dropped connection, a timeout). undici puts the system's code on the error's `cause`
 * (on the first of an `AggregateError`'s errors when it tried several addresses).
 */
export function unreachableCause(error: unknown): Unreachable | undefined {
  const cause = (error as { cause?: { code?: unknown; errors?: readonly { code?: unknown }[] } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : cause?.errors?.[0]?.code;
  if (typeof code !== 'string') return undefined;
  if (DNS_CODES.has(code)) return { kind: 'dns', code };
  if (CONNECTION_CODES.has(code)) return { kind: 'connection', code };
  if (isTlsCode(code)) return { kind: 'tls', code };
  return undefined;
}

/** What a request that got no answer came to, for people. */
export function describeNetworkFailure(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no response within ${timeoutMs} ms`;
  const code = causeCode(error);
  if (code === TEST_NETWORK_REFUSED) {
    return 'refused by a test api (opt in with its fetch option)';
  }
  return code === undefined ? 'connection failed' : `connection failed (${code})`;
}

/**
 * The body as text, or a rejection once `signal` aborts: a `fetch` of our own passes the signal to
 * the body too, but a transport given as an option may not, and a body that never ends must still
 * end the attempt.
 */
function readText(response: Response, signal: AbortSignal): Promise<string> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<string>((resolve, reject) => {
    const onAbort = () => {
      response.body?.cancel().catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    response.text().then(
      (text) => {
        signal.removeEventListener('abort', onAbort);
        resolve(text);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * Creates the `fetch` for one logical request. It may be called more than once (the SDK calls it
 * once per SDK call, as its retries are off); the record describes the latest call.
 */
export function createRetryingFetch(policy: RetryPolicy): RetryingFetch {
  const { transport, requestTimeoutMs, deadline, maxAttempts, beforeAttempt, observe, finalWhenUnreachable, onWait, idempotent = true } = policy;
  const { monotonic, sleep, timeout: timeoutAfter } = { ...SYSTEM_REQUEST_CLOCK, ...policy.clock };
  const record: AttemptRecord = { attempts: 0, status: undefined, failure: undefined, gaveUp: undefined, body: undefined, unreachable: undefined };

  async function retryingFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    Object.assign(record, { attempts: 0, status: undefined, failure: undefined, gaveUp: undefined, body: undefined, unreachable: undefined });
    for (let attempt = 1; ; attempt += 1) {
      if (beforeAttempt !== undefined) await beforeAttempt();
      const remaining = deadline - monotonic();
      if (remaining <= 0) {
        record.gaveUp = 'the deadline passed';
        throw new Error(record.failure ?? 'deadline passed');
      }
      const timeoutMs = Math.min(requestTimeoutMs, Math.ceil(remaining));
      const timeout = timeoutAfter(timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      record.attempts = attempt;

      let status: number | undefined;
      let retryWait: number;
      let retryAsked = false;
      try {
        const response = await transport(input, { ...init, signal, redirect: 'manual' });
        status = response.status;
        record.status = status;
        record.failure = undefined;
        observe?.(response.headers);
        // `opaqueredirect` (status 0): a fetch that follows the WHATWG spec to the letter.
        if (isRedirect(status) || response.redirected || response.type === 'opaqueredirect') {
          await response.body?.cancel().catch(() => {});
          record.failure = `redirect refused (HTTP ${status})`;
          throw new RefusedAnswerError(record.failure);
        }
        // The body is read under the same timeout: an answer that drips in is a timeout, not a 200.
        const text = await readText(response, signal);
        record.body = text;
        if (response.ok && text.length > 0 && !isJson(text)) {
          record.failure = `malformed answer: not JSON (HTTP ${status})`;
          throw new RefusedAnswerError(record.failure);
        }
        const answer = new Response(response.ok || text.length > 0 ? text : null, {
          status,
          statusText: response.statusText,
          headers: response.headers,
        });
        if (!isRetryableStatus(status) || attempt >= maxAttempts || (!idempotent && status !== 429)) return answer;
        const requested = requestedDelayMs(response.headers, Date.now(), status);
        retryWait = requested === undefined ? backoffMs(attempt) : Math.max(requested, 50);
        retryAsked = requested !== undefined;
        const left = deadline - monotonic();
        if (retryWait + MIN_ATTEMPT_MS > left) {
          record.gaveUp =
            requested === undefined
              ? 'no time left for another attempt'
              : `the server asked to wait ${Math.ceil(requested / 1000)} s, more than the ${Math.max(0, Math.floor(left / 1000))} s left`;
          return answer;
        }
      } catch (error) {
        if (error instanceof RefusedAnswerError) throw error;
        if (init?.signal?.aborted === true && !timeout.aborted) {
          record.failure = 'the request was abandoned';
          throw error;
        }
        record.failure =
          status === undefined
            ? describeNetworkFailure(error, timeout.aborted, timeoutMs)
            : timeout.aborted
              ? `the answer did not arrive in full within ${timeoutMs} ms (HTTP ${status})`
              : `the answer broke off (HTTP ${status})`;
        record.status = undefined;
        if (status === undefined && !timeout.aborted) record.unreachable = unreachableCause(error);
        const final = record.unreachable !== undefined && finalWhenUnreachable?.has(record.unreachable.kind) === true;
        if (attempt >= maxAttempts || final || !idempotent || causeCode(error) === TEST_NETWORK_REFUSED) throw error;
        record.unreachable = undefined;
        retryWait = backoffMs(attempt);
        if (monotonic() + retryWait + MIN_ATTEMPT_MS > deadline) {
          record.gaveUp = 'no time left for another attempt';
          throw error;
        }
      }
      onWait?.({ ms: retryWait, reason: retryAsked ? 'retry-after' : 'backoff', status: record.status });
      await sleep(retryWait);
    }
  }

  return { fetch: retryingFetch as typeof globalThis.fetch, record };
}
