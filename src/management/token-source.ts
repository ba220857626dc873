import type { ManagementApiError } from '../errors/management-api-error.js';
import { readClaimsUnverified } from '../internal/jwt.js';
import { isRecord } from '../obligation/obligation.js';
import type { TenantDomain } from './domain.js';
import type { AttemptRecord, RetryingFetch } from './resilient-fetch.js';
import type { TokenOrigin, TokenRecord, TokenStore } from './token-store.js';

/**
 * The Management API token of one client: its own while it lasts, else one from the store (memory,
 * `api.cache`), else a new one from the token endpoint (client credentials) — one request shared
 * by every concurrent caller of the store, written back to it for the next.
 */

export interface TokenSourceOptions {
  readonly domain: TenantDomain;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where tokens are kept between clients (and executions), and the request in flight. */
  readonly store: TokenStore;
  /** The `fetch` for one token request, with its retries and deadline (never paced). */
  readonly retryingFetch: () => RetryingFetch;
  /** The error for a token request that failed (`malformed` for an answer that cannot be used). */
  readonly fail: (record: AttemptRecord, error: unknown, malformed?: string) => ManagementApiError;
  /** Reports a token that could not be shared (a failed `api.cache` write). */
  readonly warn?: ((reason: string, detail: string) => void) | undefined;
}

export interface TokenSource {
  /** The token to use now. */
  get(): Promise<TokenRecord>;
  /**
   * Replaces the token in use, which the API rejected (revoked, secret rotated): by the one another
   * execution stored since, or else forgotten everywhere and asked for again.
   */
  replace(): Promise<TokenRecord>;
  /** The token in use, once one was needed. */
  readonly current: TokenRecord | undefined;
  /** Where {@link current} came from. */
  readonly origin: TokenOrigin | undefined;
}

/** A client keeps using its token until this close to its expiry (then the store's rules apply). */
const CURRENT_TOKEN_MARGIN_MS = 5_000;

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The token, its scopes and its lifetime from the body of a token answer, received at `epochNow`;
 * `undefined` when it holds no usable `access_token`. The lifetime is `expires_in` (RFC 6749 §5.1),
 * the scopes `scope`; a JWT's `exp` and `scope` claims only when those are missing. A token of
 * unknown lifetime (`expiresAt` 0) serves this execution only.
 */
export function readTokenAnswer(body: string | undefined, epochNow: number): TokenRecord | undefined {
  const answer = parseJson(body);
  const token = isRecord(answer) ? answer['access_token'] : undefined;
  if (!isRecord(answer) || typeof token !== 'string' || token.length === 0 || /\s/.test(token)) return undefined;
  const { expires_in: expiresIn, scope: grantedScope } = answer;
  const claims = typeof expiresIn === 'number' && typeof grantedScope === 'string' ? {} : readClaimsUnverified(token);
  const exp = claims['exp'];
  const expiresAt =
    typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
      ? epochNow + expiresIn * 1000
      : typeof exp === 'number' && Number.isFinite(exp)
        ? exp * 1000
        : 0;
  const scope = typeof grantedScope === 'string' ? grantedScope : claims['scope'];
  return { token, expiresAt, scopes: typeof scope === 'string' ? new Set(scope.split(' ').filter(Boolean)) : undefined };
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { domain, clientId, clientSecret, store, fail, warn } = options;
  let current: TokenRecord | undefined;
  let origin: TokenOrigin | undefined;

  /** `POST /oauth/token` (client credentials). */
  async function requestToken(): Promise<TokenRecord> {
    const retrying = options.retryingFetch();
    let response: Response;
    try {
      response = await retrying.fetch(`https://${domain.host}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          audience: `https://${domain.host}/api/v2/`,
        }).toString(),
      });
    } catch (error) {
      throw fail(retrying.record, error);
    }
    if (!response.ok) throw fail(retrying.record, undefined);
    const record = readTokenAnswer(retrying.record.body, Date.now());
    if (record === undefined) throw fail(retrying.record, undefined, 'malformed answer: no access_token');
    return record;
  }

  async function obtain(refresh: boolean): Promise<TokenRecord> {
    if (refresh) {
      // Only the rejected token (this client's) is forgotten: another execution that met the same 401
      // may have stored its replacement already, and that one serves here too.
      const found = store.read(Date.now());
      if (found !== undefined && found.record.token !== current?.token) {
        current = found.record;
        origin = found.origin;
        return found.record;
      }
      store.forget();
    } else if (current !== undefined && (current.expiresAt === 0 || current.expiresAt - CURRENT_TOKEN_MARGIN_MS > Date.now())) {
      // This client's own token serves its next call — one of unknown lifetime included — even when
      // too close to expiry to be shared with the next execution.
      return current;
    } else {
      const found = store.read(Date.now());
      if (found !== undefined) {
        current = found.record;
        origin = found.origin;
        return found.record;
      }
    }
    // Concurrent executions of one instance share one token request.
    let request = store.pending;
    const own = request === undefined;
    if (request === undefined) {
      const started = requestToken();
      request = started;
      store.pending = started;
      started
        .finally(() => {
          if (store.pending === started) store.pending = undefined;
        })
        .catch(() => {});
    }
    const record = await request;
    if (own) {
      const warning = store.write(record, Date.now());
      if (warning !== undefined) warn?.('cache-write-failed', `api.cache.set failed (${warning}); token kept in memory only`);
    }
    current = record;
    origin = 'token-endpoint';
    return record;
  }

  return {
    get: () => obtain(false),
    replace: () => obtain(true),
    get current() {
      return current;
    },
    get origin() {
      return origin;
    },
  };
}
