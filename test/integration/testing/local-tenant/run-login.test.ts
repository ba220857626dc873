import { describe, expect, vi } from 'vitest';
import type { PostChangePasswordEvent } from '../../../../src/auth0/post-change-password.js';
import type { PostLoginEvent } from '../../../../src/auth0/post-login.js';
import { ManagementApiError } from '../../../../src/errors/index.js';
import { createFirstLoginGate } from '../../../../src/gate/create-first-login-gate.js';
import type { LogEntry } from '../../../../src/internal/log.js';
import { signHs256 } from '../../../../src/internal/jwt.js';
import type { LocalTenant, PostLoginActionHandler } from '../../../../src/testing/local-tenant/index.js';
import { NEW_PASSWORD, tenantTest as it } from '../../../helpers/local-tenant.js';

/** A handler that records the event it received, and does nothing else. */
function recordingHandler() {
  const events: PostLoginEvent[] = [];
  const handler = vi.fn(async (event: PostLoginEvent) => {
    events.push(event);
  });
  return { handler, events };
}

describe('runLogin', () => {
  describe('the event', () => {
    it('counts the login before the handler runs: the first login sees 1, denied logins count too', async ({ tenant }) => {
      const user = tenant.users.create({ email: 'ada@example.com' });
      const seen: number[] = [];
      const storedDuringHandler: number[] = [];
      const denyAll: PostLoginActionHandler = (event, api) => {
        seen.push(event.stats.logins_count);
        storedDuringHandler.push(tenant.users.get(user.user_id)!.logins_count);
        api.access.deny('no');
      };

      await tenant.runLogin(user.user_id, denyAll);
      await tenant.runLogin(user.user_id, denyAll);

      expect(seen).toEqual([1, 2]);
      expect(storedDuringHandler).toEqual([1, 2]);
      expect(tenant.users.get(user.user_id)!.logins_count).toBe(2);
    });

    it('is built from the store: user, connection, transaction, request, tenant and secrets', async ({ tenant }) => {
      const created = tenant.users.create({
        email: 'ada@example.com',
        app_metadata: { plan: 'gold' },
        user_metadata: { theme: 'dark' },
        created_at: '2025-01-02T03:04:05.000Z',
      });
      tenant.users.changePassword(created.user_id, NEW_PASSWORD);
      const { handler, events } = recordingHandler();

      const outcome = await tenant.runLogin(created.user_id, handler, {
        protocol: 'oauth2-refresh-token',
        locale: 'fr-CA',
        secrets: { API_KEY: 'k' },
      });

      const stored = tenant.users.get(created.user_id)!;
      const database = tenant.connections.get('Username-Password-Authentication')!;
      const event = events[0]!;
      expect(event.user).toMatchObject({
        user_id: created.user_id,
        email: 'ada@example.com',
        email_verified: false,
        app_metadata: { plan: 'gold' },
        user_metadata: { theme: 'dark' },
        created_at: '2025-01-02T03:04:05.000Z',
        updated_at: stored.updated_at,
        last_password_reset: stored.last_password_reset,
        identities: [{ connection: database.name, provider: 'auth0', isSocial: false, user_id: created.user_id.slice('auth0|'.length) }],
      });
      // Auth0 has no event.user.logins_count: the count lives in event.stats.
      expect(event.user).not.toHaveProperty('logins_count');
      expect(event.connection).toEqual({ id: database.id, name: database.name, strategy: 'auth0' });
      expect(event.stats).toEqual({ logins_count: 1 });
      expect(event.transaction).toMatchObject({ protocol: 'oauth2-refresh-token', locale: 'fr-CA' });
      expect(event.request).toMatchObject({ hostname: tenant.domain, language: 'fr-CA', query: {}, body: {} });
      expect(event.client).toEqual({ client_id: expect.any(String), name: expect.any(String), metadata: {} });
      expect(event.tenant).toEqual({ id: 'local' });
      expect(event.secrets).toEqual({ API_KEY: 'k' });
      expect(outcome.event).toEqual(event);
    });

    it('defaults to an authorization-code login in English, with no secrets', async ({ tenant }) => {
      const user = tenant.users.create();
      const { handler, events } = recordingHandler();
      await tenant.runLogin(user.user_id, handler);
      expect(events[0]!.transaction).toMatchObject({ protocol: 'oidc-basic-profile', locale: 'en' });
      expect(events[0]!.secrets).toEqual({});
      expect(events[0]!.user).not.toHaveProperty('last_password_reset');
    });

    it('gives a social user the social connection and identity', async ({ tenant }) => {
      const user = tenant.users.create({ connection: 'google-oauth2', email: 'grace@example.com' });
      const { handler, events } = recordingHandler();
      await tenant.runLogin(user.user_id, handler);
      expect(events[0]!.connection).toMatchObject({ name: 'google-oauth2', strategy: 'google-oauth2' });
      expect(events[0]!.user.identities).toEqual([expect.objectContaining({ provider: 'google-oauth2', isSocial: true })]);
    });
  });

  describe('metadata writes', () => {
    it('are batched and saved once, after the last handler; null deletes a key', async ({ tenant }) => {
      const user = tenant.users.create({ app_metadata: { plan: 'gold', legacy: 1 } });
      const storedDuringFlow: unknown[] = [];
      const writer: PostLoginActionHandler = (_event, api) => {
        api.user.setAppMetadata('flag', true).user.setAppMetadata('legacy', null);
        storedDuringFlow.push(tenant.users.get(user.user_id)!.app_metadata);
      };
      const observer: PostLoginActionHandler = () => {
        storedDuringFlow.push(tenant.users.get(user.user_id)!.app_metadata);
      };

      const outcome = await tenant.runLogin(user.user_id, [writer, observer]);

      expect(storedDuringFlow).toEqual([
        { plan: 'gold', legacy: 1 },
        { plan: 'gold', legacy: 1 },
      ]);
      expect(outcome).toMatchObject({ allowed: true, metadataSaved: true, handlersRun: 2 });
      expect(outcome.appMetadataWrites).toEqual([
        ['flag', true],
        ['legacy', null],
      ]);
      expect(outcome.user.app_metadata).toEqual({ plan: 'gold', flag: true });
      expect(tenant.users.get(user.user_id)!.app_metadata).toEqual({ plan: 'gold', flag: true });
    });

    it('are saved on a deny too', async ({ tenant }) => {
      const user = tenant.users.create();
      const outcome = await tenant.runLogin(user.user_id, (_event, api) => {
        api.user.setAppMetadata('flag', true);
        api.access.deny('Please reset your password!');
      });
      expect(outcome).toMatchObject({ allowed: false, deniedWith: 'Please reset your password!', metadataSaved: true });
      expect(outcome).not.toHaveProperty('error');
      expect(tenant.users.get(user.user_id)!.app_metadata).toEqual({ flag: true });
    });

    it('are visible to later handlers in event.user.app_metadata', async ({ tenant }) => {
      const user = tenant.users.create({ app_metadata: { plan: 'gold', legacy: 1 } });
      const { handler: later, events } = recordingHandler();
      await tenant.runLogin(user.user_id, [
        (_event, api) => {
          api.user.setAppMetadata('flag', true);
          api.user.setAppMetadata('legacy', null);
          api.user.setUserMetadata('seen', 1);
        },
        later,
      ]);
      expect(events[0]!.user.app_metadata).toEqual({ plan: 'gold', flag: true });
      expect(events[0]!.user.user_metadata).toEqual({ seen: 1 });
      expect(tenant.users.get(user.user_id)!.user_metadata).toEqual({ seen: 1 });
    });

    it('refuses a key with "." or "$", as Auth0 does', async ({ tenant }) => {
      const user = tenant.users.create();
      const outcome = await tenant.runLogin(user.user_id, (_event, api) => {
        api.user.setAppMetadata('a.b', true);
      });
      expect(outcome).toMatchObject({ allowed: false, error: 'Extensibility Error', metadataSaved: false });
      expect(String(outcome.thrown)).toContain('api.user.setAppMetadata: key "a.b" contains "." or "$"');
      const nested = await tenant.runLogin(user.user_id, (_event, api) => {
        api.user.setAppMetadata('ok', { 'price$': 1 });
      });
      expect(String(nested.thrown)).toContain('key "price$" contains "." or "$"');
      expect(tenant.users.get(user.user_id)!.app_metadata).toEqual({});
    });
  });

  describe('deny', () => {
    it('stops the flow after the current handler', async ({ tenant }) => {
      const user = tenant.users.create();
      const later = vi.fn();
      let afterDeny = false;
      const outcome = await tenant.runLogin(user.user_id, [
        async (_event, api) => {
          api.access.deny('first');
          // The current Action still runs to its end.
          await Promise.resolve();
          afterDeny = true;
          api.access.deny('second');
        },
        later,
      ]);
      expect(afterDeny).toBe(true);
      expect(later).not.toHaveBeenCalled();
      expect(outcome).toMatchObject({ allowed: false, deniedWith: 'first', handlersRun: 1 });
    });
  });

  describe('a handler that throws', () => {
    it('ends in "Extensibility Error", stops the flow and saves nothing of the batch', async ({ tenant }) => {
      const user = tenant.users.create({ app_metadata: { plan: 'gold' } });
      const boom = new Error('boom');
      const later = vi.fn();
      const outcome = await tenant.runLogin(user.user_id, [
        (_event, api) => {
          api.user.setAppMetadata('first', 1);
        },
        (_event, api) => {
          api.user.setAppMetadata('second', 2);
          throw boom;
        },
        later,
      ]);
      expect(outcome).toMatchObject({ allowed: false, error: 'Extensibility Error', handlersRun: 2, metadataSaved: false });
      expect(outcome.thrown).toBe(boom);
      expect(outcome).not.toHaveProperty('deniedWith');
      expect(outcome.appMetadataWrites).toEqual([
        ['first', 1],
        ['second', 2],
      ]);
      expect(later).not.toHaveBeenCalled();
      expect(tenant.users.get(user.user_id)!.app_metadata).toEqual({ plan: 'gold' });
      // The login itself was counted before the Action ran.
      expect(tenant.users.get(user.user_id)!.logins_count).toBe(1);
    });
  });

  describe('api.cache', () => {
    it('persists across runs of the post-login trigger, apart from the post-change-password cache', async ({ tenant }) => {
      const user = tenant.users.create();
      const reads: unknown[] = [];
      const counter: PostLoginActionHandler = (_event, api) => {
        const previous = Number(api.cache.get('visits')?.value ?? '0');
        reads.push(previous);
        api.cache.set('visits', String(previous + 1), { ttl: 60_000 });
      };
      await tenant.runLogin(user.user_id, counter);
      await tenant.runLogin(user.user_id, counter);
      await tenant.runLogin(user.user_id, counter);
      expect(reads).toEqual([0, 1, 2]);

      let seenByOtherTrigger: unknown = 'not run';
      await tenant.runPasswordChange(user.user_id, NEW_PASSWORD, (_event, api) => {
        seenByOtherTrigger = api.cache.get('visits');
      }).completion;
      expect(seenByOtherTrigger).toBeUndefined();
    });
  });

  describe('the rest of the api', () => {
    it('records custom claims, and suspends the flow at a redirect, saving the metadata first', async ({ tenant }) => {
      const user = tenant.users.create();
      const claims = await tenant.runLogin(user.user_id, (_event, api) => {
        api.idToken?.setCustomClaim('https://example.com/roles', ['editor']);
        api.accessToken?.setCustomClaim('https://example.com/plan', 'gold');
      });
      expect(claims).toMatchObject({
        allowed: true,
        idTokenClaims: { 'https://example.com/roles': ['editor'] },
        accessTokenClaims: { 'https://example.com/plan': 'gold' },
      });
      const later = vi.fn();
      const redirect = await tenant.runLogin(user.user_id, [
        (_event, api) => {
          api.user.setAppMetadata('redirectedAt', 'now');
          api.redirect.sendUserTo('https://example.com/change-password', { query: { session_token: 't' } });
        },
        later,
      ]);
      expect(redirect).toMatchObject({ allowed: false, handlersRun: 1, metadataSaved: true });
      expect(redirect.redirect?.url).toBe(`https://example.com/change-password?session_token=t&state=${redirect.redirect?.state}`);
      expect(later).not.toHaveBeenCalled();
      expect(tenant.users.get(user.user_id)?.app_metadata).toEqual({ redirectedAt: 'now' });
      expect(redirect).not.toHaveProperty('error');
    });
  });

  describe('misuse', () => {
    it('throws for an unknown user or a handler that is not a function, before counting anything', async ({ tenant }) => {
      const user = tenant.users.create();
      const allow: PostLoginActionHandler = () => {};
      await expect(tenant.runLogin('auth0|nobody', allow)).rejects.toThrow(
        '[auth0-force-password-reset] localTenant.runLogin: no user has the id "auth0|nobody"',
      );
      await expect(tenant.runLogin(user.user_id, [allow, 'gate' as never])).rejects.toThrow(
        '"handlers[1]" must be a function (event, api) => Promise<void>',
      );
      await expect(tenant.runLogin(user.user_id, allow, { connection: 'x' } as never)).rejects.toThrow(
        '[auth0-force-password-reset] localTenant.runLogin: "options.connection" is not a known option (known: protocol, locale, secrets, hostname)',
      );
      expect(tenant.users.get(user.user_id)!.logins_count).toBe(0);
    });
  });
});

describe('continueLogin: the return to /continue after a redirect', () => {
  const SECRET = 'a-page-secret-of-at-least-32-bytes-long';

  /** An Action that sends the user to a terms page and, back at /continue, reads the page's token. */
  function termsAction(seen: PostLoginEvent[]): PostLoginActionHandler {
    const onExecutePostLogin: PostLoginActionHandler = (event, api) => {
      if (event.user.app_metadata['acceptedTerms'] === true) return;
      api.user.setAppMetadata('termsShownAt', 'now');
      api.transaction.setMetadata('asked', true);
      api.redirect.sendUserTo('https://terms.acme.test/', { query: { session_token: api.redirect.encodeToken({ secret: SECRET, payload: {} }) } });
    };
    return Object.assign(onExecutePostLogin, {
      onContinuePostLogin: (event: PostLoginEvent, api: Parameters<PostLoginActionHandler>[1]) => {
        seen.push(event);
        const claims = api.redirect.validateToken({ secret: SECRET });
        if (claims['accepted'] === true) api.user.setAppMetadata('acceptedTerms', true);
        else api.access.deny('You must accept the terms.');
      },
    });
  }

  /** The token the page sends back: sub, iss, exp and the state, signed with the shared secret. */
  function pageToken(tenant: LocalTenant, userId: string, state: string, accepted: boolean): string {
    const now = Math.floor(Date.now() / 1000);
    return signHs256({ sub: userId, iss: tenant.domain, iat: now, exp: now + 60, state, accepted }, SECRET);
  }

  it('runs the redirecting Action’s onContinuePostLogin, then the Actions after it, on the same login', async ({ tenant }) => {
    const user = tenant.users.create();
    const seen: PostLoginEvent[] = [];
    const after = vi.fn<PostLoginActionHandler>();

    const redirected = await tenant.runLogin(user.user_id, [termsAction(seen), after]);
    expect(redirected).toMatchObject({ allowed: false, handlersRun: 1, metadataSaved: true });
    expect(after).not.toHaveBeenCalled();
    const { state } = redirected.redirect!;

    const resumed = await tenant.continueLogin(state, { body: { session_token: pageToken(tenant, user.user_id, state, true) } });

    expect(resumed).toMatchObject({ allowed: true, handlersRun: 2 });
    expect(after).toHaveBeenCalledTimes(1);
    expect(tenant.users.get(user.user_id)).toMatchObject({ logins_count: 1, app_metadata: { termsShownAt: 'now', acceptedTerms: true } });
    // The same login, with a new request: the /continue one.
    const [event] = seen;
    expect(event?.stats.logins_count).toBe(1);
    expect(event?.transaction?.id).toBe(redirected.event.transaction?.id);
    expect(event?.transaction?.metadata).toEqual({ asked: true });
    expect(event?.user.app_metadata).toMatchObject({ termsShownAt: 'now' });
    expect(event?.request).toMatchObject({ method: 'POST', query: { state }, body: { session_token: expect.any(String) } });
  });

  it('lets onContinuePostLogin deny, as when the page’s token says no', async ({ tenant }) => {
    const user = tenant.users.create();
    const { redirect } = await tenant.runLogin(user.user_id, termsAction([]));

    const resumed = await tenant.continueLogin(redirect!.state, { body: { session_token: pageToken(tenant, user.user_id, redirect!.state, false) } });

    expect(resumed).toMatchObject({ allowed: false, deniedWith: 'You must accept the terms.' });
  });

  it('ends in an Extensibility Error when the token is not the page’s (another state), as validateToken throws', async ({ tenant }) => {
    const user = tenant.users.create();
    const { redirect } = await tenant.runLogin(user.user_id, termsAction([]));

    const resumed = await tenant.continueLogin(redirect!.state, { body: { session_token: pageToken(tenant, user.user_id, 'another-state', true) } });

    expect(resumed).toMatchObject({ allowed: false, error: 'Extensibility Error' });
    expect(String(resumed.thrown)).toContain('The session token is invalid: State in the token does not match the /continue state.');
  });

  it('goes on with the next Action when the redirecting one has no onContinuePostLogin', async ({ tenant }) => {
    const user = tenant.users.create();
    const after = vi.fn<PostLoginActionHandler>();
    const { redirect } = await tenant.runLogin(user.user_id, [(_event, api) => void api.redirect.sendUserTo('https://page.acme.test/'), after]);

    expect(await tenant.continueLogin(redirect!.state, { method: 'GET' })).toMatchObject({ allowed: true, handlersRun: 1 });
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('resumes each state once, and refuses a state no login waits for', async ({ tenant }) => {
    const user = tenant.users.create();
    const { redirect } = await tenant.runLogin(user.user_id, (_event, api) => void api.redirect.sendUserTo('https://page.acme.test/'));
    await tenant.continueLogin(redirect!.state);

    const refused = '[auth0-force-password-reset] localTenant.continueLogin: no login is waiting for this state (Auth0 would answer invalid_request): pass outcome.redirect.state of a login that redirected, once';
    await expect(tenant.continueLogin(redirect!.state)).rejects.toThrow(refused);
    await expect(tenant.continueLogin('forged')).rejects.toThrow(refused);
    await expect(tenant.continueLogin('x', { method: 'PUT' as 'GET' })).rejects.toThrow('"options.method" must be "GET" or "POST" (got "PUT")');
  });
});

describe('runPasswordChange', () => {
  it('changes the password first, then runs the handler later with an event that has no app_metadata', async ({ tenant }) => {
    const user = tenant.users.create({ email: 'ada@example.com', app_metadata: { flag: true } });
    const events: PostChangePasswordEvent[] = [];
    const apiKeys: string[][] = [];
    const run = tenant.runPasswordChange(user.user_id, NEW_PASSWORD, (event, api) => {
      events.push(event);
      apiKeys.push(Object.keys(api));
    });

    // Non-blocking: nothing ran yet, but the change is done.
    expect(events).toEqual([]);
    const stored = tenant.users.get(user.user_id)!;
    expect(run.changedAt).toBe(stored.last_password_reset);
    expect(tenant.users.verifyPassword(user.user_id, NEW_PASSWORD)).toBe(true);

    await expect(run.completion).resolves.toEqual({ ok: true });
    const event = events[0]!;
    expect(event.user).toEqual({
      user_id: user.user_id,
      email: 'ada@example.com',
      email_verified: false,
      last_password_reset: run.changedAt,
    });
    expect(event.user).not.toHaveProperty('app_metadata');
    expect(event.connection).toMatchObject({ name: 'Username-Password-Authentication', strategy: 'auth0' });
    expect(event.request).toMatchObject({ hostname: tenant.domain });
    expect(event.tenant).toEqual({ id: 'local' });
    expect(event.secrets).toEqual({ ...tenant.secrets });
    expect(apiKeys).toEqual([['cache']]);
    expect(run.event).toEqual(event);
  });

  it('changes the password as the user by default, and as an administrator with by: "administrator"', async ({ tenant }) => {
    const user = tenant.users.create();
    const changePassword = vi.spyOn(tenant.users, 'changePassword');
    const setPassword = vi.spyOn(tenant.users, 'setPassword');

    await tenant.runPasswordChange(user.user_id, NEW_PASSWORD, []).completion;
    expect([changePassword.mock.calls.length, setPassword.mock.calls.length]).toEqual([1, 0]);

    await tenant.runPasswordChange(user.user_id, 'Temp-0rary-1', [], { by: 'administrator', secrets: { X: 'y' } }).completion;
    expect([changePassword.mock.calls.length, setPassword.mock.calls.length]).toEqual([1, 1]);
    expect(tenant.users.verifyPassword(user.user_id, 'Temp-0rary-1')).toBe(true);
  });

  it('resolves completion with ok: false when a handler fails, and the password change stays', async ({ tenant }) => {
    const user = tenant.users.create();
    const boom = new Error('Management API down');
    const later = vi.fn();
    const run = tenant.runPasswordChange(user.user_id, NEW_PASSWORD, [
      async () => {
        throw boom;
      },
      later,
    ]);
    await expect(run.completion).resolves.toEqual({ ok: false, error: boom });
    expect(later).not.toHaveBeenCalled();
    expect(tenant.users.get(user.user_id)!.last_password_reset).toBe(run.changedAt);
    expect(tenant.users.verifyPassword(user.user_id, NEW_PASSWORD)).toBe(true);
  });

  it('wraps a thrown value that is not an Error', async ({ tenant }) => {
    const user = tenant.users.create();
    const completion = await tenant.runPasswordChange(user.user_id, NEW_PASSWORD, () => {
      throw 'nope';
    }).completion;
    expect(completion.ok).toBe(false);
    const { error } = completion as { error: Error };
    expect(error.message).toContain('localTenant.runPasswordChange: a post-change-password handler threw a value that is not an Error');
    expect(error.cause).toBe('nope');
  });

  it('refuses a social user, who has no Auth0 password, and changes nothing', ({ tenant }) => {
    const user = tenant.users.create({ connection: 'google-oauth2' });
    const handler = vi.fn();
    expect(() => tenant.runPasswordChange(user.user_id, NEW_PASSWORD, handler)).toThrow(
      `[auth0-force-password-reset] localTenant.runPasswordChange: user "${user.user_id}" belongs to "google-oauth2", a social connection: only database users have an Auth0 password, and Auth0 runs post-change-password for them alone`,
    );
    expect(handler).not.toHaveBeenCalled();
    expect(tenant.users.get(user.user_id)).toEqual(user);
  });

  it('refuses an unknown "by"', ({ tenant }) => {
    const user = tenant.users.create();
    expect(() => tenant.runPasswordChange(user.user_id, NEW_PASSWORD, [], { by: 'admin' as never })).toThrow(
      '"options.by" must be "user" or "administrator" (got "admin")',
    );
  });
});

describe('the whole lifecycle, with the real gate and clearer (auth0 SDK over HTTP)', () => {
  /** The gate, logging where the clearer of the fixture logs: one list, in order. */
  const gate = (logs: LogEntry[]) => createFirstLoginGate({ log: (entry) => void logs.push(entry) });
  const flagOf = (tenant: LocalTenant, userId: string) => tenant.users.get(userId)!.app_metadata['needsPasswordReset'];

  it('flags and denies the first login, denies until the password changes, then lets the user in', async ({ tenant, clearerFor, logs }) => {
    const onLogin = gate(logs);
    const onPasswordChange = clearerFor();
    const user = tenant.users.create({ email: 'ada@example.com' });

    const first = await tenant.runLogin(user.user_id, onLogin);
    expect(first).toMatchObject({ allowed: false, deniedWith: 'Please reset your password!' });
    expect(first.user.app_metadata).toEqual({ needsPasswordReset: true, needsPasswordResetAt: expect.any(String) });

    const second = await tenant.runLogin(user.user_id, onLogin);
    expect(second).toMatchObject({ allowed: false, deniedWith: 'Please reset your password!', metadataSaved: false });

    await expect(tenant.runPasswordChange(user.user_id, NEW_PASSWORD, onPasswordChange).completion).resolves.toEqual({ ok: true });
    expect(flagOf(tenant, user.user_id)).toBe(false);

    const third = await tenant.runLogin(user.user_id, onLogin);
    expect(third).toMatchObject({ allowed: true, appMetadataWrites: [] });
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 1, patchUser: 1 });
    expect(logs.map((entry) => `${entry.trigger}:${entry.decision}:${entry.reason}`)).toEqual([
      'post-login:deny:first-login',
      'post-login:deny:flagged',
      'post-change-password:clear:password-changed',
      'post-login:allow:obligation-met',
    ]);
  });

  it('never gates a social user', async ({ tenant, logs }) => {
    const user = tenant.users.create({ connection: 'google-oauth2' });
    const outcome = await tenant.runLogin(user.user_id, gate(logs));
    expect(outcome).toMatchObject({ allowed: true, appMetadataWrites: [] });
  });

  it('lets the user in when the clearer failed: the gate clears the flag itself', async ({ tenant, clearerFor, logs }) => {
    const onLogin = gate(logs);
    const user = tenant.users.create();
    await tenant.runLogin(user.user_id, onLogin);
    tenant.faults.serverError('any', { times: 20 });

    const completion = await tenant.runPasswordChange(user.user_id, NEW_PASSWORD, clearerFor({ maxAttempts: 2, deadlineMs: 1_000 })).completion;
    expect(completion.ok).toBe(false);
    expect((completion as { error: Error }).error).toBeInstanceOf(ManagementApiError);
    expect(flagOf(tenant, user.user_id)).toBe(true);
    tenant.faults.clear();

    const next = await tenant.runLogin(user.user_id, onLogin);
    expect(next).toMatchObject({ allowed: true, appMetadataWrites: [['needsPasswordReset', false]] });
    expect(flagOf(tenant, user.user_id)).toBe(false);
  });

  it('keeps a flag an administrator set after setting a temporary password', async ({ tenant, clearerFor, logs }) => {
    const onLogin = gate(logs);
    const user = tenant.users.create();
    await tenant.runLogin(user.user_id, onLogin);
    await tenant.runPasswordChange(user.user_id, NEW_PASSWORD, clearerFor()).completion;
    expect((await tenant.runLogin(user.user_id, onLogin)).allowed).toBe(true);

    const run = tenant.runPasswordChange(user.user_id, 'Temp-0rary-1', clearerFor(), { by: 'administrator' });
    tenant.users.updateAppMetadata(user.user_id, { needsPasswordReset: true, needsPasswordResetAt: tenant.now().toISOString() });
    await expect(run.completion).resolves.toEqual({ ok: true });
    expect(logs.at(-1)).toMatchObject({ decision: 'keep', reason: 'reflagged-after-change' });

    const denied = await tenant.runLogin(user.user_id, onLogin);
    expect(denied).toMatchObject({ allowed: false, deniedWith: 'Please reset your password!' });
    expect(flagOf(tenant, user.user_id)).toBe(true);
  });

  it('shares the Management API token through the post-change-password api.cache across clearer instances', async ({ tenant, clearerFor }) => {
    for (const email of ['a@example.com', 'b@example.com']) {
      const user = tenant.users.create({ email });
      // A new instance each time: only api.cache can carry the token over.
      await tenant.runPasswordChange(user.user_id, NEW_PASSWORD, clearerFor()).completion;
    }
    expect(tenant.counts().token).toBe(1);
  });
});

