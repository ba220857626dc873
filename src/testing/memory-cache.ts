import type { Auth0Cache, Auth0CacheEntry, Auth0CacheSetOptions, Auth0CacheWriteResult } from '../auth0/common.js';

/**
 * Auth0's documented `api.cache` limits (auth0.com/docs/customize/actions/limitations).
 *
 * @example
 * ```ts
 * const api = createPostLoginApi();
 * await onExecutePostLogin(buildPostLoginEvent(), api);
 * expect(api.cache.entries().size).toBeLessThanOrEqual(AUTH0_CACHE_LIMITS.maxEntries);
 * ```
 */
export const AUTH0_CACHE_LIMITS = {
  maxEntries: 20,
  maxKeyBytes: 64,
  // `as number`: the type these limits have always had (a declaration of each file alone needs it stated).
  maxValueBytes: 4 * 1024 as number,
  maxTotalBytes: 8 * 1024 as number,
  defaultTtlMs: 15 * 60 * 1000 as number,
  maxTtlMs: 24 * 60 * 60 * 1000 as number,
} as const;

/**
 * An `api.cache` you can inspect.
 *
 * @example
 * ```ts
 * const cache: MemoryCache = createMemoryCache();
 * cache.clear(); // as Auth0 may drop entries at any time
 * ```
 */
export interface MemoryCache extends Auth0Cache {
  /** The live entries, by key. */
  entries(): Map<string, Auth0CacheEntry>;
  /** Drops every entry, as Auth0 may at any time. */
  clear(): void;
}

/**
 * An in-memory `api.cache` that behaves like Auth0's: `ttl` and `expires_at` in milliseconds (the
 * earlier wins when both are given), 15 minutes by default, at most 24 hours, at most 20 entries, keys
 * up to 64 bytes, values up to 4 kB and 8 kB in all. A write over a limit returns
 * `{ type: 'error', code }` with Auth0's code (`CacheKeySizeExceeded`, `CacheValueSizeExceeded`,
 * `CacheSizeExceeded`), as Auth0 does.
 *
 * @param now The clock, in epoch milliseconds. @default the system clock, read at every call (so a
 * test's fake `Date` moves it)
 *
 * @example
 * ```ts
 * const cache = createMemoryCache();
 * cache.set('token', 'abc', { ttl: 60_000 }); // { type: 'success', record: { value: 'abc', expires_at: … } }
 * const api = createPostChangePasswordApi({ cache }); // share it between executions of one trigger
 * ```
 */
export function createMemoryCache(now: () => number = () => Date.now()): MemoryCache {
  const store = new Map<string, Auth0CacheEntry>();

  const prune = () => {
    const time = now();
    for (const [key, entry] of store) if (entry.expires_at <= time) store.delete(key);
  };
  const totalBytes = (except?: string) => {
    let total = 0;
    for (const [key, entry] of store) if (key !== except) total += Buffer.byteLength(key) + Buffer.byteLength(entry.value);
    return total;
  };

  return {
    get(key) {
      prune();
      const entry = store.get(key);
      return entry === undefined ? undefined : { ...entry };
    },
    set(key: string, value: string, options: Auth0CacheSetOptions = {}): Auth0CacheWriteResult {
      prune();
      if (typeof key !== 'string' || Buffer.byteLength(key) > AUTH0_CACHE_LIMITS.maxKeyBytes) {
        return { type: 'error', code: 'CacheKeySizeExceeded' };
      }
      if (typeof value !== 'string') return { type: 'error', code: 'FailedToSetCacheRecord' };
      if (Buffer.byteLength(value) > AUTH0_CACHE_LIMITS.maxValueBytes) return { type: 'error', code: 'CacheValueSizeExceeded' };
      if (!store.has(key) && store.size >= AUTH0_CACHE_LIMITS.maxEntries) return { type: 'error', code: 'CacheSizeExceeded' };
      if (totalBytes(key) + Buffer.byteLength(key) + Buffer.byteLength(value) > AUTH0_CACHE_LIMITS.maxTotalBytes) {
        return { type: 'error', code: 'CacheSizeExceeded' };
      }
      const time = now();
      const { ttl, expires_at: expiresAt } = options;
      if ((ttl !== undefined && !(ttl > 0)) || (expiresAt !== undefined && !Number.isFinite(expiresAt))) {
        return { type: 'error', code: 'InvalidExpiry' };
      }
      if (expiresAt !== undefined && expiresAt <= time) return { type: 'error', code: 'ItemAlreadyExpired' };
      const fromTtl = time + (ttl ?? AUTH0_CACHE_LIMITS.defaultTtlMs);
      const requested = expiresAt === undefined ? fromTtl : ttl === undefined ? expiresAt : Math.min(expiresAt, fromTtl);
      const entry = { value, expires_at: Math.min(requested, time + AUTH0_CACHE_LIMITS.maxTtlMs) };
      store.set(key, entry);
      return { type: 'success', record: { ...entry } };
    },
    delete(key) {
      store.delete(key);
      return { type: 'success' };
    },
    entries() {
      prune();
      return new Map([...store].map(([key, entry]) => [key, { ...entry }]));
    },
    clear() {
      store.clear();
    },
  };
}
