import { describe, expect } from 'vitest';
import type { PostLoginApi, PostLoginEvent } from '../../../../src/auth0/post-login.js';
import { createFirstLoginGate, createPasswordResetClearer } from '../../../../src/index.js';
import { NEW_PASSWORD, tenantTest as it } from '../../../helpers/local-tenant.js';

/**
 * runLogin and runPasswordChange take an Action the way its file exports it — what
 * `require('./actions/post-login.js')` gives — as bindActions does: one rule for all three.
 */
describe('an Action module, as its file exports it', () => {
  it('runLogin runs its onExecutePostLogin (with `this` the module), and continueLogin its onContinuePostLogin', async ({ tenant }) => {
    const user = tenant.users.create({ email: 'ada@example.com' });
    // An Action file whose handlers call a helper of the module through `this`, as `exports.x` code can.
    const action = {
      target: 'https://terms.example.com/accept',
      onExecutePostLogin(this: { target: string }, _event: PostLoginEvent, api: PostLoginApi) {
        api.redirect.sendUserTo(this.target);
      },
      onContinuePostLogin(this: { target: string }, _event: PostLoginEvent, api: PostLoginApi) {
        api.idToken.setCustomClaim('https://acme.example/terms', this.target);
      },
    };

    const first = await tenant.runLogin(user.user_id, action);
    expect(first.allowed).toBe(false);
    expect(first.redirect?.url).toMatch(/^https:\/\/terms\.example\.com\/accept\?state=/);

    const resumed = await tenant.continueLogin(first.redirect!.state);
    expect(resumed.allowed).toBe(true);
    expect(resumed.idTokenClaims).toEqual({ 'https://acme.example/terms': 'https://terms.example.com/accept' });
  });

  it('a thin action module around the gate denies a first login, alone or in a flow', async ({ tenant }) => {
    const thinAction = { onExecutePostLogin: createFirstLoginGate({ log: false }) };
    const ada = tenant.users.create({ email: 'ada@example.com' });
    const outcome = await tenant.runLogin(ada.user_id, thinAction);
    expect(outcome.deniedWith).toBe('Please reset your password!');
    expect(tenant.users.get(ada.user_id)!.app_metadata['needsPasswordReset']).toBe(true);

    const grace = tenant.users.create({ email: 'grace@example.com' });
    const inAFlow = await tenant.runLogin(grace.user_id, [() => {}, thinAction]);
    expect(inAFlow).toMatchObject({ allowed: false, handlersRun: 2, deniedWith: 'Please reset your password!' });
  });

  it('runPasswordChange runs a module’s onExecutePostChangePassword', async ({ tenant }) => {
    const user = tenant.users.create({ email: 'ada@example.com', app_metadata: { needsPasswordReset: true, needsPasswordResetAt: '2026-01-01T00:00:00.000Z' } });
    const action = { onExecutePostChangePassword: createPasswordResetClearer({ log: false }) };
    await tenant.runPasswordChange(user.user_id, NEW_PASSWORD, action).completion;
    expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
  });

  it('refuses what is neither a handler nor a module, naming what it takes, before counting the login', async ({ tenant }) => {
    const user = tenant.users.create();
    await expect(tenant.runLogin(user.user_id, { onExecutePostLogin: 'gate' } as never)).rejects.toThrow(
      '[auth0-force-password-reset] localTenant.runLogin: "handlers" must be a function (event, api) => Promise<void>, such as the one createFirstLoginGate() returns, or an Action module with onExecutePostLogin (and optionally onContinuePostLogin), or an array of them (got an object)',
    );
    await expect(tenant.runLogin(user.user_id, [() => {}, { onExecutePostPasswordChange: () => {} }] as never)).rejects.toThrow(
      '"handlers[1]" must be a function (event, api) => Promise<void>, such as the one createFirstLoginGate() returns, or an Action module with onExecutePostLogin',
    );
    expect(() => tenant.runPasswordChange(user.user_id, NEW_PASSWORD, { onExecutePostLogin: () => {} } as never)).toThrow(
      '"handlers" must be a function (event, api) => Promise<void>, such as the one createPasswordResetClearer() returns, or an Action module with onExecutePostChangePassword, or an array of them (got an object)',
    );
    expect(tenant.users.get(user.user_id)!.logins_count).toBe(0);
  });
});
