import { describe, expect, it, vi } from 'vitest';
import { TRANSPORT_KEY, transportOf } from '../../../src/internal/transport.js';
import {
  buildPostChangePasswordEvent,
  buildPostLoginEvent,
  GOOGLE_CONNECTION,
  SAML_CONNECTION,
  TEST_HOSTNAME,
} from '../../../src/testing/events.js';
import { signHs256 } from '../../../src/internal/jwt.js';
import { OptionsError } from '../../../src/errors/index.js';
import { AUTH0_CACHE_LIMITS, createMemoryCache } from '../../../src/testing/memory-cache.js';
import { createPostChangePasswordApi, createPostLoginApi, NETWORK_REFUSED_CODE } from '../../../src/testing/recording-api.js';

const decodeClaims = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

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
    const event = buildPostChangePasswordEvent({ secrets: { AUTH0_DOMAIN: 'acme.auth0.test' } });
    expect(event.user).not.toHaveProperty('app_metadata');
    expect(Date.parse(event.user.last_password_reset ?? '')).not.toBeNaN();
    expect(event.secrets).toEqual({ AUTH0_DOMAIN: 'acme.auth0.test' });
    expect(event.request).toMatchObject({ method: 'POST', geoip: expect.any(Object) });
  });

  it('name only hosts reserved for tests (.test, example.com), so nothing derived from an event reaches a real tenant', () => {
    // Every host in a URL, after an @, or standing as a field's whole value.
    const hosts = (value: unknown): string[] =>
      [...JSON.stringify(value).matchAll(/https?:\/\/([^/"]+)|@([a-z0-9.-]+)|"([a-z0-9-]+(?:\.[a-z0-9-]+)+)"/gi)]
        .map((match) => (match[1] ?? match[2] ?? match[3] ?? '').toLowerCase())
        .filter((host) => !/^[\d.]+$/.test(host));
    const named = [...hosts(buildPostLoginEvent()), ...hosts(buildPostChangePasswordEvent())];
    expect(named.length).toBeGreaterThan(0);
    for (const host of named) expect(host).toMatch(/(\.test|(^|\.)example\.com)$/);
    expect(buildPostLoginEvent().request.hostname).toBe(TEST_HOSTNAME);
    expect(TEST_HOSTNAME).toMatch(/\.test$/);
  });

  it('model the documented surface: request geoip and method, transaction metadata, session, roles', () => {
    const event = buildPostLoginEvent();
    expect(event.request).toMatchObject({ method: 'POST', geoip: { countryCode: 'GB' }, query: {}, body: {} });
    expect(event.transaction).toMatchObject({ metadata: {}, response_type: ['code'] });
    expect(event.session?.id).toEqual(expect.any(String));
    expect(event.authorization).toEqual({ roles: [] });
    expect(buildPostLoginEvent({ connection: GOOGLE_CONNECTION }).authentication?.methods[0]?.name).toBe('federated');
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

  it('gives the post-change-password api a cache and nothing else a handler can see', () => {
    expect(Object.keys(createPostChangePasswordApi())).toEqual(['cache']);
  });

  it('records every other call: MFA, scopes, sessions, SAML, with copies of the arguments', () => {
    const api = createPostLoginApi();
    const factor = { type: 'phone' as const, options: { preferredMethod: 'sms' as const } };
    api.authentication.challengeWith(factor, { additionalFactors: [{ type: 'otp' }] });
    factor.options.preferredMethod = 'voice' as 'sms';
    api.multifactor.enable('any', { allowRememberBrowser: true }).accessToken.addScope('read:reports');
    api.session.setCookieMode('non-persistent');
    api.samlResponse.setAttribute('role', 'admin');
    api.idToken.setCustomClaim('https://acme.test/plan', 'gold');
    expect(api.calls).toEqual([
      { method: 'authentication.challengeWith', args: [{ type: 'phone', options: { preferredMethod: 'sms' } }, { additionalFactors: [{ type: 'otp' }] }] },
      { method: 'multifactor.enable', args: ['any', { allowRememberBrowser: true }] },
      { method: 'accessToken.addScope', args: ['read:reports'] },
      { method: 'session.setCookieMode', args: ['non-persistent'] },
      { method: 'samlResponse.setAttribute', args: ['role', 'admin'] },
      { method: 'idToken.setCustomClaim', args: ['https://acme.test/plan', 'gold'] },
    ]);
    expect(api.idTokenClaims).toEqual({ 'https://acme.test/plan': 'gold' });
  });

  it('refuses metadata writes Auth0 would refuse, with the mistake named', () => {
    const api = createPostLoginApi();
    expect(() => api.user.setAppMetadata('', true)).toThrow(
      '[auth0-force-password-reset] api.user.setAppMetadata: "key" must be a non-empty string (got ""); the value is the second argument, not a user id',
    );
    expect(() => api.user.setUserMetadata('a', { 'b.c': 1 })).toThrow('key "b.c" contains "." or "$", which Auth0 refuses');
    expect(api.userMetadataWrites).toEqual([]);
  });

  it('updates event.transaction.metadata at once, as Auth0 does for later Actions', () => {
    const event = buildPostLoginEvent();
    const api = createPostLoginApi({ event });
    api.transaction.setMetadata('step', 2);
    api.transaction.setMetadata('gone', null);
    expect(event.transaction?.metadata).toEqual({ step: 2 });
    expect(api.transactionMetadata).toEqual({ step: 2 });
  });
});

describe('the options of the recording apis', () => {
  it('names every problem of createPostLoginApi’s options at once', () => {
    let thrown: unknown;
    try {
      createPostLoginApi({ event: 'login', cache: { get: () => undefined }, fetch: 'fetch', state: '', tenantDomain: 7, secrets: {} } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OptionsError);
    expect((thrown as Error).message).toBe(
      '[auth0-force-password-reset] createPostLoginApi: ' +
        '"options.secrets" is not a known option (known: event, cache, fetch, state, tenantDomain); ' +
        '"options.event" must be a post-login event, such as buildPostLoginEvent() returns (got "login"); ' +
        '"options.cache" must be an api.cache such as createMemoryCache() returns (got an object); ' +
        '"options.fetch" must be a function (got "fetch"); ' +
        '"options.state" must be a non-empty string (got ""); ' +
        '"options.tenantDomain" must be a host name such as "acme.auth0.test" (got 7)',
    );
  });

  it('names every problem of createPostChangePasswordApi’s options', () => {
    expect(() => createPostChangePasswordApi({ cache: {}, event: buildPostChangePasswordEvent() } as never)).toThrow(
      new OptionsError('createPostChangePasswordApi', [
        { code: 'custom', path: 'options.event', expected: 'is not a known option (known: cache, fetch)' },
        { code: 'custom', path: 'options.cache', expected: 'must be an api.cache such as createMemoryCache() returns (got an object)' },
      ]),
    );
  });
});

describe('the transport of a recording api', () => {
  it('refuses every request, lists it without its query string, and says how to opt in', async () => {
    const api = createPostLoginApi();
    const transport = transportOf(api);
    expect(transport).toBeTypeOf('function');

    const refused = await transport!('https://acme.eu.auth0.com/oauth/token?client_secret=s3cret', { method: 'POST' }).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as Error).message).toBe(
      '[auth0-force-password-reset] createPostLoginApi: refused POST https://acme.eu.auth0.com/oauth/token: an api from auth0-force-password-reset/testing never reaches the network. ' +
        'To let the handler reach a local tenant, create the api with createPostLoginApi({ fetch: tenant.fetch }), or give the handler its own "fetch" option',
    );
    expect((refused as Error).cause).toMatchObject({ code: NETWORK_REFUSED_CODE });
    expect(JSON.stringify(api.blockedRequests)).not.toContain('s3cret');
    expect(api.blockedRequests).toEqual([{ method: 'POST', url: 'https://acme.eu.auth0.com/oauth/token' }]);
  });

  it('is the fetch it was given, and survives a spread copy of the api', async () => {
    const fetch = vi.fn(async () => new Response('ok'));
    const api = createPostChangePasswordApi({ fetch });
    expect(transportOf({ ...api })).toBe(fetch);
    expect(transportOf(createPostLoginApi({ fetch }))).toBe(fetch);
    expect(Object.getOwnPropertySymbols(createPostLoginApi())).toContain(TRANSPORT_KEY);
    expect(createPostChangePasswordApi().blockedRequests).toEqual([]);
  });
});

describe('api.redirect of a recording api, as Auth0 documents it', () => {
  const secret = 'a-shared-secret-of-at-least-32-bytes!';

  it('sends the user to the URL with the query and Auth0\'s state appended', () => {
    const api = createPostLoginApi({ state: 'st4te' });
    api.redirect.sendUserTo('https://page.acme.test/change?lang=fr', { query: { session_token: 'tok' } });
    expect(api.redirectedTo).toEqual({ url: 'https://page.acme.test/change?lang=fr&session_token=tok&state=st4te', state: 'st4te' });
  });

  it('signs a session token with sub, iss, ip, iat and exp from the event, and the payload', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.parse('2030-01-01T00:00:00.000Z'));
      const event = buildPostLoginEvent({ user: { user_id: 'auth0|abc' } });
      const token = createPostLoginApi({ event }).redirect.encodeToken({ secret, payload: { flag: 'x' }, expiresInSeconds: 60 });
      const iat = Date.parse('2030-01-01T00:00:00.000Z') / 1000;
      expect(decodeClaims(token)).toEqual({ iat, exp: iat + 60, sub: 'auth0|abc', iss: TEST_HOSTNAME, ip: '203.0.113.10', flag: 'x' });
      expect(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('validates the token sent back to /continue: signature, expiry, issuer, subject and state', () => {
    const event = buildPostLoginEvent({ user: { user_id: 'auth0|abc' } });
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'auth0|abc', iss: TEST_HOSTNAME, iat: now, exp: now + 60, state: 'st4te', changed: true };
    const continueWith = (token: string, body: Record<string, unknown> = {}) =>
      createPostLoginApi({ event: { ...event, request: { ...event.request, query: { state: 'st4te' }, body: { session_token: token, ...body } } } });

    expect(continueWith(signHs256(claims, secret)).redirect.validateToken({ secret })).toEqual(claims);
    const invalid = (token: string) => () => continueWith(token).redirect.validateToken({ secret });
    expect(invalid(signHs256(claims, 'another-secret'))).toThrow('The session token is invalid: Failed signature validation');
    expect(invalid(signHs256({ ...claims, exp: now - 1 }, secret))).toThrow('The session token is invalid: Token has expired.');
    expect(invalid(signHs256({ ...claims, sub: 'auth0|other' }, secret))).toThrow('The session token is invalid: The sub claim does not match the user_id.');
    expect(invalid(signHs256({ ...claims, iss: 'evil.example.com' }, secret))).toThrow('The session token is invalid: The iss claim does not match the tenant domain.');
    expect(invalid(signHs256({ ...claims, state: 'other' }, secret))).toThrow('The session token is invalid: State in the token does not match the /continue state.');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect(invalid(unsigned)).toThrow('The session token is invalid: Failed signature validation');
    expect(() => createPostLoginApi({ event }).redirect.validateToken({ secret, tokenParameterName: 'token' })).toThrow(
      "There is no parameter called 'token' available in either the POST body or query string.",
    );
  });

  it('tells whether the login can redirect: not for refresh-token or password grants, nor prompt=none', () => {
    const can = (overrides: Parameters<typeof buildPostLoginEvent>[0]) => createPostLoginApi({ event: buildPostLoginEvent(overrides) }).redirect.canRedirect();
    expect(can({})).toBe(true);
    for (const protocol of ['oauth2-refresh-token', 'oauth2-resource-owner', 'oauth2-password', 'oauth2-webauthn']) {
      expect(can({ transaction: { protocol } })).toBe(false);
    }
    expect(can({ request: { query: { prompt: 'none' } } })).toBe(false);
    expect(can({ transaction: { prompt: ['none'] } })).toBe(false);
  });

  it('refuses a redirect and a rendered form in the same Action, as Auth0 does', () => {
    const api = createPostLoginApi();
    api.prompt.render('ap_form');
    expect(() => api.redirect.sendUserTo('https://page.acme.test/')).toThrow('Redirect and render commands cannot be used in the same action.');
    expect(() => api.prompt.render('ap_form')).toThrow('Only 1 render command per action is allowed.');
  });

  it('never records the secret', () => {
    const api = createPostLoginApi();
    api.redirect.encodeToken({ secret, payload: {} });
    expect(JSON.stringify(api.calls)).not.toContain(secret);
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
    expect(cache.set('k'.repeat(65), 'v')).toEqual({ type: 'error', code: 'CacheKeySizeExceeded' });
    expect(cache.set('k', 'v'.repeat(4097))).toEqual({ type: 'error', code: 'CacheValueSizeExceeded' });
    for (let i = 0; i < 20; i += 1) expect(cache.set(`k${i}`, 'v').type).toBe('success');
    expect(cache.set('k20', 'v')).toEqual({ type: 'error', code: 'CacheSizeExceeded' });
    const full = createMemoryCache();
    expect(full.set('a', 'v'.repeat(4000)).type).toBe('success');
    expect(full.set('b', 'v'.repeat(4000)).type).toBe('success');
    expect(full.set('c', 'v'.repeat(400))).toEqual({ type: 'error', code: 'CacheSizeExceeded' });
  });

  it('deletes, answering { type: "success" } as Auth0 does', () => {
    const cache = createMemoryCache();
    cache.set('k', 'v');
    expect(cache.delete('k')).toEqual({ type: 'success' });
    expect(cache.get('k')).toBeUndefined();
  });

  it('takes the earlier of ttl and expires_at, and refuses an expiry in the past or a ttl that is not positive', () => {
    const now = 1_000_000;
    const cache = createMemoryCache(() => now);
    expect(cache.set('a', '1', { ttl: 10_000, expires_at: now + 5_000 })).toMatchObject({ record: { expires_at: now + 5_000 } });
    expect(cache.set('b', '1', { ttl: 5_000, expires_at: now + 10_000 })).toMatchObject({ record: { expires_at: now + 5_000 } });
    expect(cache.set('c', '1', { expires_at: now })).toEqual({ type: 'error', code: 'ItemAlreadyExpired' });
    expect(cache.set('d', '1', { ttl: 0 })).toEqual({ type: 'error', code: 'InvalidExpiry' });
  });

  it('follows the system clock by default, a fake one included', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.parse('2030-01-01T00:00:00.000Z'));
      const cache = createMemoryCache();
      cache.set('k', 'v', { ttl: 1_000 });
      vi.setSystemTime(Date.parse('2030-01-01T00:00:01.000Z'));
      expect(cache.get('k')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});
