import { describe, expect } from 'vitest';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { FirstLoginGateOptions } from '../../../src/gate/options.js';
import { createPasswordResetClearer } from '../../../src/clearer/create-password-reset-clearer.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { tenantTest } from '../../helpers/local-tenant.js';

const SENT = 'Please reset your password! We have emailed you a link to set a new password.';
const PLAIN = 'Please reset your password!';

/** A gate that emails through the fixture's tenant, logging into `logs`. */
const it = tenantTest.extend<{ gateWith: (options?: FirstLoginGateOptions) => ReturnType<typeof createFirstLoginGate> }>({
  gateWith: async ({ tenant, logs }, use) => {
    await use((options = {}) =>
      createFirstLoginGate({ sendResetEmail: true, fetch: tenant.fetch, log: (entry) => void logs.push(entry), ...options }),
    );
  },
});

describe('sendResetEmail: the gate emails a reset link when it denies', () => {
  it('sends one on a flagged login, records <flag>EmailedAt and says so in the deny message', async ({ tenant, users, gateWith, logs }) => {
    const { user_id: userId } = users.flagged({}, { email: 'ada@example.com' });
    const outcome = await tenant.runLogin(userId, gateWith());
    expect(outcome.deniedWith).toBe(SENT);
    expect(tenant.resetEmails).toEqual([
      expect.objectContaining({ to: 'ada@example.com', userId, connection: 'Username-Password-Authentication' }),
    ]);
    expect(typeof outcome.user.app_metadata['needsPasswordResetEmailedAt']).toBe('string');
    expect(tenant.counts().resetEmail).toBe(1);
    expect(logs).toEqual([
      expect.objectContaining({ decision: 'deny', reason: 'flagged', email: 'sent', wrote: ['needsPasswordResetEmailedAt'] }),
    ]);
  });

  it('sends one at the first login too, with the flag', async ({ tenant, gateWith }) => {
    const { user_id: userId } = tenant.users.create({ email: 'bob@example.com' });
    const outcome = await tenant.runLogin(userId, gateWith());
    expect(outcome.deniedWith).toBe(SENT);
    expect(Object.keys(outcome.user.app_metadata).sort()).toEqual([
      'needsPasswordReset',
      'needsPasswordResetAt',
      'needsPasswordResetEmailedAt',
    ]);
    expect(tenant.resetEmails).toHaveLength(1);
  });

  it('sends at most one per cooldown: a retry within it neither sends nor spams, and still says an email went out', async ({ tenant, users, gateWith, logs }) => {
    const userId = users.flagged().user_id;
    const gate = gateWith();
    await tenant.runLogin(userId, gate);
    const second = await tenant.runLogin(userId, gate);
    const third = await tenant.runLogin(userId, gate);
    expect(second.deniedWith).toBe(SENT);
    expect(third.deniedWith).toBe(SENT);
    expect(tenant.counts().resetEmail).toBe(1);
    expect(logs.map((entry) => entry.email)).toEqual(['sent', 'cooldown', 'cooldown']);
  });

  it('sends again once the cooldown is over', async ({ tenant, users, gateWith }) => {
    const longAgo = new Date(tenant.now().getTime() - 3 * 60_000).toISOString();
    const userId = users.flagged({ needsPasswordResetEmailedAt: longAgo }).user_id;
    await tenant.runLogin(userId, gateWith({ sendResetEmail: { cooldownMinutes: 2 } }));
    expect(tenant.counts().resetEmail).toBe(1);
    expect(tenant.users.get(userId)!.app_metadata['needsPasswordResetEmailedAt']).not.toBe(longAgo);
  });

  it('sends nothing on refresh-token or password grants, nor on prompt=none: nobody is at a screen', async ({ tenant, users, gateWith, logs }) => {
    const userId = users.flagged().user_id;
    for (const protocol of ['oauth2-refresh-token', 'oauth2-password', 'oauth2-resource-owner']) {
      const outcome = await tenant.runLogin(userId, gateWith(), { protocol });
      expect(outcome.deniedWith).toBe(PLAIN);
    }
    const silent = gateWith();
    const event = (await tenant.runLogin(userId, gateWith(), { protocol: 'oauth2-refresh-token' })).event;
    const api = { access: { deny: () => api }, user: { setAppMetadata: () => api } } as never;
    await silent({ ...event, transaction: { ...event.transaction, protocol: 'oidc-basic-profile', prompt: ['none'] } }, api);
    expect(tenant.counts().resetEmail).toBe(0);
    expect(logs.every((entry) => entry.email === 'not-interactive')).toBe(true);
  });

  // Issue 10, item 15: "interactive" is one list (gate/interactive-login.ts), used by the email and
  // the page alike: a person at a screen, on a second device included.
  it.for(['oidc-basic-profile', 'oidc-implicit-profile', 'oidc-hybrid-profile', 'samlp', 'wsfed', 'oauth2-device-code', 'oidc-ciba'])(
    'sends one on a %s login: a person is at a screen',
    async (protocol, { tenant, users, gateWith }) => {
      const userId = users.flagged().user_id;
      expect((await tenant.runLogin(userId, gateWith(), { protocol })).deniedWith).toBe(SENT);
      expect(tenant.resetEmails).toHaveLength(1);
    },
  );

  it.for(['oauth2-token-exchange', 'oauth2-access-token', 'oauth2-resource-owner-jwt-bearer', 'oauth2-webauthn', 'something-new'])(
    'sends none on a %s login',
    async (protocol, { tenant, users, gateWith }) => {
      const userId = users.flagged().user_id;
      expect((await tenant.runLogin(userId, gateWith(), { protocol })).deniedWith).toBe(PLAIN);
      expect(tenant.counts().resetEmail).toBe(0);
    },
  );

  it('does not count an email sent for an earlier obligation', async ({ tenant, users, gateWith, logs }) => {
    const recently = new Date(tenant.now().getTime() - 60_000).toISOString();
    const userId = users.flagged({ needsPasswordResetEmailedAt: recently }).user_id;
    // The obligation (needsPasswordResetAt, set now) is newer than that email.
    await tenant.runLogin(userId, gateWith());
    expect(tenant.counts().resetEmail).toBe(1);
    expect(logs[0]).toMatchObject({ email: 'sent' });
  });

  it('sends nothing to a user without an email address', async ({ tenant, gateWith, logs }) => {
    const { user_id: userId } = tenant.users.create();
    tenant.users.updateAppMetadata(userId, { needsPasswordReset: true, needsPasswordResetAt: tenant.now().toISOString() });
    const outcome = await tenant.runLogin(userId, gateWith());
    expect(outcome.deniedWith).toBe(PLAIN);
    expect(tenant.counts().resetEmail).toBe(0);
    expect(logs[0]).toMatchObject({ email: 'no-address' });
  });

  it('sends nothing in report mode (and neither denies nor writes)', async ({ tenant, users, gateWith }) => {
    const userId = users.flagged().user_id;
    const outcome = await tenant.runLogin(userId, gateWith({ mode: 'report' }));
    expect(outcome.allowed).toBe(true);
    expect(tenant.counts().resetEmail).toBe(0);
    expect(outcome.appMetadataWrites).toEqual([]);
  });

  it('sends nothing when the login is allowed, nor for a social user', async ({ tenant, users, gateWith }) => {
    const { user_id: google } = users.social();
    tenant.users.updateAppMetadata(google, { needsPasswordReset: true });
    const outcome = await tenant.runLogin(google, gateWith());
    expect(outcome.allowed).toBe(true);
    const { user_id: met } = users.database({ needsPasswordReset: false });
    expect((await tenant.runLogin(met, gateWith())).allowed).toBe(true);
    expect(tenant.counts().resetEmail).toBe(0);
  });

  it.for([
    ['a 429 from Auth0', (t: LocalTenant) => t.faults.rateLimit('resetEmail'), 'HTTP 429'],
    ['a 503', (t: LocalTenant) => t.faults.serverError('resetEmail'), 'HTTP 503'],
    ['a request that never answers', (t: LocalTenant) => t.faults.hang('resetEmail'), 'no answer within 2000 ms'],
    ['a dropped connection', (t: LocalTenant) => t.faults.drop('resetEmail'), 'request failed'],
  ] as const)('still denies, with the plain message and no record, after %s', async ([, inject, detail], { tenant, users, gateWith, logs }) => {
    const userId = users.flagged().user_id;
    inject(tenant);
    // Long enough that only the hang, never a slow machine, runs out of time.
    const outcome = await tenant.runLogin(userId, gateWith({ sendResetEmail: { timeoutMs: 2_000 } }));
    // One attempt, never retried: the login does not wait on the email.
    expect(tenant.requests.filter((request) => request.route === 'resetEmail')).toHaveLength(1);
    expect(outcome.deniedWith).toBe(PLAIN);
    expect(outcome.user.app_metadata).not.toHaveProperty('needsPasswordResetEmailedAt');
    expect(logs[0]).toMatchObject({ decision: 'deny', email: 'failed', detail });
  });

  it('answers Auth0’s own one-a-minute limit: a second gate instance within a minute gets a 429, logged, no throw', async ({ tenant, users, gateWith, logs }) => {
    const userId = users.flagged().user_id;
    await tenant.runLogin(userId, gateWith({ sendResetEmail: { cooldownMinutes: 1 } }));
    // Someone cleared the record by hand: the gate asks again, and Auth0 refuses.
    tenant.users.updateAppMetadata(userId, { needsPasswordResetEmailedAt: null });
    const outcome = await tenant.runLogin(userId, gateWith());
    expect(outcome.deniedWith).toBe(PLAIN);
    expect(logs.at(-1)).toMatchObject({ email: 'failed', detail: 'HTTP 429' });
  });

  it('localizes the "email sent" message', async ({ tenant, users, gateWith }) => {
    const userId = users.flagged().user_id;
    const outcome = await tenant.runLogin(
      userId,
      gateWith({ emailSentMessage: { default: SENT, fr: 'Nous vous avons envoyé un lien.' } }),
      { locale: 'fr-CA' },
    );
    expect(outcome.deniedWith).toBe('Nous vous avons envoyé un lien.');
  });

  it('completes the loop: the user follows the link, sets a password, and gets in', async ({ tenant, users, gateWith }) => {
    const { user_id: userId } = users.database();
    const gate = gateWith();
    expect((await tenant.runLogin(userId, gate)).deniedWith).toBe(SENT);
    const [email] = tenant.resetEmails;
    const clearer = createPasswordResetClearer({ fetch: tenant.fetch, log: false });
    expect(await tenant.redeemResetLink(email!.link, 'Car0l-s-own-passw0rd', clearer).completion).toEqual({ ok: true });
    expect(() => tenant.redeemResetLink(email!.link, 'again', clearer)).toThrow(/already used/);
    expect((await tenant.runLogin(userId, gate)).allowed).toBe(true);
  });
});
