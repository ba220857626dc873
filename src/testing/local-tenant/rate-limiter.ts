import { auth0ErrorBody, type TenantResponse } from './http-messages.js';

/**
 * A named Management API rate limit of an Auth0 plan: `free` (2 requests per second, a burst of
 * 2) and `enterprise` (production: 16 per second, a burst of 50), as Auth0's rate-limit policy
 * pages list them for the whole Management API.
 *
 * @example
 * ```ts
 * await using tenant = await startLocalTenant({ rateLimit: 'free' });
 * ```
 */
export type RateLimitPreset = 'free' | 'enterprise';

/**
 * A token bucket: `burst` requests at once, refilled at `perSecond`.
 *
 * @example
 * ```ts
 * // Fast enough for a benchmark of 100,000 users, with Auth0's headers and 429s.
 * await using tenant = await startLocalTenant({ rateLimit: { perSecond: 250, burst: 50 } });
 * ```
 */
export interface RateLimitSettings {
  /** Requests per second the bucket refills with. */
  readonly perSecond: number;
  /** How many requests it holds: what may go at once after a pause. */
  readonly burst: number;
}

/** The plans' limits (Auth0's "Management API rate limits" for each plan). */
export const RATE_LIMIT_PRESETS: Readonly<Record<RateLimitPreset, RateLimitSettings>> = Object.freeze({
  free: Object.freeze({ perSecond: 2, burst: 2 }),
  enterprise: Object.freeze({ perSecond: 16, burst: 50 }),
});

/** The verdict on one request: its rate-limit headers, and the 429 that answers it when the bucket is empty. */
export interface RateLimitVerdict {
  readonly headers: Readonly<Record<string, string>>;
  readonly refusal: TenantResponse | undefined;
}

/** The Management API's bucket, by the tenant clock. */
export interface RateLimiter {
  /** Takes one request from the bucket now, or refuses it. */
  take(): RateLimitVerdict;
}

/**
 * Creates the bucket of a local tenant's Management API. Every response carries Auth0's headers:
 * `x-ratelimit-limit` (the burst), `x-ratelimit-remaining` (whole requests left) and
 * `x-ratelimit-reset` (UNIX seconds, rounded up, when the bucket is full again); a request that
 * finds it empty gets a 429 with `retry-after` (seconds until one request is back) and Auth0's body.
 * `now` is the system clock, so a test's fake clock refills it.
 */
export function createRateLimiter({ perSecond, burst }: RateLimitSettings, now: () => number): RateLimiter {
  let level = burst;
  let refilledAt = now();
  const msPerRequest = 1000 / perSecond;

  return {
    take() {
      const nowMs = now();
      // A clock set back (a test's fake clock) refills nothing and takes nothing away.
      level = Math.min(burst, level + Math.max(0, nowMs - refilledAt) / msPerRequest);
      refilledAt = nowMs;
      const allowed = level >= 1;
      if (allowed) level -= 1;
      const fullAtMs = nowMs + (burst - level) * msPerRequest;
      const headers = {
        'x-ratelimit-limit': String(burst),
        'x-ratelimit-remaining': String(Math.floor(level)),
        'x-ratelimit-reset': String(Math.ceil(fullAtMs / 1000)),
      };
      if (allowed) return { headers, refusal: undefined };
      const retryAfterSeconds = Math.max(1, Math.ceil(((1 - level) * msPerRequest) / 1000));
      return {
        headers,
        refusal: {
          status: 429,
          headers: { ...headers, 'retry-after': String(retryAfterSeconds) },
          body: auth0ErrorBody(429, 'Global limit has been reached'),
        },
      };
    },
  };
}
