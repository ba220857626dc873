import { describe, expect, it } from 'vitest';
import { requestedDelayMs } from '../../src/management/resilient-fetch.js';
import { isFresh, readCachedToken, readJwtExpiry, tokenCacheKey, TOKEN_LEEWAY_MS, writeCachedToken } from '../../src/management/token-cache.js';
import { createMemoryCache } from '../../src/testing/memory-cache.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const headers = (entries: Record<string, string>) => new Headers(entries);

describe('requestedDelayMs: how long a 429 or 5xx asks us to wait', () => {
  it.each([
    ['retry-after in seconds', { 'retry-after': '3' }, 503, 3000],
    ['retry-after as an HTTP date', { 'retry-after': new Date(NOW + 5000).toUTCString() }, 429, 5000],
    ['retry-after in the past', { 'retry-after': new Date(NOW - 5000).toUTCString() }, 429, 0],
    ['x-ratelimit-reset on a 429 (UNIX seconds)', { 'x-ratelimit-reset': String(NOW / 1000 + 2) }, 429, 2000],
    ['x-ratelimit-reset already passed', { 'x-ratelimit-reset': String(NOW / 1000 - 2) }, 429, 0],
    ['x-ratelimit-reset on a 503 with requests left: not a reason to wait', { 'x-ratelimit-reset': String(NOW / 1000 + 30), 'x-ratelimit-remaining': '5' }, 503, undefined],
    ['x-ratelimit-reset on a 503 with none left', { 'x-ratelimit-reset': String(NOW / 1000 + 1), 'x-ratelimit-remaining': '0' }, 503, 1000],
    ['no header', {}, 500, undefined],
  ])('%s', (_name, entries, status, expected) => {
    expect(requestedDelayMs(headers(entries), NOW, status)).toBe(expected);
  });
});

const jwt = (exp: number) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;

describe('the Management API token cache', () => {
  it('reads the expiry of a JWT, and nothing from anything else', () => {
    expect(readJwtExpiry(jwt(NOW / 1000 + 60))).toBe(NOW + 60_000);
    expect(readJwtExpiry('opaque-token')).toBeUndefined();
    expect(readJwtExpiry('a.not-base64-json.c')).toBeUndefined();
  });

  it('reuses a token only while it has more than a minute to live', () => {
    expect(isFresh({ token: 't', expiresAt: NOW + TOKEN_LEEWAY_MS + 1 }, NOW)).toBe(true);
    expect(isFresh({ token: 't', expiresAt: NOW + TOKEN_LEEWAY_MS }, NOW)).toBe(false);
    expect(isFresh(undefined, NOW)).toBe(false);
  });

  it('writes api.cache with a ttl in milliseconds ending a minute before the token, capped at 24 h', () => {
    const cache = createMemoryCache(() => NOW);
    const key = tokenCacheKey('client-id');
    expect(writeCachedToken(cache, key, { token: jwt(NOW / 1000 + 3600), expiresAt: NOW + 3_600_000 }, NOW)).toBeUndefined();
    expect(cache.get(key)?.expires_at).toBe(NOW + 3_600_000 - TOKEN_LEEWAY_MS);
    writeCachedToken(cache, key, { token: jwt(NOW / 1000 + 7 * 86_400), expiresAt: NOW + 7 * 86_400_000 }, NOW);
    expect(cache.get(key)?.expires_at).toBe(NOW + 86_400_000);
  });

  it('reads back what it wrote, and not a token that is about to expire', () => {
    const cache = createMemoryCache(() => NOW);
    const key = tokenCacheKey('client-id');
    const token = jwt(NOW / 1000 + 3600);
    writeCachedToken(cache, key, { token, expiresAt: NOW + 3_600_000 }, NOW);
    expect(readCachedToken(cache, key, NOW)).toEqual({ token, expiresAt: NOW + 3_600_000 });
    expect(readCachedToken(cache, key, NOW + 3_600_000 - TOKEN_LEEWAY_MS)).toBeUndefined();
  });

  it('reports a failed cache write instead of throwing, and survives a cache that throws', () => {
    const full = { ...createMemoryCache(), set: () => ({ type: 'error' as const, code: 'CACHE_FULL' }) };
    expect(writeCachedToken(full, 'k', { token: 't', expiresAt: NOW + 3_600_000 }, NOW)).toBe('CACHE_FULL');
    const broken = { ...createMemoryCache(), get: () => { throw new Error('down'); } };
    expect(readCachedToken(broken, 'k', NOW)).toBeUndefined();
  });

  it('keeps cache keys within Auth0’s 64 bytes, and distinct per client', () => {
    const long = tokenCacheKey('x'.repeat(100));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(64);
    expect(long).not.toBe(tokenCacheKey(`${'x'.repeat(99)}y`));
  });
});
