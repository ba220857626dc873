import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, vi } from 'vitest';
import { resolveJobConfig } from '../../../src/admin/job-config.js';
import type { RequirePasswordChangeOptions } from '../../../src/admin/options.js';
import type { PasswordChangeRunStart, RunWait, UserOutcome, UsersExportProgress } from '../../../src/admin/report.js';
import { runPasswordChangeJob, type JobClock } from '../../../src/admin/run-password-change-job.js';
import { exportUsers } from '../../../src/admin/users-export.js';
import { parseTenantDomain, type TenantDomain } from '../../../src/management/domain.js';
import { openManagementClient } from '../../../src/management/management-client.js';
import { createMemoryTokenStore } from '../../../src/management/token-store.js';
import { createPasswordResetClearer } from '../../../src/clearer/create-password-reset-clearer.js';
import { ManagementApiError, OptionsError } from '../../../src/errors/index.js';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { adminOptionsFor, tenantTest as test } from '../../helpers/local-tenant.js';

/** Selecting users through a users export: `users: { all: true }` and `{ connection }`. */

const TEMPORARY_PASSWORD = 'Temp-0rary-Passw0rd!';
const DAY = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
});

/** A clock whose monotonic time moves only when the run waits: every wait is seen, none is spent. */
function fakeClock(): JobClock & { readonly slept: number[] } {
  let monotonic = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now(),
    monotonic: () => monotonic,
    sleep: async (ms) => {
      slept.push(ms);
      monotonic += ms;
    },
  };
}

const options = (tenant: LocalTenant, users: RequirePasswordChangeOptions['users'], more: Partial<RequirePasswordChangeOptions> = {}): RequirePasswordChangeOptions => ({
  ...adminOptionsFor(tenant, users),
  ...more,
});

const run = (action: 'requirePasswordChange' | 'waivePasswordChange', settings: RequirePasswordChangeOptions, clock = fakeClock()) =>
  runPasswordChangeJob(resolveJobConfig(action, settings), clock);

/** Routes of the requests after the token, the export's own (create, reads, download) left out. */
const userRequests = (tenant: LocalTenant) =>
  tenant.requests.filter((request) => ['getUser', 'patchUser'].includes(request.route)).map((request) => `${request.method} ${decodeURIComponent(request.path.slice('/api/v2/users/'.length))}`);

/** The users of a breach-day tenant: flagged, met, changed since the flag, social. */
function mixedTenant(tenant: LocalTenant) {
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const twoHoursAgo = new Date(Date.now() - 7_200_000).toISOString();
  return {
    plain: tenant.users.create({ app_metadata: { plan: 'gold' } }),
    flagged: tenant.users.create({ app_metadata: { needsPasswordReset: true, needsPasswordResetAt: hourAgo } }),
    changedSinceFlag: tenant.users.create({ app_metadata: { needsPasswordReset: true, needsPasswordResetAt: twoHoursAgo }, last_password_reset: hourAgo }),
    met: tenant.users.create({ app_metadata: { needsPasswordReset: false, needsPasswordResetAt: twoHoursAgo }, last_password_reset: hourAgo }),
    google: tenant.users.create({ connection: 'google-oauth2' }),
  };
}

describe('requirePasswordChange over a users export', () => {
  test('costs one write per user who needs one, and no read: the export says who is a database user and who is flagged', async ({ tenant }) => {
    const users = mixedTenant(tenant);
    const starts: PasswordChangeRunStart[] = [];
    const outcomes: [UserOutcome['status'], number, number][] = [];
    const exports: UsersExportProgress['phase'][] = [];
    const clock = fakeClock();
    const report = await run(
      'requirePasswordChange',
      options(tenant, { all: true }, {
        onStart: (start) => void starts.push(start),
        onUser: (outcome, { completed, requests }) => void outcomes.push([outcome.status, completed, requests]),
        onExport: ({ phase }) => void exports.push(phase),
      }),
      clock,
    );

    expect(starts).toEqual([
      { action: 'require', source: 'export', dryRun: false, total: 5, excludedCount: 0, userIds: [], excluded: [], requestsExpected: 3, waiversToOverride: { count: 0, latestAt: undefined } },
    ]);
    expect(exports).toEqual(['started', 'waiting', 'waiting', 'waiting', 'downloaded']);
    // The export's polls waited 1, 2 and 4 s, by the run's clock.
    expect(clock.slept.filter((ms) => ms >= 1000)).toEqual([1000, 2000, 4000]);
    expect(userRequests(tenant)).toEqual([users.plain, users.changedSinceFlag, users.met].map((user) => `PATCH ${user.user_id}`));
    expect(outcomes).toEqual([
      ['done', 1, 1],
      ['skipped', 2, 1],
      ['done', 3, 2],
      ['done', 4, 3],
      ['skipped', 5, 3],
    ]);
    expect(report).toEqual({
      action: 'require',
      source: 'export',
      dryRun: false,
      counts: { done: 3, skipped: 2, failed: 0, excluded: 0 },
      // From an export only the failed users are listed: the run's memory must not grow with the tenant.
      done: [],
      skipped: [],
      failed: [],
      excluded: [],
      overriddenWaivers: 0,
      // One write for each of the three: the export decided, without a read.
      requests: 3,
      plannedRequests: undefined,
      interrupted: false,
    });
    expect(tenant.users.get(users.plain.user_id)!.app_metadata).toEqual({ plan: 'gold', needsPasswordReset: true, needsPasswordResetAt: expect.any(String) });
    // The standing obligation kept its start.
    expect(tenant.users.get(users.flagged.user_id)!.app_metadata['needsPasswordResetAt']).toBe(users.flagged.app_metadata['needsPasswordResetAt']);
    expect(tenant.users.get(users.google.user_id)!.app_metadata).toEqual({});
    expect(tenant.counts()).toMatchObject({ token: 1, createUsersExport: 1, getJob: 3, downloadExport: 1, getUser: 0, patchUser: 3 });
    const login = await tenant.runLogin(users.met.user_id, createFirstLoginGate({ log: false }));
    expect(login.deniedWith).toBe('Please reset your password!');
  });

  test('takes the users of one connection only, and refuses a connection no user belongs to before writing anything', async ({ tenant }) => {
    tenant.connections.add({ name: 'staff', strategy: 'auth0' });
    const staff = tenant.users.create({ connection: 'staff' });
    const other = tenant.users.create();
    const report = await run('requirePasswordChange', options(tenant, { connection: 'staff' }));
    expect(report.counts).toEqual({ done: 1, skipped: 0, failed: 0, excluded: 0 });
    expect(userRequests(tenant)).toEqual([`PATCH ${staff.user_id}`]);
    expect(tenant.users.get(other.user_id)!.app_metadata).toEqual({});

    tenant.resetCounts();
    const error = await run('requirePasswordChange', options(tenant, { connection: 'Staff' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as OptionsError).message).toBe(
      '[auth0-force-password-reset] requirePasswordChange: "options.users.connection" names a connection no user of the tenant belongs to; the users\' connections are "Username-Password-Authentication", "staff"',
    );
    expect(tenant.counts().patchUser).toBe(0);
  });

  test('leaves excluded users alone, counted; waives from an export the same way: one write, or none', async ({ tenant }) => {
    const users = mixedTenant(tenant);
    const excluded = await run('requirePasswordChange', options(tenant, { all: true }, { exclude: [users.plain.user_id, users.met.user_id] }));
    expect(excluded.counts).toEqual({ done: 1, skipped: 2, failed: 0, excluded: 2 });
    expect(userRequests(tenant)).toEqual([`PATCH ${users.changedSinceFlag.user_id}`]);

    tenant.resetCounts();
    const waived = await run('waivePasswordChange', options(tenant, { all: true }));
    // Every database user's flag is now true but `met`'s, which was false already.
    expect(waived.counts).toEqual({ done: 3, skipped: 2, failed: 0, excluded: 0 });
    expect(tenant.counts()).toMatchObject({ getUser: 0, patchUser: 3 });
    expect(tenant.users.get(users.flagged.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
  });

  test('in a dry run reads nothing more than the export', async ({ tenant }) => {
    mixedTenant(tenant);
    const report = await run('requirePasswordChange', options(tenant, { all: true }, { dryRun: true, temporaryPassword: TEMPORARY_PASSWORD }));
    expect(report.counts).toEqual({ done: 4, skipped: 1, failed: 0, excluded: 0 });
    expect(tenant.counts()).toMatchObject({ getUser: 0, patchUser: 0 });
  });

  test('with a temporary password reads each database user first: one flagged since the export still gets the provisional flag', async ({ tenant }) => {
    const early = tenant.users.create();
    const late = tenant.users.create();
    let flaggedSinceExport = false;
    // The gate flags `late` at a first login after the export was written, before the run reaches it.
    const transport: typeof globalThis.fetch = async (input, init) => {
      const response = await tenant.fetch(input, init);
      if (new URL(input instanceof Request ? input.url : String(input)).pathname.endsWith('.json.gz') && !flaggedSinceExport) {
        flaggedSinceExport = true;
        tenant.users.updateAppMetadata(late.user_id, { needsPasswordReset: true, needsPasswordResetAt: new Date(Date.now() - 1000).toISOString() });
      }
      return response;
    };
    const starts: PasswordChangeRunStart[] = [];
    const report = await run('requirePasswordChange', options(tenant, { all: true }, { temporaryPassword: TEMPORARY_PASSWORD, fetch: transport, onStart: (start) => void starts.push(start) }));
    expect(report.counts).toEqual({ done: 2, skipped: 0, failed: 0, excluded: 0 });
    // Read, password, flag — and for `late`, read, provisional flag, password, flag.
    expect(starts[0]!.requestsExpected).toBe(6);
    expect(userRequests(tenant)).toEqual([
      `GET ${early.user_id}`, `PATCH ${early.user_id}`, `PATCH ${early.user_id}`,
      `GET ${late.user_id}`, `PATCH ${late.user_id}`, `PATCH ${late.user_id}`, `PATCH ${late.user_id}`,
    ]);
    expect(tenant.users.verifyPassword(late.user_id, TEMPORARY_PASSWORD)).toBe(true);
    const stored = tenant.users.get(late.user_id)!;
    expect(Date.parse(stored.app_metadata['needsPasswordResetAt'] as string)).toBeGreaterThan(Date.parse(stored.last_password_reset!));
  });

  test('asks the job again for a fresh link once 50 s have passed since the last, and once the download host refuses one', async ({ tenant }) => {
    tenant.users.create();
    const clock = fakeClock();
    let stalled = false;
    // The run stalls for a minute right after the job completes (a slow machine, a suspended laptop).
    const transport: typeof globalThis.fetch = async (input, init) => {
      const response = await tenant.fetch(input, init);
      if (!stalled && response.url.includes('/api/v2/jobs/') && ((await response.clone().json()) as { status?: string }).status === 'completed') {
        stalled = true;
        await clock.sleep(61_000);
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.now() + 61_000);
      }
      return response;
    };
    await run('requirePasswordChange', options(tenant, { all: true }, { fetch: transport }), clock);
    expect(tenant.requests.filter((request) => ['getJob', 'downloadExport'].includes(request.route)).map((request) => `${request.route} ${request.status}`)).toEqual([
      'getJob 200', 'getJob 200', 'getJob 200', 'getJob 200', 'downloadExport 200',
    ]);

    tenant.resetCounts();
    tenant.faults.inject('downloadExport', { kind: 'status', status: 403, body: '<Error><Code>AccessDenied</Code></Error>' });
    const report = await run('waivePasswordChange', options(tenant, { all: true }));
    expect(report.counts.done).toBe(1);
    expect(tenant.requests.filter((request) => ['getJob', 'downloadExport'].includes(request.route)).map((request) => `${request.route} ${request.status}`)).toEqual([
      'getJob 200', 'getJob 200', 'getJob 200', 'downloadExport 403', 'getJob 200', 'downloadExport 200',
    ]);
  });

  test('takes a file a transport has already decompressed, and tells an unknown job status from an end', async ({ tenant }) => {
    const ada = tenant.users.create();
    let jobId = '';
    let polls = 0;
    // The job's first two reads answer a status Auth0 does not document; the file comes decompressed.
    const transport: typeof globalThis.fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const response = await tenant.fetch(input, init);
      if (url.pathname === '/api/v2/jobs/users-exports') jobId = ((await response.clone().json()) as { id: string }).id;
      if (url.pathname.startsWith('/api/v2/jobs/job_') && (polls += 1) <= 2) return Response.json({ id: jobId, type: 'users_export', status: 'queued' });
      if (url.pathname.endsWith('.json.gz')) return new Response(`${JSON.stringify({ user_id: ada.user_id, provider: 'auth0', connection: 'Username-Password-Authentication' })}\n`);
      return response;
    };
    const statuses: string[] = [];
    const report = await run('requirePasswordChange', options(tenant, { all: true }, { fetch: transport, onExport: (progress) => void (progress.phase === 'waiting' && statuses.push(progress.status)) }));
    expect(statuses).toEqual(['pending', 'queued', 'queued']);
    expect(report.counts.done).toBe(1);

    // An answer about another job is refused, as a malformed answer.
    tenant.faults.inject('getJob', { kind: 'status', status: 200, body: { id: 'job_0000000000000000', type: 'users_export', status: 'queued' } });
    const error = await run('requirePasswordChange', options(tenant, { all: true })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ step: 'export users', reason: "malformed answer: no job id, or another job's" });
  });

  test('fails the run, before any user, when the job fails, does not finish in time, or the file is malformed', async ({ tenant }) => {
    tenant.users.create();
    const answering = (rewrite: (pathname: string, response: Response) => Promise<Response>): typeof globalThis.fetch => async (input, init) => {
      const response = await tenant.fetch(input, init);
      return rewrite(new URL(response.url).pathname, response);
    };
    const failing = answering(async (pathname, response) => {
      if (!pathname.startsWith('/api/v2/jobs/job_')) return response;
      const job = (await response.json()) as Record<string, unknown>;
      return Response.json({ ...job, status: 'failed', status_details: 'Export failed: internal error' });
    });
    const failed = await run('requirePasswordChange', options(tenant, { all: true }, { fetch: failing })).catch((caught: unknown) => caught);
    expect(failed).toBeInstanceOf(ManagementApiError);
    expect((failed as Error).message).toMatch(
      /^\[auth0-force-password-reset\] requirePasswordChange: exporting users failed: the users-export job job_\w{16} failed \(Export failed: internal error\) after 1 attempt — run again; if it fails again, see the tenant logs$/,
    );

    const stuck = answering(async (pathname, response) => {
      if (!pathname.startsWith('/api/v2/jobs/job_')) return response;
      return Response.json({ ...((await response.json()) as object), status: 'processing' });
    });
    const clock = fakeClock();
    const late = await run('requirePasswordChange', options(tenant, { all: true }, { fetch: stuck, exportTimeoutMs: 60_000 }), clock).catch((caught: unknown) => caught);
    expect((late as ManagementApiError).reason).toMatch(/^the users-export job job_\w{16} did not finish within 1 min \(last status: processing\)$/);
    expect(clock.slept.filter((ms) => ms >= 1000)).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);

    const garbled = answering(async (pathname, response) => (pathname.endsWith('.json.gz') ? new Response(gzipSync('{"user_id":"auth0|1"}\n{"email":"x@example.com"}\n')) : response));
    const malformed = await run('requirePasswordChange', options(tenant, { all: true }, { fetch: garbled })).catch((caught: unknown) => caught);
    expect(malformed).toMatchObject({
      step: 'download export',
      reason: 'malformed answer: line 2 of the export has no user_id',
    });
    expect(tenant.counts().patchUser).toBe(0);
  });

  test('tells of a wait on the rate limit before it starts, and stops when aborted during the export', async ({ startTenant }) => {
    const tenant = await startTenant();
    tenant.users.create();
    tenant.faults.rateLimit('patchUser', { retryAfterSeconds: 12 });
    const waits: RunWait[] = [];
    const clock = fakeClock();
    await run('requirePasswordChange', options(tenant, { all: true }, { onWait: (wait) => void waits.push(wait) }), clock);
    const [first, ...rest] = waits;
    expect(first).toEqual({ ms: 12_000, reason: 'rate-limit', status: 429 });
    // x-ratelimit-reset is in whole seconds of the tenant's clock, which may run a few milliseconds ahead
    // of this one under load: the pacer may then hold the next start until that second, a few ms more.
    expect(rest.every((wait) => wait.reason === 'rate-limit' && wait.status === undefined && wait.ms < 1_000)).toBe(true);

    const controller = new AbortController();
    const report = await run('requirePasswordChange', options(tenant, { all: true }, { signal: controller.signal, onExport: () => controller.abort() }));
    expect(report).toMatchObject({ interrupted: true, counts: { done: 0, skipped: 0, failed: 0, excluded: 0 } });
  });
});

describe('the export on disk', () => {
  test('lives in a private temporary directory for the run only: removed after a run, and after a failed one', async ({ tenant }) => {
    tenant.users.create();
    // A temporary directory of this test's own (files run in processes of their own), so that other
    // files' exports running meanwhile do not show.
    const saved = process.env['TMPDIR'];
    const temporary = mkdtempSync(join(tmpdir(), 'afpr-tmp-'));
    process.env['TMPDIR'] = temporary;
    try {
      let during: { directory: number; file: number } | undefined;
      await run('requirePasswordChange', options(tenant, { all: true }, {
        onStart: () => {
          const [directory] = readdirSync(temporary);
          const path = join(temporary, directory!);
          during = { directory: statSync(path).mode & 0o777, file: statSync(join(path, 'users.json.gz')).mode & 0o777 };
        },
      }));
      expect(during).toEqual({ directory: 0o700, file: 0o600 });
      expect(readdirSync(temporary)).toEqual([]);

      const garbled: typeof globalThis.fetch = async (input, init) => {
        const response = await tenant.fetch(input, init);
        return new URL(response.url).pathname.endsWith('.json.gz') ? new Response(gzipSync('not json\n')) : response;
      };
      await expect(run('requirePasswordChange', options(tenant, { all: true }, { fetch: garbled }))).rejects.toMatchObject({ step: 'download export' });
      expect(readdirSync(temporary)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
      rmSync(temporary, { recursive: true, force: true });
    }
  });
});

describe('several users in flight', () => {
  test('keeps `concurrency` users in flight or being recorded, calls onUser in the order users finish, and processes each user once', async ({ tenant }) => {
    const users = Array.from({ length: 9 }, () => tenant.users.create());
    let inFlight = 0;
    let mostInFlight = 0;
    let started = 0;
    let settled = 0;
    let mostUnsettled = 0;
    const transport: typeof globalThis.fetch = async (input, init) => {
      const isPatch = init?.method === 'PATCH';
      if (isPatch) {
        mostInFlight = Math.max(mostInFlight, (inFlight += 1));
        mostUnsettled = Math.max(mostUnsettled, (started += 1) - settled);
      }
      try {
        // Each write takes a few turns of the event loop, so that the others can start meanwhile.
        if (isPatch) for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
        return await tenant.fetch(input, init);
      } finally {
        if (isPatch) inFlight -= 1;
      }
    };
    let recording = 0;
    let overlapping = false;
    const called: number[] = [];
    const report = await run(
      'requirePasswordChange',
      options(tenant, { all: true }, {
        fetch: transport,
        concurrency: 4,
        onUser: async (_outcome, progress) => {
          called.push(progress.completed);
          overlapping ||= (recording += 1) > 1;
          // A slow recorder: the users who finish meanwhile are handed over without waiting for it.
          for (let turn = 0; turn < 10; turn += 1) await new Promise((resolve) => setImmediate(resolve));
          recording -= 1;
          settled += 1;
        },
      }),
    );
    expect(mostInFlight).toBe(4);
    // A user's place goes to another only once its onUser has settled.
    expect(mostUnsettled).toBe(4);
    expect(overlapping).toBe(true);
    expect(called).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(report.counts.done).toBe(9);
    expect(new Set(userRequests(tenant))).toEqual(new Set(users.map((user) => `PATCH ${user.user_id}`)));
    expect(userRequests(tenant)).toHaveLength(9);
  });

  test('by default, enough for requests of 200 ms to keep the rate: rate / 5', () => {
    const concurrencyAt = (rate: number) => resolveJobConfig('requirePasswordChange', { domain: 'acme.eu.auth0.com', clientId: 'id', clientSecret: 'secret', users: { all: true }, rate }).concurrency;
    expect([0.1, 2, 5, 16, 100, 1000].map(concurrencyAt)).toEqual([1, 1, 1, 4, 20, 200]);
  });
});

describe('the same rule when users are read one by one', () => {
  test('skips a user already flagged who has not changed the password since, unless a temporary password is set', async ({ tenant }) => {
    const users = mixedTenant(tenant);
    const report = await run('requirePasswordChange', options(tenant, [users.flagged.user_id, users.changedSinceFlag.user_id]));
    expect(report.skipped).toEqual([
      {
        status: 'skipped',
        userId: users.flagged.user_id,
        reason: 'already-required',
        detail: `needsPasswordReset is set since ${String(users.flagged.app_metadata['needsPasswordResetAt'])} and the password has not changed since`,
      },
    ]);
    expect(report.done.map((outcome) => outcome.userId)).toEqual([users.changedSinceFlag.user_id]);

    const withPassword = await run('requirePasswordChange', options(tenant, [users.flagged.user_id], { temporaryPassword: TEMPORARY_PASSWORD }));
    expect(withPassword.done.map((outcome) => outcome.writes)).toEqual([['password', 'needsPasswordReset', 'needsPasswordResetAt']]);
  });

  test('a user flagged and unchanged is still stopped by the gate, and the clearer still clears at the next change', async ({ tenant }) => {
    const { flagged } = mixedTenant(tenant);
    await run('requirePasswordChange', options(tenant, { all: true }));
    expect((await tenant.runLogin(flagged.user_id, createFirstLoginGate({ log: false }))).deniedWith).toBe('Please reset your password!');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + DAY);
    const clearer = createPasswordResetClearer({ log: false });
    expect(await tenant.runPasswordChange(flagged.user_id, 'Us3r-Ch0sen-Passw0rd', clearer).completion).toEqual({ ok: true });
    expect((await tenant.runLogin(flagged.user_id, createFirstLoginGate({ log: false }))).allowed).toBe(true);
  });
});

describe('the caps an export is read under', () => {
  test('an export that decompresses past 100 times its size (and its floor) is refused before anyone is changed, naming the cap', async ({ tenant }) => {
    const ada = tenant.users.create();
    // 100,000 copies of one valid line: 2.9 MB that gzip takes down to a few kilobytes.
    const bomb = gzipSync(`${JSON.stringify({ user_id: ada.user_id, provider: 'auth0', connection: 'Username-Password-Authentication' })}\n`.repeat(100_000), { level: 9 });
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await tenant.fetch(input, init);
      return new URL(response.url).pathname.endsWith('.json.gz') ? new Response(bomb) : response;
    };
    const client = await openManagementClient({
      caller: 'requirePasswordChange',
      domain: parseTenantDomain(tenant.domain) as TenantDomain,
      clientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      transport: fetch,
      tokens: createMemoryTokenStore(),
      requestTimeoutMs: 2_000,
      maxAttempts: 1,
    });
    const limits = { lineBytes: 1024 * 1024, expansion: 100, minDecompressedBytes: 64 * 1024 };
    const file = await exportUsers({ caller: 'requirePasswordChange', client, clock: fakeClock(), timeoutMs: 60_000, maxAttempts: 1, onExport: undefined, signal: undefined, limits });
    let read = 0;
    const error = await (async () => {
      for await (const user of file!.users()) if (user.userId === ada.user_id) read += 1;
    })().catch((caught: unknown) => caught);
    await file!.remove();
    expect(error).toBeInstanceOf(ManagementApiError);
    expect((error as ManagementApiError).reason).toBe(
      `malformed answer: the export decompresses to more than ${(Math.max(64 * 1024, 100 * bomb.length) / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MiB, 100 times its ${bomb.length.toLocaleString('en')} bytes (or 0.1 MiB), the most it may be`,
    );
    // It stopped there, not at the end of the 2.9 MB.
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(100_000);
    expect(tenant.counts().patchUser).toBe(0);
  });
});
