import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { requirePasswordChange } from '../../../src/admin/require-password-change.js';
import type { LocalTenant, TenantUser } from '../../../src/testing/local-tenant/index.js';
import { cliTest as it, readState, runCliOn, TEMPORARY_PASSWORD } from '../../helpers/cli.js';
import { adminOptionsFor } from '../../helpers/local-tenant.js';

/**
 * `require-change --revoke-sessions` (`/admin`'s `revokeSessions`): each selected user's sessions and
 * refresh tokens end — in the same resumable, paced run, counted in its budget and its dry run's
 * estimate — and on a plan without session management the run says so before the first user.
 */

const SCOPES = ['read:users', 'update:users_app_metadata', 'delete:sessions', 'delete:refresh_tokens'];
/** With a temporary password: `update:users` instead of the narrower metadata scope. */
const PASSWORD_SCOPES = ['read:users', 'update:users', 'delete:sessions', 'delete:refresh_tokens'];
const CHECK_PATH = `/api/v2/users/${encodeURIComponent('auth0|auth0-force-password-reset-check')}/revoke-access`;
/** The routes a run's users cost (the token, the search and the export aside). */
const USER_ROUTES = new Set(['getUser', 'patchUser', 'revokeAccess']);

/** A user signed in twice: two sessions, a refresh token in each. */
function signedIn(tenant: LocalTenant, user: TenantUser): TenantUser {
  for (const clientId of ['web', 'mobile']) {
    const session = tenant.sessions.create(user.user_id, { clientId });
    tenant.sessions.issueRefreshToken(user.user_id, { sessionId: session.id, clientId });
  }
  return user;
}

const hasAccess = (tenant: LocalTenant, user: TenantUser) =>
  tenant.sessions.list(user.user_id).length > 0 || tenant.sessions.refreshTokens(user.user_id).length > 0;

const userRequests = (tenant: LocalTenant) => tenant.requests.filter((request) => USER_ROUTES.has(request.route) && request.path !== CHECK_PATH).length;

describe('require-change --revoke-sessions', () => {
  it.override('tenantOptions', { scopes: SCOPES });

  it(
    'on 1,000 users: the dry run predicts the requests exactly; the run, stopped by Ctrl-C and resumed, ends every session and refresh token of the selected users, each revoked once, and no one else’s',
    { timeout: 120_000 },
    async ({ tenant, cli, dir }) => {
      const selected: TenantUser[] = [];
      for (let index = 0; index < 1000; index += 1) {
        // One in ten is already flagged, the obligation standing: only the sessions end.
        const appMetadata = index % 10 === 0 ? { needsPasswordReset: true, needsPasswordResetAt: new Date().toISOString() } : {};
        selected.push(signedIn(tenant, tenant.users.create({ app_metadata: appMetadata })));
      }
      const others = Array.from({ length: 50 }, () => signedIn(tenant, tenant.users.create()));
      const ids = join(dir, 'ids.txt');
      writeFileSync(ids, `${selected.map((user) => user.user_id).join('\n')}\n`);
      const argv = ['require-change', '--file', ids, '--revoke-sessions', '--rate', '1000', '--json'];

      const dry = await cli([...argv, '--dry-run']);
      expect(dry.code).toBe(0);
      const planned = (JSON.parse(dry.stdout) as { plannedRequests: number }).plannedRequests;
      // The check, then a read, the flag and the revocation for 900 users; a read and the revocation for 100.
      expect(planned).toBe(1 + 900 * 3 + 100 * 2);
      expect(selected.every((user) => hasAccess(tenant, user))).toBe(true);
      expect(tenant.counts()).toMatchObject({ patchUser: 0, revokeAccess: 1 });
      tenant.resetCounts();

      // Ctrl-C once 400 users have had their sessions revoked: the users in flight finish.
      const interrupt = new AbortController();
      let revoked = 0;
      const stopping: typeof globalThis.fetch = (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.endsWith('/revoke-access') && !url.includes('password-reset-check') && ++revoked === 400) interrupt.abort();
        return tenant.fetch(input, init);
      };
      const state = join(dir, 'run.json');
      const first = await cli([...argv, '--state', state], { fetch: stopping, signal: interrupt.signal });
      expect(first.code).toBe(130);
      const recorded = Object.keys(readState(state).users).length;
      expect(recorded).toBeGreaterThanOrEqual(400);
      expect(recorded).toBeLessThan(1000);

      const second = await cli([...argv, '--state', state]);
      expect(second.code).toBe(0);
      expect((JSON.parse(second.stdout) as { counts: { done: number; earlier: number } }).counts).toMatchObject({ done: 1000 - recorded, earlier: recorded });

      expect(selected.filter((user) => hasAccess(tenant, user))).toEqual([]);
      expect(others.every((user) => tenant.sessions.list(user.user_id).length === 2 && tenant.sessions.refreshTokens(user.user_id).length === 2)).toBe(true);
      // Nothing revoked twice, nobody else revoked: one revoke-access per selected user, and the check once per run.
      const revocations = new Map<string, number>();
      for (const { route, path } of tenant.requests) if (route === 'revokeAccess') revocations.set(path, (revocations.get(path) ?? 0) + 1);
      expect(revocations.get(CHECK_PATH)).toBe(2);
      revocations.delete(CHECK_PATH);
      expect(revocations.size).toBe(1000);
      expect([...revocations.values()].every((count) => count === 1)).toBe(true);
      expect(new Set(revocations.keys())).toEqual(new Set(selected.map((user) => `/api/v2/users/${encodeURIComponent(user.user_id)}/revoke-access`)));
      // What the dry run predicted is what the two runs made for the users (the check once more).
      expect(userRequests(tenant) + 2).toBe(planned + 1);
      expect(tenant.requests.filter((request) => request.status === 429)).toEqual([]);
    },
  );

  it('predicts exactly, from an export too: temporary passwords, users flagged, waived, social', async ({ startTenant, dir }) => {
    const tenant = await startTenant({ scopes: PASSWORD_SCOPES });
    const cli = (argv: string[]) => runCliOn(tenant, argv);
    const waivedAt = new Date(Date.now() + 3_600_000).toISOString();
    const users = [
      tenant.users.create(),
      tenant.users.create({ app_metadata: { needsPasswordReset: true, needsPasswordResetAt: new Date().toISOString() } }),
      tenant.users.create({ app_metadata: { needsPasswordReset: false, needsPasswordResetAt: new Date().toISOString(), needsPasswordResetWaivedAt: waivedAt } }),
      tenant.users.create({ connection: 'google-oauth2' }),
    ].map((user) => signedIn(tenant, user));
    for (const extra of [[], ['--temporary-password-from-env', 'TEMP_PASSWORD'], ['--skip-waived-since', waivedAt]]) {
      for (const selection of [['--all'], users.map((user) => user.user_id)]) {
        const argv = ['require-change', ...selection, '--revoke-sessions', ...extra, '--json'];
        tenant.resetCounts();
        const dry = JSON.parse((await cli([...argv, '--dry-run'])).stdout) as { plannedRequests: number };
        for (const user of users) signedIn(tenant, user);
        tenant.resetCounts();
        const real = await cli([...argv, '--state', join(dir, `${Math.random()}.json`)]);
        expect(real.code).toBe(0);
        expect(JSON.parse(real.stdout)).toMatchObject({ requests: dry.plannedRequests });
        expect(userRequests(tenant) + 1, argv.join(' ')).toBe(dry.plannedRequests);
      }
    }
    // The Google user has no Auth0 password: skipped, sessions kept.
    expect(tenant.sessions.list(users[3]!.user_id).length).toBeGreaterThan(0);
  });

  it('ends the sessions after the flag, and records "sessions" among what was written', async ({ startTenant, dir }) => {
    const tenant = await startTenant({ scopes: PASSWORD_SCOPES });
    const cli = (argv: string[]) => runCliOn(tenant, argv);
    const ada = signedIn(tenant, tenant.users.create());
    const state = join(dir, 'run.json');
    const run = await cli(['require-change', ada.user_id, '--revoke-sessions', '--temporary-password-from-env', 'TEMP_PASSWORD', '--state', state]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`require-change on ${tenant.domain} (flag needsPasswordReset, temporary password from $TEMP_PASSWORD, sessions and refresh tokens revoked)`);
    expect(run.stderr).toContain(`[1/1] done ${ada.user_id} (password, needsPasswordReset, needsPasswordResetAt, sessions)`);
    expect(tenant.requests.map(({ route, path }) => (path === CHECK_PATH ? 'check' : route))).toEqual(['token', 'check', 'getUser', 'patchUser', 'patchUser', 'revokeAccess']);
    expect(hasAccess(tenant, ada)).toBe(false);
    expect(tenant.users.verifyPassword(ada.user_id, TEMPORARY_PASSWORD)).toBe(true);
    expect(readState(state).writes).toEqual({ temporaryPassword: true, revokeSessions: true });

    // The dry run's estimate, in words: the check, then a read, the password, the flag and the revocation.
    const grace = signedIn(tenant, tenant.users.create());
    const dry = await cli(['require-change', grace.user_id, '--revoke-sessions', '--temporary-password-from-env', 'TEMP_PASSWORD', '--dry-run']);
    expect(dry.stdout).toContain('A real run would make 5 Management API requests for these users (the token, a search or an export aside): about 3s at --rate 2.\n');
    expect(hasAccess(tenant, grace)).toBe(true);
  });

  it('without delete:sessions, stops before the first user, naming the scope: exit 3', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:users', 'update:users_app_metadata', 'delete:refresh_tokens'] });
    const ada = signedIn(tenant, tenant.users.create());
    const run = await runCliOn(tenant, ['require-change', ada.user_id, '--revoke-sessions']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'auth0-force-password-reset: getting a Management API token failed: the token does not grant delete:sessions after 1 attempt — grant the M2M application delete:sessions: ending sessions and refresh tokens (revoke-access) needs delete:sessions and delete:refresh_tokens\n',
    );
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 0, patchUser: 0, revokeAccess: 0 });
    expect(hasAccess(tenant, ada)).toBe(true);
  });

  it('on a plan other than Enterprise, says so before the first user — dry run included — exit 5, nothing changed', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: SCOPES, plan: 'professional' });
    const ada = signedIn(tenant, tenant.users.create());
    for (const dryRun of [['--dry-run'], []]) {
      tenant.resetCounts();
      const run = await runCliOn(tenant, ['require-change', '--all', '--revoke-sessions', ...dryRun]);
      expect(run.code).toBe(5);
      expect(run.stderr).toBe(
        'auth0-force-password-reset: checking that the tenant lets sessions be revoked failed: HTTP 403 (Session and refresh token management through the Management API is available on Enterprise plans only) after 1 attempt — ' +
          'Auth0 lets the Management API revoke sessions on Enterprise plans only ("Manage user sessions with the Management API"): run again without revokeSessions (--revoke-sessions); the sessions then last, but the gate refuses refresh-token exchanges while the flag is set (no user was changed)\n',
      );
      // Before the export too: nobody waits for one to learn this.
      expect(tenant.counts()).toMatchObject({ createUsersExport: 0, getUser: 0, patchUser: 0, revokeAccess: 1 });
    }
    expect(tenant.users.get(ada.user_id)!.app_metadata).toEqual({});
    expect(hasAccess(tenant, ada)).toBe(true);
  });

  it('from /admin: revokeSessions, the check, and the error a plan without it gives', async ({ tenant, startTenant }) => {
    const ada = signedIn(tenant, tenant.users.create());
    const report = await requirePasswordChange({ ...adminOptionsFor(tenant, ada.user_id), revokeSessions: true });
    expect(report.done).toEqual([expect.objectContaining({ writes: ['needsPasswordReset', 'needsPasswordResetAt', 'sessions'] })]);
    expect(report.requests).toBe(4);
    expect(hasAccess(tenant, ada)).toBe(false);

    const professional = await startTenant({ scopes: SCOPES, plan: 'professional' });
    const grace = professional.users.create();
    const refused = await requirePasswordChange({ ...adminOptionsFor(professional, grace.user_id), revokeSessions: true }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'ManagementApiError', step: 'revoke sessions', userId: undefined, status: 403, requiredScopes: undefined });
    expect(professional.users.get(grace.user_id)!.app_metadata).toEqual({});
  });
});
