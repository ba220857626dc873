import { describe, expect } from 'vitest';
import { requirePasswordChange } from '../../../src/admin/require-password-change.js';
import { waivePasswordChange } from '../../../src/admin/waive-password-change.js';
import { createPasswordResetClearer } from '../../../src/clearer/create-password-reset-clearer.js';
import { ManagementApiError } from '../../../src/errors/index.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { createMemoryCache } from '../../../src/testing/memory-cache.js';
import { adminOptionsFor as adminOptions, createUserFactory, passwordChangeEventOf, tenantTest as it } from '../../helpers/local-tenant.js';

/**
 * Issue 15: each part of the library works with exactly the scopes the docs ask for, and fails
 * clearly — naming the missing scope and who needs it — with one fewer. The local tenant enforces
 * scopes per route as Auth0 does: `update:users_app_metadata` allows a PATCH of `app_metadata` only.
 */
const CLEARER_SCOPES = ['read:users', 'update:users_app_metadata'];
const METADATA_RUN_SCOPES = ['read:users', 'update:users_app_metadata'];
const PASSWORD_RUN_SCOPES = ['read:users', 'update:users'];

async function clearFlagOfUserOn(local: LocalTenant) {
  const user = createUserFactory(local).flaggedWhoChangedPassword({ plan: 'gold' });
  const clearer = createPasswordResetClearer({ fetch: local.fetch, log: false });
  const outcome = await clearer(passwordChangeEventOf(local, user), { cache: createMemoryCache() }).then(() => undefined, (error: unknown) => error);
  return { outcome, appMetadata: local.users.get(user.user_id)!.app_metadata };
}

describe('the clearer: read:users and update:users_app_metadata', () => {
  it('clears the flag with exactly those scopes', async ({ startTenant }) => {
    const { outcome, appMetadata } = await clearFlagOfUserOn(await startTenant({ scopes: CLEARER_SCOPES }));
    expect(outcome).toBeUndefined();
    expect(appMetadata).toMatchObject({ needsPasswordReset: false, plan: 'gold' });
  });

  it('without update:users_app_metadata, fails at the write, naming the scope and who needs it', async ({ startTenant }) => {
    const { outcome, appMetadata } = await clearFlagOfUserOn(await startTenant({ scopes: ['read:users'] }));
    expect(outcome).toBeInstanceOf(ManagementApiError);
    expect(outcome).toMatchObject({
      step: 'update user',
      status: 403,
      requiredScopes: ['update:users', 'update:users_app_metadata'],
      hint: 'grant the M2M application the update:users or update:users_app_metadata scope: the clearer needs read:users and update:users_app_metadata',
    });
    expect(appMetadata['needsPasswordReset']).toBe(true);
  });

  it('without read:users, fails at the read, naming the scope', async ({ startTenant }) => {
    const { outcome } = await clearFlagOfUserOn(await startTenant({ scopes: ['update:users_app_metadata'] }));
    expect(outcome).toMatchObject({ step: 'read user', status: 403, requiredScopes: ['read:users'] });
    expect((outcome as Error).message).toContain('grant the M2M application the read:users scope: the clearer needs read:users and update:users_app_metadata');
  });
});

describe('the administrator tools', () => {
  it('require a change without a temporary password, and waive, with read:users and update:users_app_metadata', async ({ startTenant }) => {
    const local = await startTenant({ scopes: METADATA_RUN_SCOPES });
    const user = createUserFactory(local).database();
    const required = await requirePasswordChange(adminOptions(local, [user.user_id]));
    expect(required.done).toHaveLength(1);
    expect(local.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(true);
    const waived = await waivePasswordChange(adminOptions(local, [user.user_id]));
    expect(waived.done).toHaveLength(1);
    expect(local.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
  });

  it('set a temporary password with read:users and update:users', async ({ startTenant }) => {
    const local = await startTenant({ scopes: PASSWORD_RUN_SCOPES });
    const user = createUserFactory(local).database();
    const report = await requirePasswordChange({ ...adminOptions(local, [user.user_id]), temporaryPassword: 'Temp-0rary-Passw0rd' });
    expect(report.done).toHaveLength(1);
    expect(local.users.verifyPassword(user.user_id, 'Temp-0rary-Passw0rd')).toBe(true);
  });

  it('refuse to start a temporary-password run whose token lacks update:users, before any user is read', async ({ startTenant }) => {
    const local = await startTenant({ scopes: METADATA_RUN_SCOPES });
    const user = createUserFactory(local).database();
    const error = await requirePasswordChange({ ...adminOptions(local, [user.user_id]), temporaryPassword: 'Temp-0rary-Passw0rd' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({
      step: 'get token',
      reason: 'the token does not grant update:users',
      requiredScopes: ['update:users'],
      hint: 'grant the M2M application update:users: setting a temporary password needs update:users',
    });
    expect(local.counts()).toMatchObject({ token: 1, getUser: 0, patchUser: 0 });
  });

  it('end sessions with delete:sessions and delete:refresh_tokens besides; with one fewer, refuse to start, naming it', async ({ startTenant }) => {
    const local = await startTenant({ scopes: [...METADATA_RUN_SCOPES, 'delete:sessions', 'delete:refresh_tokens'] });
    const user = createUserFactory(local).database();
    local.sessions.create(user.user_id);
    const report = await requirePasswordChange({ ...adminOptions(local, [user.user_id]), revokeSessions: true });
    expect(report.done).toHaveLength(1);
    expect(local.sessions.list(user.user_id)).toEqual([]);

    const fewer = await startTenant({ scopes: [...METADATA_RUN_SCOPES, 'delete:sessions'] });
    const error = await requirePasswordChange({ ...adminOptions(fewer, ['auth0|64b7f0c2a1d3e4f5a6b7c8d9']), revokeSessions: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      step: 'get token',
      reason: 'the token does not grant delete:refresh_tokens',
      requiredScopes: ['delete:refresh_tokens'],
      hint: 'grant the M2M application delete:refresh_tokens: ending sessions and refresh tokens (revoke-access) needs delete:sessions and delete:refresh_tokens',
    });
    expect(fewer.counts()).toMatchObject({ token: 1, getUser: 0, revokeAccess: 0 });
  });

  it('refuse to start any run whose token lacks read:users', async ({ startTenant }) => {
    const local = await startTenant({ scopes: ['update:users_app_metadata'] });
    const error = await waivePasswordChange(adminOptions(local, ['auth0|64b7f0c2a1d3e4f5a6b7c8d9'])).catch((e: unknown) => e);
    expect(error).toMatchObject({ step: 'get token', reason: 'the token does not grant read:users', requiredScopes: ['read:users'] });
    expect(local.counts().getUser).toBe(0);
  });
});
