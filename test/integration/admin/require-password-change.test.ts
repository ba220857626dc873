import { inspect } from 'node:util';
import { afterEach, describe, expect, vi } from 'vitest';
import { resolveJobConfig } from '../../../src/admin/job-config.js';
import type { WaivePasswordChangeOptions } from '../../../src/admin/options.js';
import { requirePasswordChange } from '../../../src/admin/require-password-change.js';
import { runPasswordChangeJob } from '../../../src/admin/run-password-change-job.js';
import { waivePasswordChange } from '../../../src/admin/waive-password-change.js';
import { createPasswordResetClearer } from '../../../src/clearer/create-password-reset-clearer.js';
import { decideClear } from '../../../src/clearer/decide-clear.js';
import { ManagementApiError, OptionsError } from '../../../src/errors/index.js';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { LogEntry } from '../../../src/internal/log.js';
import { ADMIN_FLAG_MARGIN_MS, obligationKeys } from '../../../src/obligation/obligation.js';
import { toIsoInstant } from '../../../src/obligation/time.js';
import type { LocalTenant, PasswordChangeRun } from '../../../src/testing/local-tenant/index.js';
import { accessTokenOf, adminOptionsFor as base, FLAGGED_AT, tenantTest as it } from '../../helpers/local-tenant.js';

const TEMPORARY_PASSWORD = 'Temp-0rary-Passw0rd!';

afterEach(() => {
  vi.useRealTimers();
});

/**
 * Moves the clocks (the tenant's, the gate's, the clearer's: `Date`) past the margin the tool leaves
 * after a temporary password, as when the user sets a new password a while after the administrator.
 */
function laterOn(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + ADMIN_FLAG_MARGIN_MS + 1_000);
}

const gate = () => createFirstLoginGate({ log: false });

/**
 * A transport on which the administrator's password PATCH goes through `tenant.runPasswordChange(…,
 * { by: 'administrator' })`, so that — as in Auth0 — it fires post-change-password with the real
 * clearer. `before-flag`: the trigger has run before the PATCH is answered (so before the flag is
 * written); `after-flag`: its requests wait until `release` is called, after the run.
 */
function transportFiringTheTrigger(tenant: LocalTenant, logs: LogEntry[], timing: 'before-flag' | 'after-flag') {
  const runs: PasswordChangeRun[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const clearerTransport: typeof globalThis.fetch = async (input, init) => {
    if (timing === 'after-flag') await released;
    return tenant.fetch(input, init);
  };
  const transport: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = init?.method === 'PATCH' ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
    if (typeof body['password'] === 'string') {
      const userId = decodeURIComponent(url.pathname.split('/').at(-1) ?? '');
      const clearerOnThisTransport = createPasswordResetClearer({ fetch: clearerTransport, log: (entry) => void logs.push(entry) });
      const run = tenant.runPasswordChange(userId, body['password'], clearerOnThisTransport, { by: 'administrator' });
      runs.push(run);
      if (timing === 'before-flag') await run.completion;
      return Response.json(run.user);
    }
    return tenant.fetch(input, init);
  };
  return { transport, runs, release };
}

/**
 * A post-change-password clearer as released in 0.1.0 — tenants pin versions, so it may still be the
 * one running: read the user, decide, write `false`, with no re-check after the write. Its write
 * waits for `writeAfter`; `read` settles once it has read.
 */
function clearerWithoutRecheck(tenant: LocalTenant, userId: string, changedAt: string, writeAfter: Promise<void>) {
  let hasRead!: () => void;
  const read = new Promise<void>((resolve) => (hasRead = resolve));
  const run = (async () => {
    const origin = `https://${tenant.domain}`;
    const token = await accessTokenOf(tenant);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const url = `${origin}/api/v2/users/${encodeURIComponent(userId)}`;
    const { app_metadata: appMetadata } = (await (await tenant.fetch(url, { headers })).json()) as { app_metadata: Record<string, unknown> };
    hasRead();
    const decision = decideClear(appMetadata, obligationKeys('needsPasswordReset'), undefined, toIsoInstant(changedAt)!);
    if (decision.action === 'clear') {
      await writeAfter;
      await tenant.fetch(url, { method: 'PATCH', headers, body: JSON.stringify({ app_metadata: { needsPasswordReset: false } }) });
    }
    return decision.action;
  })();
  return Object.assign(run, { read });
}

describe('requirePasswordChange against a local tenant', () => {
  it('sets a temporary password, then the flag stamped after it, keeping other app_metadata keys', async ({ tenant, users }) => {
    const user = users.database({ plan: 'gold', roles: ['editor'] });
    const report = await requirePasswordChange({ ...base(tenant, user.user_id), temporaryPassword: TEMPORARY_PASSWORD });

    const stored = tenant.users.get(user.user_id)!;
    expect(tenant.users.verifyPassword(user.user_id, TEMPORARY_PASSWORD)).toBe(true);
    expect(stored.app_metadata).toEqual({
      plan: 'gold',
      roles: ['editor'],
      needsPasswordReset: true,
      needsPasswordResetAt: report.done[0]!.flaggedAt,
    });
    expect(Date.parse(stored.app_metadata['needsPasswordResetAt'] as string)).toBeGreaterThan(Date.parse(stored.last_password_reset!));
    expect(report).toMatchObject({
      action: 'require',
      dryRun: false,
      done: [{ status: 'done', userId: user.user_id, writes: ['password', 'needsPasswordReset', 'needsPasswordResetAt'] }],
      skipped: [],
      failed: [],
      excluded: [],
      interrupted: false,
    });
    // One token, then per user: read, password, flag.
    expect(tenant.requests.map((request) => request.route)).toEqual(['token', 'getUser', 'patchUser', 'patchUser']);
  });

  it.for([
    ['before', 'before-flag', 'not-flagged'],
    ['after', 'after-flag', 'reflagged-after-change'],
  ] as const)(
    'keeps the obligation when Auth0 runs the real clearer for the temporary password %s the flag is written; the user is denied until a new password',
    async ([, timing, reason], { tenant, users, clearerFor, logs }) => {
      const user = users.database();
      const trigger = transportFiringTheTrigger(tenant, logs, timing);
      await requirePasswordChange({ ...base(tenant, user.user_id), temporaryPassword: TEMPORARY_PASSWORD, fetch: trigger.transport });
      trigger.release();
      expect(await trigger.runs[0]!.completion).toEqual({ ok: true });
      expect(logs).toEqual([expect.objectContaining({ decision: 'keep', reason })]);
      expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(true);

      const login = await tenant.runLogin(user.user_id, gate());
      expect(login.deniedWith).toBe('Please reset your password!');

      // The user's own change meets the obligation: the clearer clears, the next login is allowed.
      laterOn();
      expect(await tenant.runPasswordChange(user.user_id, 'Us3r-Ch0sen-Passw0rd', clearerFor()).completion).toEqual({ ok: true });
      expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
      expect((await tenant.runLogin(user.user_id, gate())).allowed).toBe(true);
    },
  );

  it('(why the order matters) a flag set before the temporary password is cleared by that very change', async ({ tenant, users, clearerFor, logs }) => {
    const user = users.database();
    await requirePasswordChange(base(tenant, user.user_id));
    // The administrator then sets a password by hand: Auth0 fires post-change-password.
    const run = tenant.runPasswordChange(user.user_id, TEMPORARY_PASSWORD, clearerFor(), { by: 'administrator' });
    await run.completion;
    expect(logs).toEqual([expect.objectContaining({ decision: 'clear', reason: 'password-changed' })]);
    expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
    expect((await tenant.runLogin(user.user_id, gate())).allowed).toBe(true);
  });

  it('keeps the obligation of an already-flagged user when a clearer without a re-check reads before the new flag and writes after it', async ({ tenant, users }) => {
    // Flagged at first login, never changed the password: a clearer reading now would clear that flag.
    const user = users.database();
    await tenant.runLogin(user.user_id, gate());
    expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(true);

    // Worst interleaving: the trigger reads between our password write and our flag write, and
    // writes after our flag write.
    let flagWritten!: () => void;
    const afterFlagWrite = new Promise<void>((resolve) => (flagWritten = resolve));
    let clearerRun: ReturnType<typeof clearerWithoutRecheck> | undefined;
    const adminFetch: typeof globalThis.fetch = async (input, init) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      const response = await tenant.fetch(input, init);
      if (body.includes('"password"')) {
        const { last_password_reset: changedAt } = tenant.users.get(user.user_id)!;
        clearerRun = clearerWithoutRecheck(tenant, user.user_id, changedAt!, afterFlagWrite);
        await clearerRun.read;
      } else if (body.includes(`"${FLAGGED_AT}"`) && clearerRun !== undefined) {
        flagWritten();
      }
      return response;
    };

    const report = await requirePasswordChange({ ...base(tenant, user.user_id), temporaryPassword: TEMPORARY_PASSWORD, fetch: adminFetch });
    flagWritten();
    // <flag>At was first moved ahead of the change: the clearer saw a flag later than it, wrote nothing.
    expect(await clearerRun).toBe('keep');
    expect(report.done[0]!.writes).toEqual(['password', 'needsPasswordReset', 'needsPasswordResetAt']);
    const stored = tenant.users.get(user.user_id)!;
    expect(stored.app_metadata).toEqual({ needsPasswordReset: true, needsPasswordResetAt: report.done[0]!.flaggedAt });
    expect((await tenant.runLogin(user.user_id, gate())).deniedWith).toBe('Please reset your password!');
  });

  it('stamps the flag after last_password_reset even when the local clock runs behind Auth0’s', async ({ tenant, users }) => {
    const user = users.database();
    const config = resolveJobConfig('requirePasswordChange', { ...base(tenant, user.user_id), temporaryPassword: TEMPORARY_PASSWORD });
    const report = await runPasswordChangeJob(config, {
      now: () => Date.now() - 60_000,
      sleep: async () => {},
      monotonic: () => performance.now(),
    });
    const stored = tenant.users.get(user.user_id)!;
    // Issue 10, item 13: a margin no clock difference between Auth0's parts can cross, not 1 ms.
    expect(Date.parse(report.done[0]!.flaggedAt!)).toBe(Date.parse(stored.last_password_reset!) + ADMIN_FLAG_MARGIN_MS);
    expect((await tenant.runLogin(user.user_id, gate())).deniedWith).toBe('Please reset your password!');
  });

  it('without a temporary password, flags the user now: the next login is denied', async ({ tenant, users }) => {
    const user = users.database({ needsPasswordReset: false });
    const report = await requirePasswordChange({ ...base(tenant, [user.user_id]), flag: 'mustChangePassword' });
    expect(report.done[0]!.writes).toEqual(['mustChangePassword', 'mustChangePasswordAt']);
    expect(tenant.users.get(user.user_id)!.app_metadata).toMatchObject({ needsPasswordReset: false, mustChangePassword: true });
    expect(tenant.counts()).toMatchObject({ getUser: 1, patchUser: 1 });
    const login = await tenant.runLogin(user.user_id, createFirstLoginGate({ log: false, flag: 'mustChangePassword' }));
    expect(login.deniedWith).toBe('Please reset your password!');
  });

  it('skips social and enterprise users — no Auth0 password — and writes nothing to them', async ({ tenant, users }) => {
    const google = users.social();
    const saml = users.enterprise();
    const user = users.database();
    const report = await requirePasswordChange({ ...base(tenant, [google.user_id, saml.user_id, user.user_id]), temporaryPassword: TEMPORARY_PASSWORD });
    expect(report.skipped).toEqual([
      { status: 'skipped', userId: google.user_id, reason: 'not-database-user', detail: 'primary identity is google-oauth2 (connection "google-oauth2"): no Auth0 password to change' },
      { status: 'skipped', userId: saml.user_id, reason: 'not-database-user', detail: 'primary identity is samlp (connection "acme-saml"): no Auth0 password to change' },
    ]);
    expect(report.done.map((outcome) => outcome.userId)).toEqual([user.user_id]);
    expect(tenant.users.get(google.user_id)!.app_metadata).toEqual({});
    expect(tenant.users.get(saml.user_id)!.app_metadata).toEqual({});
    expect(tenant.requests.filter((request) => request.route === 'patchUser')).toHaveLength(2);
  });

  it('reports an unknown id as failed (404) and carries on with the others', async ({ tenant, users }) => {
    const first = users.database();
    const last = users.database();
    const report = await requirePasswordChange(base(tenant, [first.user_id, 'auth0|000000000000000000000000', last.user_id]));
    expect(report.done.map((outcome) => outcome.userId)).toEqual([first.user_id, last.user_id]);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({ userId: 'auth0|000000000000000000000000', writes: [] });
    expect(report.failed[0]!.error).toBeInstanceOf(ManagementApiError);
    expect(report.failed[0]!.error).toMatchObject({ step: 'read user', status: 404, attempts: 1 });
    expect(report.failed[0]!.error.message).toBe(
      '[auth0-force-password-reset] requirePasswordChange: reading user "auth0|000000000000000000000000" failed: HTTP 404 (The user does not exist.) after 1 attempt — no such user',
    );
  });

  it('says what was written when a later step fails: a temporary password without the flag', async ({ tenant, users }) => {
    const user = users.database();
    let patches = 0;
    const transport: typeof globalThis.fetch = async (input, init) => {
      if (init?.method === 'PATCH' && ++patches === 2) tenant.faults.serverError('patchUser', { times: 2 });
      return tenant.fetch(input, init);
    };
    const config = resolveJobConfig('requirePasswordChange', { ...base(tenant, user.user_id), temporaryPassword: TEMPORARY_PASSWORD, fetch: transport, maxAttempts: 2 });
    const report = await runPasswordChangeJob(config, { now: Date.now, monotonic: () => performance.now(), sleep: async () => {} });
    expect(report.failed[0]).toMatchObject({ userId: user.user_id, writes: ['password'] });
    expect(report.failed[0]!.error).toMatchObject({ step: 'update user', status: 503, attempts: 2 });
    expect(tenant.users.verifyPassword(user.user_id, TEMPORARY_PASSWORD)).toBe(true);
    expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBeUndefined();
  });

  it('in a dry run reads every user, reports what it would write, and writes nothing', async ({ tenant, users }) => {
    const user = users.database({ plan: 'gold' });
    const google = users.social();
    const before = tenant.users.get(user.user_id);
    const report = await requirePasswordChange({ ...base(tenant, [user.user_id, google.user_id]), temporaryPassword: TEMPORARY_PASSWORD, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.done).toEqual([{ status: 'done', userId: user.user_id, writes: ['password', 'needsPasswordReset', 'needsPasswordResetAt'], dryRun: true }]);
    expect(report.skipped.map((outcome) => outcome.reason)).toEqual(['not-database-user']);
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 2, patchUser: 0 });
    expect(tenant.users.get(user.user_id)).toEqual(before);
  });

  it('leaves excluded users alone: no read, no write, listed in the report', async ({ tenant, users }) => {
    const done = users.database();
    const todo = users.database();
    const report = await requirePasswordChange({ ...base(tenant, [done.user_id, todo.user_id]), exclude: [done.user_id] });
    expect(report.excluded).toEqual([done.user_id]);
    expect(report.done.map((outcome) => outcome.userId)).toEqual([todo.user_id]);
    expect(tenant.requests.filter((request) => request.path.includes(encodeURIComponent(done.user_id)))).toEqual([]);
  });

  it('calls onStart with the users, then onUser after each, awaited before the next user', async ({ tenant, users }) => {
    const selected = [users.database(), users.database()];
    const events: string[] = [];
    await requirePasswordChange({
      ...base(tenant, selected.map((user) => user.user_id)),
      onStart: ({ userIds }) => void events.push(`start ${userIds.length}`),
      onUser: async (outcome, { completed, total }) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push(`${outcome.status} ${completed}/${total} after ${tenant.requests.length} requests`);
      },
    });
    expect(events).toEqual(['start 2', 'done 1/2 after 3 requests', 'done 2/2 after 5 requests']);
  });

  it('stops before the next user once the signal is aborted', async ({ tenant, users }) => {
    const selected = [users.database(), users.database(), users.database()];
    const controller = new AbortController();
    const report = await requirePasswordChange({
      ...base(tenant, selected.map((user) => user.user_id)),
      signal: controller.signal,
      onUser: () => controller.abort(),
    });
    expect(report.interrupted).toBe(true);
    expect(report.done.map((outcome) => outcome.userId)).toEqual([selected[0]!.user_id]);
    expect(tenant.users.get(selected[1]!.user_id)!.app_metadata).toEqual({});
  });
});

describe('selecting users with a search query', () => {
  it('collects every page of a v3 search before reading anyone', async ({ tenant }) => {
    const contractors = Array.from({ length: 105 }, (_, index) => tenant.users.create({ email: `c${index}@contractor.example` }));
    tenant.users.create({ email: 'staff@example.com' });
    tenant.users.create({ email: 'done@contractor.example', app_metadata: { needsPasswordReset: true } });
    const query = 'email:*@contractor.example AND NOT app_metadata.needsPasswordReset:true';
    // Pacing recorded, not waited: this test is about the pages.
    const config = resolveJobConfig('requirePasswordChange', { ...base(tenant, { query }), dryRun: true });
    const report = await runPasswordChangeJob(config, { now: Date.now, monotonic: () => performance.now(), sleep: async () => {} });
    expect(report.done).toHaveLength(105);
    expect(new Set(report.done.map((outcome) => outcome.userId))).toEqual(new Set(contractors.map((user) => user.user_id)));
    const routes = tenant.requests.map((request) => request.route);
    // Two pages (100 + 5), both before the first read of a user.
    expect(routes.slice(0, 4)).toEqual(['token', 'listUsers', 'listUsers', 'getUser']);
    expect(routes.filter((route) => route === 'listUsers')).toHaveLength(2);
  });

  it('refuses a query matching 1000 users or more, before any user is read', async ({ tenant }) => {
    for (let index = 0; index < 1000; index += 1) tenant.users.create({ email: `u${index}@big.example` });
    const error = await requirePasswordChange(base(tenant, { query: 'email.domain:big.example' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as Error).message).toBe(
      '[auth0-force-password-reset] requirePasswordChange: "options.users.query" matches 1000 users, and a user search returns no more than the first 1000: select them through a users export instead (users: { all: true } or { connection: "<name>" }; on the command line, --all or --connection <name>), or narrow the query (for example add AND NOT app_metadata.needsPasswordReset:true)',
    );
    expect(tenant.counts()).toMatchObject({ listUsers: 1, getUser: 0, patchUser: 0 });
  });

  it('rejects a query the API cannot parse with its 400, before any user is read', async ({ tenant, users }) => {
    users.database();
    const error = await requirePasswordChange(base(tenant, { query: 'email:a@example.com ada' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({ step: 'search users', status: 400 });
    expect((error as Error).message).toContain('searching users failed: HTTP 400 (Query validation error: ');
    expect((error as Error).message).toMatch(/ — check the query \(Lucene syntax, user search v3\)$/);
    expect(tenant.counts()).toMatchObject({ getUser: 0, patchUser: 0 });
  });
});

describe('waivePasswordChange', () => {
  it('sets the flag to false, keeps every other key, and skips users already waived', async ({ tenant, users }) => {
    const flagged = users.database({ needsPasswordReset: true, needsPasswordResetAt: '2026-01-01T00:00:00.000Z', plan: 'gold' });
    const waived = users.database({ needsPasswordReset: false });
    const options: WaivePasswordChangeOptions = base(tenant, [flagged.user_id, waived.user_id]);
    const before = Date.now();
    const report = await waivePasswordChange(options);
    const { needsPasswordResetWaivedAt: waivedAt, ...kept } = tenant.users.get(flagged.user_id)!.app_metadata;
    expect(kept).toEqual({
      needsPasswordReset: false,
      needsPasswordResetAt: '2026-01-01T00:00:00.000Z',
      plan: 'gold',
    });
    // When, so that a later require-change can leave an administrator's decision alone (skipWaivedSince).
    expect(Date.parse(waivedAt as string)).toBeGreaterThanOrEqual(before);
    expect(report.done).toEqual([{ status: 'done', userId: flagged.user_id, writes: ['needsPasswordReset', 'needsPasswordResetWaivedAt'], dryRun: false }]);
    expect(report.skipped).toEqual([
      { status: 'skipped', userId: waived.user_id, reason: 'already-waived', detail: 'needsPasswordReset is already false' },
    ]);
    expect((await tenant.runLogin(flagged.user_id, gate())).allowed).toBe(true);
  });

  it('waives the first-login obligation of a user who never signed in', async ({ tenant, users }) => {
    const user = users.database();
    await waivePasswordChange(base(tenant, user.user_id));
    expect((await tenant.runLogin(user.user_id, gate())).allowed).toBe(true);
  });
});

describe('credentials and secrets', () => {
  it('rejects wrong credentials at the token step, before any user is read, without the secret', async ({ tenant, users }) => {
    const user = users.database();
    const wrongSecret = 'wrong-secret-8d1f0c';
    const error = await requirePasswordChange({ ...base(tenant, user.user_id), clientSecret: wrongSecret }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManagementApiError);
    expect(error).toMatchObject({ step: 'get token', status: 401 });
    expect((error as Error).message).toBe(
      '[auth0-force-password-reset] requirePasswordChange: getting a Management API token failed: HTTP 401 (Unauthorized) after 1 attempt — check the client id and secret, and that the application is authorized for the Management API of this domain (the canonical *.auth0.com domain, not a custom one)',
    );
    expect(inspect(error, { depth: 10 })).not.toContain(wrongSecret);
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 0 });
  });

  it('never puts the client secret, the token or the temporary password in an error', async ({ tenant, users }) => {
    const user = users.database();
    let token = '';
    const transport: typeof globalThis.fetch = async (input, init) => {
      token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? token;
      return tenant.fetch(input, init);
    };
    tenant.faults.inject(
      'patchUser',
      { kind: 'status', status: 400, body: { message: `PasswordStrengthError ${TEMPORARY_PASSWORD} ${tenant.clientSecret}` } },
      { times: 1 },
    );
    const report = await requirePasswordChange({ ...base(tenant, user.user_id), temporaryPassword: TEMPORARY_PASSWORD, fetch: transport });
    const everything = inspect(report, { depth: 10 });
    expect(report.failed[0]!.error).toMatchObject({ step: 'set password', status: 400 });
    expect(token.length).toBeGreaterThan(20);
    for (const secret of [TEMPORARY_PASSWORD, tenant.clientSecret, token]) expect(everything).not.toContain(secret);
    expect(everything).toContain('[redacted]');
  });
});

describe('an administrator’s waiver, and requirePasswordChange after it', () => {
  it('skips users whose waiver stands and was made at or after skipWaivedSince; counts the waivers it overrides', async ({ tenant, users }) => {
    const hour = 3_600_000;
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const waivedAt = (user: { user_id: string }, at: number, flaggedAt = now) =>
      tenant.users.updateAppMetadata(user.user_id, { needsPasswordReset: false, needsPasswordResetAt: iso(flaggedAt), needsPasswordResetWaivedAt: iso(at) });
    const atTheTime = waivedAt(users.database(), now + 2 * hour);
    const before = waivedAt(users.database(), now + hour);
    // Flagged again after the waiver, and that obligation met since: the waiver is history.
    const flaggedSince = waivedAt(users.database(), now + 2 * hour, now + 3 * hour);
    // A false flag with no time of waiver: an obligation met, not an administrator's decision.
    const met = users.database({ needsPasswordReset: false });
    const selected = [atTheTime, before, flaggedSince, met].map((user) => user.user_id);

    const report = await requirePasswordChange({ ...base(tenant, selected), skipWaivedSince: iso(now + 2 * hour) });
    expect(report.skipped).toEqual([
      { status: 'skipped', userId: atTheTime.user_id, reason: 'waived', detail: `needsPasswordReset was waived at ${iso(now + 2 * hour)}, after --skip-waived-since ${iso(now + 2 * hour)}` },
    ]);
    expect(report.done.map(({ userId, waivedAt: at }) => [userId, at])).toEqual([
      [before.user_id, iso(now + hour)],
      [flaggedSince.user_id, undefined],
      [met.user_id, undefined],
    ]);
    expect(report.overriddenWaivers).toBe(1);
    expect(tenant.users.get(atTheTime.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
  });

  it('refuses a skipWaivedSince that is not a time', async ({ tenant }) => {
    await expect(requirePasswordChange({ ...base(tenant, 'auth0|1'), skipWaivedSince: 'yesterday' })).rejects.toThrow(
      '"options.skipWaivedSince" must be an ISO 8601 time such as "2026-03-01T00:00:00Z" (got "yesterday")',
    );
  });
});
