import type { ManagementApiError, ManagementApiStep } from '../errors/management-api-error.js';
import type { loadAuth0Sdk } from './load-auth0-sdk.js';
import type { AttemptRecord, RetryingFetch } from './resilient-fetch.js';
import type { TokenSource } from './token-source.js';

/**
 * One Management API call through the official `auth0` SDK: built once per client, each call with
 * its own retrying transport (its own attempts, deadline and retry rule) — and a rejected token
 * replaced (by the token endpoint's own, at the latest the second time).
 *
 * The SDK takes one `fetch` for the client and no `fetch` per request; its per-request options are
 * headers, a timeout, retries and an abort signal (`node_modules/auth0/README.md`, "Request
 * Helpers"). So every request of a call carries a header naming the call, and the client's `fetch`
 * hands it to that call's transport, taking the header off first: it never leaves the process.
 */

/** The SDK's client, as `loadAuth0Sdk` gives its class. */
export type SdkClient = InstanceType<Awaited<ReturnType<typeof loadAuth0Sdk>>['ManagementClient']>;

/** What the SDK method of a call must be given as its request options. */
export interface SdkRequestOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutInSeconds: number;
}

export interface SdkCallOptions {
  /** The SDK's client class. */
  readonly Client: Awaited<ReturnType<typeof loadAuth0Sdk>>['ManagementClient'];
  /** The tenant's host: the SDK builds `https://{host}/api/v2/…`. */
  readonly host: string;
  readonly tokens: TokenSource;
  /** A deadline for one attempt of a call, from now (a reading of `monotonic`). */
  readonly requestDeadline: () => number;
  /** The clock `requestDeadline` is a reading of (`performance.now()`). */
  readonly monotonic: () => number;
  /** The retrying transport of one attempt of a call, keeping `deadline`. */
  readonly retryingFetch: (deadline: number, idempotent: boolean) => RetryingFetch;
  /** The error for a call that failed; `subject` is the user id, or the connection's name. */
  readonly fail: (step: ManagementApiStep, subject: string | undefined, record: AttemptRecord, error: unknown) => ManagementApiError;
}

/**
 * Makes one call: `run` calls one SDK method. `idempotent: false` for
 * a call that must not run twice (only a 429 is retried then) — though a 401 did nothing, so even
 * such a call is sent again with a new token. Returns the SDK's answer and what its attempts came
 * to, or throws the step's `ManagementApiError`.
 */
export type SdkCall = <T>(
  step: ManagementApiStep,
  subject: string | undefined,
  run: SdkRun<T>,
  idempotent?: boolean,
) => Promise<{ readonly answer: T; readonly record: AttemptRecord }>;

/** Calls one SDK method, passing it `requestOptions`. */
export type SdkRun<T> = (client: SdkClient, requestOptions: SdkRequestOptions) => Promise<T>;

/** The header that names the call a request belongs to, on its way from the SDK to our `fetch`. */
const CALL_HEADER = 'x-afpr-call';

/** The SDK's own timeout must never fire before ours: our budget covers retries and waits. */
const SDK_TIMEOUT_MARGIN_SECONDS = 30;

/** A request the SDK made outside any call: a bug of ours, refused before it is sent. */
class UnroutedRequestError extends Error {
  override name = 'UnroutedRequestError' as const;
}

export function createSdkCall(options: SdkCallOptions): SdkCall {
  const { tokens, fail } = options;
  /** The transports of the calls in flight, by the value of their {@link CALL_HEADER}. */
  const inFlight = new Map<string, RetryingFetch>();
  let calls = 0;

  async function routeToCall(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const headers = new Headers(init?.headers);
    const retrying = inFlight.get(headers.get(CALL_HEADER) ?? '');
    if (retrying === undefined) throw new UnroutedRequestError('a Management API request outside any call');
    headers.delete(CALL_HEADER);
    return retrying.fetch(input, { ...init, headers });
  }

  const client = new options.Client({
    domain: options.host,
    token: () => tokens.current?.token ?? '',
    fetch: routeToCall as typeof globalThis.fetch,
    // Retries, timeouts and the deadline are ours (resilient-fetch.ts).
    maxRetries: 0,
  });

  async function attempt<T>(run: SdkRun<T>, idempotent: boolean) {
    const deadline = options.requestDeadline();
    const retrying = options.retryingFetch(deadline, idempotent);
    const sdkTimeout = Number.isFinite(deadline) ? Math.ceil((deadline - options.monotonic()) / 1000) : 3600;
    calls += 1;
    const id = String(calls);
    inFlight.set(id, retrying);
    try {
      const answer = await run(client, { headers: { [CALL_HEADER]: id }, timeoutInSeconds: Math.max(1, sdkTimeout) + SDK_TIMEOUT_MARGIN_SECONDS });
      return { answer, record: retrying.record } as const;
    } catch (error) {
      return { error, record: retrying.record } as const;
    } finally {
      inFlight.delete(id);
    }
  }

  return async function call(step, subject, run, idempotent = true) {
    await tokens.get();
    let result = await attempt(run, idempotent);
    // A token from memory or the cache that the API rejects (revoked, secret rotated) is replaced and the
    // call sent again. The replacement may be one another execution stored, rejected too if the keys
    // changed again since: then the second replacement is the token endpoint's own.
    for (let replaced = 0; replaced < 2 && 'error' in result && result.record.status === 401 && tokens.origin !== 'token-endpoint'; replaced += 1) {
      await tokens.replace();
      result = await attempt(run, idempotent);
    }
    if ('error' in result) throw fail(step, subject, result.record, result.error);
    return result;
  };
}
