import { describe, expect, it } from 'vitest';
import {
  buildPostChangePasswordEvent,
  buildPostLoginEvent,
  GOOGLE_CONNECTION,
  SAML_CONNECTION,
} from '../../src/testing/events.js';
import { AUTH0_CACHE_LIMITS, createMemoryCache } from '../../src/testing/memory-cache.js';
import { createPostChangePasswordApi, createPostLoginApi } from '../../src/testing/recording-api.js';

describe('event builders', () => {
  it('default to a database user’s first login through the authorization-code flow', () => {
    const event = buildPostLoginEvent();
    expect(event.connection.strategy).toBe('auth0');
    expect(event.stats.logins_count).toBe(1);
    expect(event.transaction?.protocol).toBe('oidc-basic-profile');
    expect(event.user.user_id).toMatch(/^auth0\|/);
    expect(event.user.identities).toEqual([expect.objectContaining({ provider: 'auth0', isSocial: false })]);
    expect(event.user).not.toHaveProperty('last_password_reset');
  });

  it('merge overrides deeply, replace arrays, and remove fields set to undefined', () => {
    const event = buildPostLoginEvent({
      user: { app_metadata: { plan: 'gold' }, email: undefined },
      transaction: { locale: 'fr-CA' },
    });
    expect(event.user.app_metadata).toEqual({ plan: 'gold' });
    expect(event.user).not.toHaveProperty('email');
    expect(event.user.name).toBe('Ada Lovelace');
    expect(event.transaction?.locale).toBe('fr-CA');
    expect(event.transaction?.protocol).toBe('oidc-basic-profile');
  });

  it('make the identity and user id follow an overridden connection', () => {
    const social = buildPostLoginEvent({ connection: GOOGLE_CONNECTION });
    expect(social.user.user_id).toMatch(/^google-oauth2\|\d+$/);
    expect(social.user.identities[0]).toMatchObject({ provider: 'google-oauth2', isSocial: true });
    expect(buildPostLoginEvent({ connection: SAML_CONNECTION }).user.identities[0]).toMatchObject({ provider: 'samlp', isSocial: false });
  });

  it('never share state between events', () => {
    const first = buildPostLoginEvent();
    first.user.app_metadata['x'] = 1;
    expect(buildPostLoginEvent().user.app_metadata).toEqual({});
  });

  it('build a post-change-password event without app_metadata, as Auth0 sends it', () => {
    const event = buildPostChangePasswordEvent({ secrets: { AUTH0_DOMAIN: 'acme.eu.auth0.com' } });
    expect(event.user).not.toHaveProperty('app_metadata');
    expect(Date.parse(event.user.last_password_reset ?? '')).not.toBeNaN();
    expect(event.secrets).toEqual({ AUTH0_DOMAIN: 'acme.eu.auth0.com' });
  });
});

describe('recording api', () => {
  it('records denials and metadata writes, last write per key winning in pendingAppMetadata', () => {
    const api = createPostLoginApi();
    api.user.setAppMetadata('a', 1).user.setAppMetadata('a', 2);
    api.user.setAppMetadata('b', null);
    api.access.deny('first').access.deny('second');
    expect(api.appMetadataWrites).toEqual([
      ['a', 1],
      ['a', 2],
      ['b', null],
    ]);
    expect(api.pendingAppMetadata).toEqual({ a: 2, b: null });
    expect(api.deniedWith).toBe('first');
    expect(api.denials).toEqual(['first', 'second']);
  });

  it('keeps a copy of written values', () => {
    const api = createPostLoginApi();
    const value = { roles: ['a'] };
    api.user.setAppMetadata('v', value);
    value.roles.push('b');
    expect(api.pendingAppMetadata).toEqual({ v: { roles: ['a'] } });
  });

  it('gives the post-change-password api a cache and nothing else', () => {
    expect(Object.keys(createPostChangePasswordApi())).toEqual(['cache']);
  });
});

describe('createMemoryCache (Auth0’s api.cache)', () => {
  it('takes ttl in milliseconds and forgets entries when they expire', () => {
    let now = 1_000_000;
    const cache = createMemoryCache(() => now);
    expect(cache.set('k', 'v', { ttl: 5_000 })).toEqual({ type: 'success', record: { value: 'v', expires_at: 1_005_000 } });
    now += 4_999;
    expect(cache.get('k')?.value).toBe('v');
    now += 1;
    expect(cache.get('k')).toBeUndefined();
  });

  it('defaults to 15 minutes and caps lifetimes at 24 hours', () => {
    const now = 0;
    const cache = createMemoryCache(() => now);
    expect(cache.set('a', '1')).toMatchObject({ record: { expires_at: AUTH0_CACHE_LIMITS.defaultTtlMs } });
    expect(cache.set('b', '1', { ttl: 7 * 24 * 3600 * 1000 })).toMatchObject({ record: { expires_at: AUTH0_CACHE_LIMITS.maxTtlMs } });
  });

  it('refuses what Auth0 refuses: long keys, large values, a 21st entry, more than 8 kB in all', () => {
    const cache = createMemoryCache();
    expect(cache.set('k'.repeat(65), 'v')).toEqual({ type: 'error', code: 'KEY_TOO_LARGE' });
    expect(cache.set('k', 'v'.repeat(4097))).toEqual({ type: 'error', code: 'VALUE_TOO_LARGE' });
    for (let i = 0; i < 20; i += 1) expect(cache.set(`k${i}`, 'v').type).toBe('success');
    expect(cache.set('k20', 'v')).toEqual({ type: 'error', code: 'TOO_MANY_ENTRIES' });
    const full = createMemoryCache();
    expect(full.set('a', 'v'.repeat(4000)).type).toBe('success');
    expect(full.set('b', 'v'.repeat(4000)).type).toBe('success');
    expect(full.set('c', 'v'.repeat(400))).toEqual({ type: 'error', code: 'CACHE_FULL' });
  });

  it('deletes', () => {
    const cache = createMemoryCache();
    cache.set('k', 'v');
    cache.delete('k');
    expect(cache.get('k')).toBeUndefined();
  });
});
