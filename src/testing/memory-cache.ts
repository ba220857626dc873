import type { Auth0Cache, Auth0CacheEntry, Auth0CacheSetOptions, Auth0CacheWriteResult } from '../auth0/common.js';

/** Auth0's documented `api.cache` limits. */
export const AUTH0_CACHE_LIMITS = {
  maxEntries: 20,
  maxKeyBytes: 64,
  maxValueBytes: 4 * 1024,
  maxTotalBytes: 8 * 1024,
  defaultTtlMs: 15 * 60 * 1000,
  maxTtlMs: 24 * 60 * 60 * 1000,
} as const;

/** An `api.cache` you can inspect. */
export interface MemoryCache extends Auth0Cache {
  /** The live entries, by key. */
  entries(): Map<string, Auth0CacheEntry>;
  /** Drops every entry, as Auth0 may at any time. */
  clear(): void;
}

/**
 * An in-memory `api.cache` that behaves like Auth0's: `ttl` and `expires_at` in milliseconds,
 * 15 minutes by default, at most 24 hours, at most 20 entries, keys up to 64 bytes, values up to
 * 4 kB and 8 kB in all. A write over a limit returns `{ type: 'error', code }`, as Auth0 does.
 *
 * @param now The clock, in epoch milliseconds.
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
        return { type: 'error', code: 'KEY_TOO_LARGE' };
      }
      if (typeof value !== 'string') return { type: 'error', code: 'INVALID_VALUE' };
      if (Buffer.byteLength(value) > AUTH0_CACHE_LIMITS.maxValueBytes) return { type: 'error', code: 'VALUE_TOO_LARGE' };
      if (!store.has(key) && store.size >= AUTH0_CACHE_LIMITS.maxEntries) return { type: 'error', code: 'TOO_MANY_ENTRIES' };
      if (totalBytes(key) + Buffer.byteLength(key) + Buffer.byteLength(value) > AUTH0_CACHE_LIMITS.maxTotalBytes) {
        return { type: 'error', code: 'CACHE_FULL' };
      }
      const time = now();
      const ttl = options.ttl ?? AUTH0_CACHE_LIMITS.defaultTtlMs;
      const requested = options.expires_at ?? time + ttl;
      const entry = { value, expires_at: Math.min(requested, time + AUTH0_CACHE_LIMITS.maxTtlMs) };
      store.set(key, entry);
      return { type: 'success', record: { ...entry } };
    },
    delete(key) {
      const entry = store.get(key);
      store.delete(key);
      return entry === undefined
        ? { type: 'success', record: { value: '', expires_at: 0 } }
        : { type: 'success', record: { ...entry } };
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
