import { describe, expect, it } from 'vitest';
import { createActionTokenStore, createTokenMemo, tokenCacheKey, TOKEN_LEEWAY_MS } from '../../../src/management/token-store.js';
import { createMemoryCache } from '../../../src/testing/memory-cache.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

const record = (token: string, expiresAt: number) => ({ token, expiresAt, scopes: undefined });

describe('the token store of an Action (module scope, then api.cache)', () => {
  const store = (cache = createMemoryCache(() => NOW), memo = createTokenMemo()) => ({
    cache,
    memo,
    tokens: createActionTokenStore(memo, 'acme.auth0.com\nclient-id', cache, 'client-id'),
  });

  it('reuses a token only while it has more than a minute to live', () => {
    const { tokens } = store();
    tokens.write(record('t', NOW + TOKEN_LEEWAY_MS + 1), NOW);
    expect(tokens.read(NOW)).toEqual({ record: record('t', NOW + TOKEN_LEEWAY_MS + 1), origin: 'memory' });
    expect(tokens.read(NOW + 1)).toBeUndefined();
  });

  it('writes api.cache with a ttl in milliseconds ending a minute before the token, capped at 24 h', () => {
    const { cache, tokens } = store();
    const key = tokenCacheKey('client-id');
    expect(tokens.write(record('opaque', NOW + 3_600_000), NOW)).toBeUndefined();
    expect(cache.get(key)?.expires_at).toBe(NOW + 3_600_000 - TOKEN_LEEWAY_MS);
    tokens.write(record('long', NOW + 7 * 86_400_000), NOW);
    expect(cache.get(key)?.expires_at).toBe(NOW + 86_400_000);
  });

  it('reads back from api.cache what another instance wrote, opaque tokens included, and not one about to expire', () => {
    const cache = createMemoryCache(() => NOW);
    store(cache).tokens.write(record('opaque-token', NOW + 3_600_000), NOW);
    const other = store(cache).tokens;
    expect(other.read(NOW)).toEqual({ record: record('opaque-token', NOW + 3_600_000), origin: 'cache' });
    expect(store(cache).tokens.read(NOW + 3_600_000 - TOKEN_LEEWAY_MS)).toBeUndefined();
  });

  it('keeps a token of unknown lifetime for this execution only', () => {
    const { cache, tokens } = store();
    expect(tokens.write(record('no-lifetime', 0), NOW)).toBeUndefined();
    expect(tokens.read(NOW)).toBeUndefined();
    expect(cache.entries().size).toBe(0);
  });

  it('reports a failed cache write instead of throwing, and survives a cache that throws', () => {
    const full = { ...createMemoryCache(), set: () => ({ type: 'error' as const, code: 'CACHE_FULL' }) };
    expect(store(full).tokens.write(record('t', NOW + 3_600_000), NOW)).toBe('CACHE_FULL');
    const broken = { ...createMemoryCache(), get: () => { throw new Error('down'); } };
    expect(store(broken).tokens.read(NOW)).toBeUndefined();
  });

  it('forgets a token in memory and in api.cache', () => {
    const { cache, tokens } = store();
    tokens.write(record('t', NOW + 3_600_000), NOW);
    tokens.forget();
    expect(tokens.read(NOW)).toBeUndefined();
    expect(cache.entries().size).toBe(0);
  });

  it('keeps cache keys within Auth0’s 64 bytes, and distinct per client', () => {
    const long = tokenCacheKey('x'.repeat(100));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(64);
    expect(long).not.toBe(tokenCacheKey(`${'x'.repeat(99)}y`));
  });
});
