import type { Auth0Cache } from '../auth0/common.js';

/** A Management API token and when it expires (epoch ms). */
export interface TokenRecord {
  token: string;
  expiresAt: number;
}

/** Reuse a token only while it has at least this long to live. */
export const TOKEN_LEEWAY_MS = 60_000;
/** Auth0 keeps a cache entry at most 24 hours. */
const MAX_CACHE_TTL_MS = 24 * 60 * 60 * 1000;
const CACHE_KEY_PREFIX = 'afpr:mgmt-token:';
/** Auth0 cache keys are at most 64 bytes. */
const MAX_CACHE_KEY_BYTES = 64;

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

/** The `exp` claim of a JWT access token, in epoch ms, or `undefined` when it has none. */
export function readJwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export const isFresh = (record: TokenRecord | undefined, now: number): record is TokenRecord =>
  record !== undefined && record.expiresAt - TOKEN_LEEWAY_MS > now;

/** Reads a token from `api.cache`; a missing or broken cache is just a miss. */
export function readCachedToken(cache: Auth0Cache | undefined, key: string, now: number): TokenRecord | undefined {
  try {
    const entry = cache?.get(key);
    if (entry === undefined || typeof entry.value !== 'string') return undefined;
    const expiresAt = readJwtExpiry(entry.value) ?? entry.expires_at;
    const record = { token: entry.value, expiresAt: Math.min(expiresAt, entry.expires_at + TOKEN_LEEWAY_MS) };
    return isFresh(record, now) ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stores a token in `api.cache` for other instances, with a `ttl` (milliseconds) ending before the
 * token expires. Returns the cache's error code when the write failed, for the log.
 */
export function writeCachedToken(
  cache: Auth0Cache | undefined,
  key: string,
  record: TokenRecord,
  now: number,
): string | undefined {
  if (cache === undefined) return 'no-cache';
  const ttl = Math.min(record.expiresAt - TOKEN_LEEWAY_MS - now, MAX_CACHE_TTL_MS);
  if (ttl <= 0) return undefined;
  try {
    const result = cache.set(key, record.token, { ttl });
    return result?.type === 'error' ? String(result.code) : undefined;
  } catch (error) {
    return error instanceof Error ? error.name : 'cache-error';
  }
}

export function deleteCachedToken(cache: Auth0Cache | undefined, key: string): void {
  try {
    cache?.delete(key);
  } catch {
    // A cache that cannot delete will hand out the stale token once more; the 401 path handles it.
  }
}
