import type { Auth0Cache } from '../auth0/common.js';

/** A Management API access token, what it may do, and when it expires (epoch ms). */
export interface TokenRecord {
  readonly token: string;
  /** Epoch milliseconds; `0` when the lifetime is unknown (the token serves one execution only). */
  readonly expiresAt: number;
  /** The granted scopes, when the token answer said (`scope`). */
  readonly scopes: ReadonlySet<string> | undefined;
}

/** Where a token came from: this instance's memory, `api.cache`, or a new token request. */
export type TokenOrigin = 'memory' | 'cache' | 'token-endpoint';

/**
 * Where a Management API client keeps its token between requests: in memory for a run of the
 * administrator tools; in module scope and `api.cache` for the clearer, so that executions of an
 * instance and instances of the Action share one.
 */
export interface TokenStore {
  /** A token with more than {@link TOKEN_LEEWAY_MS} to live, and where it was found. */
  read(epochNow: number): { readonly record: TokenRecord; readonly origin: Exclude<TokenOrigin, 'token-endpoint'> } | undefined;
  /** Keeps a new token; returns a warning (the cache's error code) when it could not be shared. */
  write(record: TokenRecord, epochNow: number): string | undefined;
  /** Forgets the token (the API rejected it). */
  forget(): void;
  /** The token request in flight, if any: concurrent executions wait for it instead of asking again. */
  pending: Promise<TokenRecord> | undefined;
}

/** Reuse a token only while it has at least this long to live. */
export const TOKEN_LEEWAY_MS = 60_000;
/** Auth0 keeps a cache entry at most 24 hours. */
const MAX_CACHE_TTL_MS = 24 * 60 * 60 * 1000;
const CACHE_KEY_PREFIX = 'afpr:mgmt-token:';
/** Auth0 cache keys are at most 64 bytes. */
const MAX_CACHE_KEY_BYTES = 64;

const isFresh = (record: TokenRecord | undefined, epochNow: number): record is TokenRecord =>
  record !== undefined && record.expiresAt - TOKEN_LEEWAY_MS > epochNow;

/** A store for one run: the token lives in memory only. */
export function createMemoryTokenStore(): TokenStore {
  let current: TokenRecord | undefined;
  return {
    pending: undefined,
    read: (epochNow) => (isFresh(current, epochNow) ? { record: current, origin: 'memory' } : undefined),
    write(record) {
      current = record;
      return undefined;
    },
    forget() {
      current = undefined;
    },
  };
}

/**
 * The tokens of one clearer, kept in module scope: they survive across the executions of an Action
 * instance. Keyed by domain and client id; `pending` holds the token requests in flight.
 */
export interface TokenMemo {
  readonly tokens: Map<string, TokenRecord>;
  readonly pending: Map<string, Promise<TokenRecord>>;
}

export const createTokenMemo = (): TokenMemo => ({ tokens: new Map(), pending: new Map() });

/**
 * The `api.cache` key of the token for one M2M client. A client id is not a secret; one longer
 * than fits is shortened with a stable hash.
 */
export function tokenCacheKey(clientId: string): string {
  const key = `${CACHE_KEY_PREFIX}${clientId}`;
  if (Buffer.byteLength(key) <= MAX_CACHE_KEY_BYTES) return key;
  let hash = 0x811c9dc5; // FNV-1a, 32 bit: enough to tell a tenant's few clients apart
  for (const char of clientId) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${CACHE_KEY_PREFIX}${clientId.slice(0, 32)}~${hash.toString(16)}`;
}

/**
 * A store for one execution of an Action: memory first (module scope), then `api.cache` (shared by
 * the trigger's instances). A cache entry is written with a `ttl` (milliseconds) that ends
 * {@link TOKEN_LEEWAY_MS} before the token expires, so its `expires_at` tells the lifetime; an
 * entry that is missing, malformed or about to expire is a miss. A broken cache never fails the
 * execution.
 */
export function createActionTokenStore(memo: TokenMemo, memoKey: string, cache: Auth0Cache | undefined, clientId: string): TokenStore {
  const cacheKey = tokenCacheKey(clientId);
  return {
    get pending() {
      return memo.pending.get(memoKey);
    },
    set pending(request) {
      if (request === undefined) memo.pending.delete(memoKey);
      else memo.pending.set(memoKey, request);
    },
    read(epochNow) {
      const remembered = memo.tokens.get(memoKey);
      if (isFresh(remembered, epochNow)) return { record: remembered, origin: 'memory' };
      try {
        const entry = cache?.get(cacheKey);
        const token = entry?.value;
        const expiresAt = entry?.expires_at;
        if (typeof token !== 'string' || token.length === 0 || typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
        const record: TokenRecord = { token, expiresAt: expiresAt + TOKEN_LEEWAY_MS, scopes: undefined };
        if (!isFresh(record, epochNow)) return undefined;
        memo.tokens.set(memoKey, record);
        return { record, origin: 'cache' };
      } catch {
        return undefined;
      }
    },
    write(record, epochNow) {
      // A token whose lifetime is unknown serves this execution only.
      if (record.expiresAt === 0) return undefined;
      memo.tokens.set(memoKey, record);
      if (cache === undefined) return 'no-cache';
      const ttl = Math.min(record.expiresAt - TOKEN_LEEWAY_MS - epochNow, MAX_CACHE_TTL_MS);
      if (ttl <= 0) return undefined;
      try {
        const result = cache.set(cacheKey, record.token, { ttl });
        return result?.type === 'error' ? String(result.code) : undefined;
      } catch (error) {
        return error instanceof Error ? error.name : 'cache-error';
      }
    },
    forget() {
      memo.tokens.delete(memoKey);
      try {
        cache?.delete(cacheKey);
      } catch {
        // A cache that cannot delete hands out the stale token once more; a 401 replaces it again.
      }
    },
  };
}
