import { ManagementClient } from 'auth0';
import { describe, expect } from 'vitest';
import { openManagementClient } from '../../../../src/management/management-client.js';
import { parseTenantDomain, type TenantDomain } from '../../../../src/management/domain.js';
import { createMemoryTokenStore } from '../../../../src/management/token-store.js';
import type { LocalTenant } from '../../../../src/testing/local-tenant/index.js';
import { tenantTest as it } from '../../../helpers/local-tenant.js';

/**
 * Issue 23: what the change-password page's sign-out stands on, in the local tenant — a browser sign-in
 * opens a session the Actions see as `event.session.id`, and `GET /api/v2/users/{id}/sessions` lists a
 * user's sessions (`read:sessions`, Enterprise plans) — and the one Management API client reading it.
 */
const CALLBACK = 'https://app.example.test/callback';

async function signIn(tenant: LocalTenant, password: string): Promise<URL | undefined> {
  const query = new URLSearchParams({ client_id: tenant.appClientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 's' });
  const response = await tenant.fetch(`${tenant.origin}/authorize?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: 'ada@example.com', password }),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  return location === null ? undefined : new URL(location);
}

const clientFor = (tenant: LocalTenant, scopes: string[]) => {
  const { clientId, clientSecret } = tenant.addClient({ scopes });
  return openManagementClient({
    caller: 'test',
    domain: parseTenantDomain(`http://${tenant.domain}`) as TenantDomain,
    clientId,
    clientSecret,
    transport: tenant.fetch,
    tokens: createMemoryTokenStore(),
    requestTimeoutMs: 2_000,
    maxAttempts: 1,
  });
};

describe('a browser sign-in opens a session', () => {
  it('seen by the Actions as event.session.id, listed by the Management API, named by the ID token’s sid', async ({ tenant }) => {
    const ada = tenant.users.create({ email: 'ada@example.com', password: 'Initial-Passw0rd' });
    const seen: unknown[] = [];
    tenant.bindActions({ postLogin: async (event) => void seen.push(event.session?.id) });
    const back = await signIn(tenant, 'Initial-Passw0rd');
    const code = back?.searchParams.get('code') as string;
    const sessions = tenant.sessions.list(ada.user_id);
    expect(sessions).toHaveLength(1);
    expect(seen).toEqual([sessions[0]!.id]);
    const tokens = await tenant.fetch(`${tenant.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: tenant.appClientId, code, redirect_uri: CALLBACK }),
    });
    const { id_token: idToken } = (await tokens.json()) as { id_token: string };
    expect(JSON.parse(Buffer.from(idToken.split('.')[1] as string, 'base64url').toString('utf8'))).toMatchObject({ sid: sessions[0]!.id });

    const client = await clientFor(tenant, ['read:sessions']);
    expect(await client.listSessionIds(ada.user_id)).toEqual({ sessionIds: [sessions[0]!.id], more: false });
    expect(tenant.counts().listSessions).toBe(1);
  });

  it('a denied login leaves no session behind; a wrong password opens none', async ({ tenant }) => {
    const ada = tenant.users.create({ email: 'ada@example.com', password: 'Initial-Passw0rd' });
    tenant.bindActions({ postLogin: async (_event, api) => void api.access.deny('no') });
    expect((await signIn(tenant, 'Initial-Passw0rd'))?.searchParams.get('error')).toBe('access_denied');
    expect(await signIn(tenant, 'wrong-password')).toBeUndefined();
    expect(tenant.sessions.list(ada.user_id)).toEqual([]);
  });
});

describe('GET /api/v2/users/{id}/sessions', () => {
  it('needs read:sessions, and a plan with session management: 403 otherwise, as revoke-access', async ({ tenant, startTenant }) => {
    const ada = tenant.users.create();
    tenant.sessions.create(ada.user_id);
    const narrow = await clientFor(tenant, ['delete:sessions']);
    await expect(narrow.listSessionIds(ada.user_id)).rejects.toMatchObject({ step: 'list sessions', status: 403 });

    const professional = await startTenant({ plan: 'professional', scopes: ['read:sessions'] });
    const grace = professional.users.create();
    const sdk = new ManagementClient({ domain: professional.domain, clientId: professional.clientId, clientSecret: professional.clientSecret, fetch: professional.fetch });
    await expect(sdk.users.sessions.list(grace.user_id)).rejects.toMatchObject({ statusCode: 403 });
  });

  it('revoke-access with one session_id ends that one and keeps the others: what the page relies on', async ({ tenant }) => {
    const ada = tenant.users.create();
    const [keep, end] = [tenant.sessions.create(ada.user_id), tenant.sessions.create(ada.user_id)];
    tenant.sessions.issueRefreshToken(ada.user_id, { sessionId: end!.id });
    tenant.sessions.issueRefreshToken(ada.user_id, { sessionId: keep!.id });
    const client = await clientFor(tenant, ['delete:sessions', 'delete:refresh_tokens']);
    await client.revokeAccess(ada.user_id, end!.id);
    expect(tenant.sessions.list(ada.user_id).map((session) => session.id)).toEqual([keep!.id]);
    expect(tenant.sessions.refreshTokens(ada.user_id).map((token) => token.session_id)).toEqual([keep!.id]);
  });
});
