import { describe, expect } from 'vitest';
import { createFirstLoginGate } from '../../../../src/gate/create-first-login-gate.js';
import { OptionsError, isForcePasswordResetError } from '../../../../src/errors/index.js';
import { startLocalApplication, startLocalTenant, type PostLoginActionHandler } from '../../../../src/testing/local-tenant/index.js';
import { tenantTest as it } from '../../../helpers/local-tenant.js';

/**
 * The options of `/testing`'s functions are checked the way every entry's are: an `OptionsError` whose
 * message names every problem of the call (each with its path and what was expected), thrown before
 * anything changes.
 */

const P = '[auth0-force-password-reset]';
const allow: PostLoginActionHandler = () => {};
const HANDLER_EXPECTED =
  'must be a function (event, api) => Promise<void>, such as the one createFirstLoginGate() returns, or an Action module with onExecutePostLogin (and optionally onContinuePostLogin), or an array of them';
const CHANGE_HANDLER_EXPECTED =
  'must be a function (event, api) => Promise<void>, such as the one createPasswordResetClearer() returns, or an Action module with onExecutePostChangePassword, or an array of them';

/** The error `call` throws or rejects with, checked to be an `OptionsError`. */
async function optionsErrorOf(call: () => unknown): Promise<OptionsError> {
  let thrown: unknown;
  try {
    await call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(OptionsError);
  expect(isForcePasswordResetError(thrown)).toBe(true);
  return thrown as OptionsError;
}

const messageOf = async (call: () => unknown) => (await optionsErrorOf(call)).message;

describe('startLocalTenant', () => {
  it('names every problem at once, unknown and removed options first, without quoting the client secret', async () => {
    const error = await optionsErrorOf(() =>
      startLocalTenant({
        now: () => 0,
        scope: ['read:users'],
        clientSecret: 42,
        scopes: ['read:users', 'update users'],
        rateLimit: { perSecond: 0, burst: 1.5, refill: 1 },
        exportJobPolls: -1,
        actions: { postLogin: [allow, 'gate'], secrets: { KEY: 7 } },
        customDomain: 'https://login.example.test',
        plan: 'gold',
      } as never),
    );
    expect(error.caller).toBe('startLocalTenant');
    expect(error.message).toBe(
      `${P} startLocalTenant: ` +
        `"options.now" was removed: the tenant follows the system clock, so move it with your test runner's fake clock (vi.useFakeTimers({ toFake: ['Date'] }) and vi.setSystemTime(…)), which the handlers read too; ` +
        '"options.scope" is not a known option (known: clientSecret, scopes, rateLimit, exportJobPolls, actions, customDomain, plan); ' +
        '"options.clientSecret" must be a non-empty string (the value is not shown); ' +
        '"options.scopes[1]" must be a scope name without spaces (got "update users"); ' +
        '"options.rateLimit.refill" is not a known option (known: perSecond, burst); ' +
        '"options.rateLimit.perSecond" must be a number above 0 (got 0); ' +
        '"options.rateLimit.burst" must be a positive integer (got 1.5); ' +
        '"options.exportJobPolls" must be a non-negative integer (got -1); ' +
        `"options.actions.postLogin[1]" ${HANDLER_EXPECTED} (got "gate"); ` +
        '"options.actions.secrets.KEY" must be a string (the value is not shown); ' +
        '"options.customDomain" must be a lowercase host name such as "login.example.test", without a scheme or a port (got "https://login.example.test"); ' +
        '"options.plan" must be "free", "essentials", "professional" or "enterprise" (got "gold")',
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'options.now',
      'options.scope',
      'options.clientSecret',
      'options.scopes[1]',
      'options.rateLimit.refill',
      'options.rateLimit.perSecond',
      'options.rateLimit.burst',
      'options.exportJobPolls',
      'options.actions.postLogin[1]',
      'options.actions.secrets.KEY',
      'options.customDomain',
      'options.plan',
    ]);
  });

  it('names the options removed in this version with what to do instead', async () => {
    expect(await messageOf(() => startLocalTenant({ clientId: 'myClient', tokenLifetimeSeconds: 60 } as never))).toBe(
      `${P} startLocalTenant: ` +
        '"options.clientId" was removed: the tenant makes up its client’s id; read it from tenant.clientId (or tenant.secrets), or add a client with tenant.addClient({ scopes }); ' +
        `"options.tokenLifetimeSeconds" was removed: tokens live 86400 seconds, as Auth0's do by default; move your test runner's fake clock past that to expire one, or call tenant.revokeTokens()`,
    );
  });

  it('refuses options that are not an object, and a rate-limit preset it does not know', async () => {
    expect(await messageOf(() => startLocalTenant('free' as never))).toBe(`${P} startLocalTenant: "options" must be an object or undefined (got "free")`);
    expect(await messageOf(() => startLocalTenant({ rateLimit: 'pro' as never }))).toBe(
      `${P} startLocalTenant: "options.rateLimit" must be "free", "enterprise" or { perSecond: <number above 0>, burst: <integer of at least 1> } (got "pro")`,
    );
  });

  it('quotes neither a secret nor secrets that are not an object', async () => {
    const message = await messageOf(() => startLocalTenant({ clientSecret: ['s3cr3t-value'], actions: { secrets: 's3cr3t-value' } } as never));
    expect(message).toBe(
      `${P} startLocalTenant: "options.clientSecret" must be a non-empty string (the value is not shown); "options.actions.secrets" must be an object of secret name → string`,
    );
    expect(message).not.toContain('s3cr3t');
  });
});

describe('the tenant’s own functions', () => {
  it('addClient requires its scopes, and adds no client when they are wrong', async ({ tenant }) => {
    expect(await messageOf(() => tenant.addClient(undefined as never))).toBe(
      `${P} localTenant.addClient: "options.scopes" is required: an array of scope names without spaces`,
    );
    expect(await messageOf(() => tenant.addClient({ scopes: ['read:users', 5], audience: 'x' } as never))).toBe(
      `${P} localTenant.addClient: "options.audience" is not a known option (known: scopes); "options.scopes[1]" must be a scope name without spaces (got 5)`,
    );
    const client = tenant.addClient({ scopes: ['read:users'] });
    const answer = await tenant.fetch(`https://${tenant.domain}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, audience: `https://${tenant.domain}/api/v2/` }),
    });
    expect(await answer.json()).toMatchObject({ scope: 'read:users' });
  });

  it('bindActions names every Action it cannot run, and keeps the Actions bound before', async ({ tenant }) => {
    const deny: PostLoginActionHandler = (_event, api) => {
      api.access.deny('bound first');
    };
    tenant.bindActions({ postLogin: deny });
    expect(await messageOf(() => tenant.bindActions({ postLogin: [allow, {}], postChangePassword: 'clearer', secrets: [] } as never))).toBe(
      `${P} localTenant.bindActions: ` +
        `"actions.postLogin[1]" ${HANDLER_EXPECTED} (got an object); ` +
        `"actions.postChangePassword" ${CHANGE_HANDLER_EXPECTED} (got "clearer"); ` +
        '"actions.secrets" must be an object of secret name → string',
    );
    expect(await messageOf(() => tenant.bindActions(undefined as never))).toBe(
      `${P} localTenant.bindActions: "actions" must be an object with postLogin, postChangePassword and secrets (got undefined)`,
    );
    // The Action bound first still decides a browser's sign-in.
    tenant.users.create({ email: 'ada@example.com', password: 'An-0ld-passw0rd!' });
    const query = new URLSearchParams({ client_id: tenant.appClientId, redirect_uri: 'https://app.example.test/callback', response_type: 'code' });
    const signIn = await tenant.fetch(`${tenant.origin}/authorize?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'ada@example.com', password: 'An-0ld-passw0rd!' }),
      redirect: 'manual',
    });
    expect(new URL(signIn.headers.get('location')!).searchParams.get('error_description')).toBe('bound first');
  });

  it('runLogin names every malformed handler and option together, and counts no login', async ({ tenant, users }) => {
    const user = users.database();
    expect(await messageOf(() => tenant.runLogin(user.user_id, [allow, 42] as never, { locale: '', hostname: 'evil.example', connection: 'x' } as never))).toBe(
      `${P} localTenant.runLogin: ` +
        `"handlers[1]" ${HANDLER_EXPECTED} (got 42); ` +
        '"options.connection" is not a known option (known: protocol, locale, secrets, hostname); ' +
        '"options.locale" must be a language tag such as "fr-CA" (got ""); ' +
        `"options.hostname" must be the tenant's domain or its customDomain: "${tenant.domain}" (got "evil.example")`,
    );
    expect(tenant.users.get(user.user_id)!.logins_count).toBe(0);
  });

  it('continueLogin checks its options before it uses up the state', async ({ tenant, users }) => {
    const redirect: PostLoginActionHandler = (_event, api) => {
      api.redirect.sendUserTo('https://page.example.test/');
    };
    const redirected = await tenant.runLogin(users.database().user_id, redirect);
    const state = redirected.redirect!.state;
    expect(await messageOf(() => tenant.continueLogin(state, { method: 'PUT', query: { a: 1 }, body: 'x' } as never))).toBe(
      `${P} localTenant.continueLogin: ` +
        '"options.method" must be "GET" or "POST" (got "PUT"); ' +
        '"options.query.a" must be a string (got 1); ' +
        '"options.body" must be an object of parameter name → string (got "x")',
    );
    expect((await tenant.continueLogin(state)).allowed).toBe(true);
  });

  it('runPasswordChange names every problem before it changes the password', async ({ tenant, users }) => {
    const user = users.database();
    const before = tenant.users.get(user.user_id)!.last_password_reset;
    expect(await messageOf(() => tenant.runPasswordChange(user.user_id, 'N3w-passw0rd!', undefined as never, { by: 'admin', secrets: { A: null } } as never))).toBe(
      `${P} localTenant.runPasswordChange: ` +
        `"handlers" ${CHANGE_HANDLER_EXPECTED} (got undefined); ` +
        '"options.by" must be "user" or "administrator" (got "admin"); ' +
        '"options.secrets.A" must be a string (the value is not shown)',
    );
    expect(tenant.users.get(user.user_id)!.last_password_reset).toBe(before);
  });

  it('redeemResetLink checks its arguments before it uses up the link', async ({ tenant, users }) => {
    const user = users.database();
    const gate = createFirstLoginGate({ sendResetEmail: true, log: false });
    await tenant.runLogin(user.user_id, gate);
    const [email] = tenant.resetEmails;
    expect(await messageOf(() => tenant.redeemResetLink(email!.link, 'N3w-passw0rd!', [], { by: 'administrator' } as never))).toBe(
      `${P} localTenant.redeemResetLink: "options.by" is not a known option (known: secrets)`,
    );
    expect(await tenant.redeemResetLink(email!.link, 'N3w-passw0rd!', []).completion).toEqual({ ok: true });
  });

  it('the fault injector names the target, the fault and its options, and queues nothing on a mistake', async ({ tenant }) => {
    expect(await messageOf(() => tenant.faults.inject('users' as never, { kind: 'status', status: 99, header: {} } as never, { times: 0, after: true } as never))).toBe(
      `${P} localTenant.faults.inject: ` +
        '"target" must be "token", "getUser", "patchUser", "listUsers", "getConnection", "listConnections", "createUsersExport", "getJob", "downloadExport", "resetEmail", "authorize", "continue", "userinfo", "listSessions", "revokeAccess", "deleteSessions", "deleteRefreshTokens", "other" or "any" (got "users"); ' +
        '"fault.header" is not a known option (known: kind, status, headers, body); ' +
        '"fault.status" must be an integer from 200 to 599 (got 99); ' +
        '"options.after" is not a known option (known: times, afterEffect); ' +
        '"options.times" must be a positive integer (got 0)',
    );
    expect(await messageOf(() => tenant.faults.inject('token', { kind: 'slow' } as never))).toBe(
      `${P} localTenant.faults.inject: "fault.kind" must be "status", "hang" or "drop" (got "slow")`,
    );
    expect(await messageOf(() => tenant.faults.rateLimit('token', { retryAfterSeconds: -1, afterEffect: 'yes' } as never))).toBe(
      `${P} localTenant.faults.rateLimit: "options.afterEffect" must be true or false (got "yes"); "options.retryAfterSeconds" must be a non-negative integer (got -1)`,
    );
    expect(await messageOf(() => tenant.faults.serverError('token', { status: 404 }))).toBe(
      `${P} localTenant.faults.serverError: "options.status" must be an integer from 500 to 599 (got 404)`,
    );
    // Had any of them been queued, the next token request would get a 429 or a 404 instead of its answer.
    const answer = await tenant.fetch(`https://${tenant.domain}/oauth/token`, { method: 'POST', body: '{}' });
    expect({ status: answer.status, fault: tenant.requests.at(-1)?.fault }).toEqual({ status: 400, fault: undefined });
  });

  it('startLocalApplication names every problem', async ({ tenant }) => {
    expect(await messageOf(() => startLocalApplication(tenant, { name: '', signInOrigin: 'login.example.test', port: 80, fetch: tenant.fetch } as never))).toBe(
      `${P} startLocalApplication: ` +
        '"options.port" is not a known option (known: name, signInOrigin); ' +
        '"options.fetch" was removed: the application reaches the tenant’s token endpoint through tenant.fetch, in process; ' +
        '"options.name" must be a non-empty string (got ""); ' +
        '"options.signInOrigin" must be an origin such as "http://login.example.test" (got "login.example.test")',
    );
  });
});
