import { ManagementClient } from 'auth0';
import { describe, expect } from 'vitest';
import type { LocalTenant } from '../../../../src/testing/local-tenant/index.js';
import { accessTokenOf, managementRequest, tenantTest as it } from '../../../helpers/local-tenant.js';

/** The local tenant's sessions and refresh tokens, and the Management API's endpoints that end them. */

const SESSION_SCOPES = ['read:users', 'delete:sessions', 'delete:refresh_tokens'];

/** A user with two sessions, a refresh token in each and one outside any session. */
function signedInTwice(tenant: LocalTenant) {
  const user = tenant.users.create();
  const [first, second] = [tenant.sessions.create(user.user_id), tenant.sessions.create(user.user_id, { clientId: 'other-app' })];
  tenant.sessions.issueRefreshToken(user.user_id, { sessionId: first.id });
  tenant.sessions.issueRefreshToken(user.user_id, { sessionId: second.id, clientId: 'other-app' });
  tenant.sessions.issueRefreshToken(user.user_id);
  return { user, first, second };
}

const idsOf = (items: readonly { id: string }[]) => items.map((item) => item.id);

describe('sessions and refresh tokens', () => {
  it.override('tenantOptions', { scopes: SESSION_SCOPES });

  it('revoke-access ends every session and refresh token of the user, and nobody else’s: 202, no body', async ({ tenant }) => {
    const ada = signedInTwice(tenant);
    const grace = signedInTwice(tenant);
    const response = await managementRequest(tenant, await accessTokenOf(tenant), 'POST', `/users/${encodeURIComponent(ada.user.user_id)}/revoke-access`, {});
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    expect(tenant.sessions.list(ada.user.user_id)).toEqual([]);
    expect(tenant.sessions.refreshTokens(ada.user.user_id)).toEqual([]);
    expect(idsOf(tenant.sessions.list(grace.user.user_id))).toEqual([grace.first.id, grace.second.id]);
    expect(tenant.sessions.refreshTokens(grace.user.user_id)).toHaveLength(3);
    expect(tenant.counts().revokeAccess).toBe(1);
  });

  it('with session_id ends that session and its refresh tokens; with preserve_refresh_tokens, only the session (delete:sessions alone)', async ({ tenant, startTenant }) => {
    const { user, first, second } = signedInTwice(tenant);
    const token = await accessTokenOf(tenant);
    const path = `/users/${encodeURIComponent(user.user_id)}/revoke-access`;
    expect((await managementRequest(tenant, token, 'POST', path, { session_id: first.id })).status).toBe(202);
    expect(idsOf(tenant.sessions.list(user.user_id))).toEqual([second.id]);
    expect(tenant.sessions.refreshTokens(user.user_id).map((refresh) => refresh.session_id)).toEqual([second.id, undefined]);

    const narrow = await startTenant({ scopes: ['delete:sessions'] });
    const other = signedInTwice(narrow);
    const preserved = await managementRequest(narrow, await accessTokenOf(narrow), 'POST', `/users/${encodeURIComponent(other.user.user_id)}/revoke-access`, { preserve_refresh_tokens: true });
    expect(preserved.status).toBe(202);
    expect(narrow.sessions.list(other.user.user_id)).toEqual([]);
    expect(narrow.sessions.refreshTokens(other.user.user_id)).toHaveLength(3);
  });

  it('DELETE …/sessions and …/refresh-tokens end one kind each', async ({ tenant }) => {
    const { user } = signedInTwice(tenant);
    const token = await accessTokenOf(tenant);
    const base = `/users/${encodeURIComponent(user.user_id)}`;
    expect((await managementRequest(tenant, token, 'DELETE', `${base}/sessions`)).status).toBe(202);
    expect(tenant.sessions.list(user.user_id)).toEqual([]);
    expect(tenant.sessions.refreshTokens(user.user_id)).toHaveLength(3);
    expect((await managementRequest(tenant, token, 'DELETE', `${base}/refresh-tokens`)).status).toBe(202);
    expect(tenant.sessions.refreshTokens(user.user_id)).toEqual([]);
    expect(tenant.counts()).toMatchObject({ deleteSessions: 1, deleteRefreshTokens: 1 });
  });

  it('the real SDK’s users.revokeAccess reaches it', async ({ tenant }) => {
    const { user } = signedInTwice(tenant);
    const client = new ManagementClient({ domain: tenant.domain, clientId: tenant.clientId, clientSecret: tenant.clientSecret, fetch: tenant.fetch });
    await client.users.revokeAccess(user.user_id, {});
    expect(tenant.sessions.list(user.user_id)).toEqual([]);
  });

  it('refuses a token without a scope it needs, naming the scope as Auth0 does; and answers 401 without a token', async ({ startTenant }) => {
    for (const [scopes, missing] of [[['delete:refresh_tokens'], 'delete:sessions'], [['delete:sessions'], 'delete:refresh_tokens']] as const) {
      const tenant = await startTenant({ scopes: [...scopes] });
      const { user } = signedInTwice(tenant);
      const response = await managementRequest(tenant, await accessTokenOf(tenant), 'POST', `/users/${encodeURIComponent(user.user_id)}/revoke-access`, {});
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ errorCode: 'insufficient_scope', message: `Insufficient scope, expected any of: ${missing}` });
      expect(tenant.sessions.list(user.user_id)).toHaveLength(2);
    }
    const tenant = await startTenant();
    expect((await tenant.fetch(`https://${tenant.domain}/api/v2/users/auth0%7C1/revoke-access`, { method: 'POST' })).status).toBe(401);
  });

  it('on a plan other than Enterprise, refuses with a 403 that says so, and ends nothing', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: SESSION_SCOPES, plan: 'professional' });
    const { user } = signedInTwice(tenant);
    const response = await managementRequest(tenant, await accessTokenOf(tenant), 'POST', `/users/${encodeURIComponent(user.user_id)}/revoke-access`, {});
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Session and refresh token management through the Management API is available on Enterprise plans only',
    });
    expect(tenant.sessions.list(user.user_id)).toHaveLength(2);
    await expect(startTenant({ plan: 'gold' as never })).rejects.toThrow('"options.plan" must be "free", "essentials", "professional" or "enterprise" (got "gold")');
  });

  it('counts them in the Management API’s rate limit', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: SESSION_SCOPES, rateLimit: { perSecond: 1, burst: 2 } });
    const { user } = signedInTwice(tenant);
    const token = await accessTokenOf(tenant);
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await managementRequest(tenant, token, 'POST', `/users/${encodeURIComponent(user.user_id)}/revoke-access`, {});
      statuses.push(response.status);
      expect(response.headers.get('x-ratelimit-limit')).toBe('2');
    }
    expect(statuses).toEqual([202, 202, 429]);
  });

  it('refuses a session or refresh token for an unknown user, or in another user’s session', ({ tenant }) => {
    const { first } = signedInTwice(tenant);
    const other = tenant.users.create();
    expect(() => tenant.sessions.create('auth0|nobody')).toThrow('localTenant.sessions.create: no user has the id "auth0|nobody"');
    expect(() => tenant.sessions.issueRefreshToken(other.user_id, { sessionId: first.id })).toThrow(`the user has no session "${first.id}"`);
  });
});
