import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { runCliOn } from '../../helpers/cli.js';
import { tenantTest as test } from '../../helpers/local-tenant.js';
import { closedPort, networkFailure } from '../../helpers/network.js';

/** `require-change --all | --connection`, `status`, long runs and hosts that cannot be reached, at the command line. */

const PREFIX = 'auth0-force-password-reset:';
const HOUR = 3_600_000;

function breachDayUsers(tenant: LocalTenant) {
  return {
    plain: tenant.users.create({ app_metadata: { plan: 'gold' } }),
    flagged: tenant.users.create({ app_metadata: { needsPasswordReset: true, needsPasswordResetAt: new Date(Date.now() - HOUR).toISOString() } }),
    other: tenant.users.create(),
    google: tenant.users.create({ connection: 'google-oauth2' }),
  };
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('require-change --all', () => {
  test('exports the users, says where the job stands, and changes those who need it with one request each', async ({ tenant }) => {
    const users = breachDayUsers(tenant);
    const run = await runCliOn(tenant, ['require-change', '--all', '--rate', '10']);
    expect(run.code).toBe(0);
    const stderr = lines(run.stderr);
    expect(stderr.slice(0, 5)).toEqual([
      expect.stringMatching(/^exporting users \(job job_\w{16}\)…$/),
      expect.stringMatching(/^export job_\w{16}: pending \(0s so far\)$/),
      expect.stringMatching(/^export job_\w{16}: pending \(1s so far\)$/),
      expect.stringMatching(/^export job_\w{16}: processing, 50% done, about 1s left \(3s so far\)$/),
      expect.stringMatching(/^export job_\w{16} downloaded \(\d+ bytes\); reading it$/),
    ]);
    expect(stderr[5]).toBe(`require-change: 4 users (every user) on ${tenant.domain}; 2 Management API requests expected`);
    // No line per user from an export: a summary at the end (and every 30 s), the failed ones.
    expect(stderr.slice(6)).toEqual([expect.stringMatching(/^\[4\/4\] 100% {2}done 2 {2}skipped 2 {2}failed 0 — \d+\.\d users\/s, \d+\.\d requests\/s$/)]);
    expect(run.stdout).toBe(
      [`require-change on ${tenant.domain} (flag needsPasswordReset)`, '  done             2', '  skipped          2', '  failed           0', ''].join('\n'),
    );
    expect(tenant.counts()).toMatchObject({ getUser: 0, patchUser: 2 });
    expect(tenant.users.get(users.plain.user_id)!.app_metadata).toMatchObject({ plan: 'gold', needsPasswordReset: true });
  });

  test('prints counts, the source and the failed users as JSON; done and skipped are counted, not listed', async ({ tenant }) => {
    const users = breachDayUsers(tenant);
    tenant.faults.serverError('patchUser', { times: 5 });
    const run = await runCliOn(tenant, ['require-change', '--all', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ source: 'export', counts: { done: 1, skipped: 2, failed: 1, earlier: 0 }, done: [], skipped: [], earlier: [], exitCode: 1 });
    expect(report['failed']).toEqual([
      expect.objectContaining({ userId: users.plain.user_id, step: 'update user', status: 503, writes: [] }),
    ]);
    expect(run.stderr).toContain(`[1/4] failed ${users.plain.user_id}: updating user "${users.plain.user_id}" failed: HTTP 503 (Service Unavailable) after 5 attempts`);
  });

  test('says when it waits on the rate limit, and for how long', async ({ tenant }) => {
    breachDayUsers(tenant);
    tenant.faults.rateLimit('patchUser', { retryAfterSeconds: 12 });
    const run = await runCliOn(tenant, ['require-change', '--all']);
    expect(run.code).toBe(0);
    expect(run.sleeps).toContain(12_000);
    expect(lines(run.stderr)).toContain("waiting 12s: the tenant's rate limit is used up (HTTP 429)");
  });

  test('on a terminal, draws the bar with the rate and the time left, printing the failed users above it', async ({ tenant }) => {
    for (let index = 0; index < 6; index += 1) tenant.users.create();
    tenant.faults.serverError('patchUser', { times: 5 });
    const run = await runCliOn(tenant, ['require-change', '--all'], { tty: true });
    expect(run.code).toBe(1);
    const frames = run.stderr.split('\r\x1b[2K');
    expect(frames).toContainEqual(expect.stringMatching(/^failed auth0\|\w+: updating user/));
    expect(frames).toContainEqual(expect.stringMatching(/^\[#{8}\.{16}\] 2\/6 {2}done 1 {2}skipped 0 {2}failed 1 {2}\d+\.\d\/s {2}eta \d+s$/));
    // The bar's line ended, then the waits of a second or more before retries (their length is
    // random) summed up, if more than one.
    expect(frames.at(-1)).toMatch(/^\[#{24}\] 6\/6 {2}done 5 {2}skipped 0 {2}failed 1 {2}\d+\.\d\/s\n(?:waited \d+ times on a retry after HTTP 503, \d+s in all\n)?$/);
  });

  test('--connection with --state: interrupted, then resumed where it stopped', async ({ tenant }) => {
    tenant.connections.add({ name: 'staff', strategy: 'auth0' });
    const staff = Array.from({ length: 4 }, () => tenant.users.create({ connection: 'staff' }));
    const outsider = tenant.users.create();
    const state = join(mkdtempSync(join(tmpdir(), 'afpr-export-')), 'run.json');
    const interrupt = new AbortController();
    let writes = 0;
    const transport: typeof globalThis.fetch = async (input, init) => {
      if (init?.method === 'PATCH' && ++writes === 2) interrupt.abort();
      return tenant.fetch(input, init);
    };
    const first = await runCliOn(tenant, ['require-change', '--connection', 'staff', '--state', state], { fetch: transport, signal: interrupt.signal });
    expect(first.code).toBe(130);
    expect(first.stdout).toContain('Interrupted: the users not counted above were not touched.');

    tenant.resetCounts();
    const second = await runCliOn(tenant, ['require-change', '--connection', 'staff', '--state', state]);
    expect(second.code).toBe(0);
    expect(lines(second.stderr)).toContain(`require-change: 2 users of connection staff on ${tenant.domain}, 2 more done or skipped by an earlier run; 2 Management API requests expected`);
    expect(second.stdout).toContain(`  earlier          2  done or skipped by an earlier run (${state})`);
    expect(tenant.counts().patchUser).toBe(2);
    const recorded = JSON.parse(readFileSync(state, 'utf8')) as { users: Record<string, { status: string }> };
    expect(Object.keys(recorded.users).sort()).toEqual(staff.map((user) => user.user_id).sort());
    expect(tenant.users.get(outsider.user_id)!.app_metadata).toEqual({});
  });

  test('names the connections there are when none of the users belongs to the one given, exit 2', async ({ tenant }) => {
    tenant.users.create();
    const run = await runCliOn(tenant, ['require-change', '--connection', 'Username-Password-Auth']);
    expect(run.code).toBe(2);
    expect(lines(run.stderr).slice(-2)).toEqual([
      `${PREFIX} --connection names a connection no user of the tenant belongs to; the users' connections are "Username-Password-Authentication"`,
      'Run auth0-force-password-reset --help for the usage.',
    ]);
  });
});

describe('status', () => {
  test('prints a table per connection, with the rules asked about', async ({ tenant }) => {
    tenant.connections.add({ name: 'staff', strategy: 'auth0' });
    breachDayUsers(tenant);
    tenant.users.create({ connection: 'staff', created_at: new Date(Date.now() - 400 * 24 * HOUR).toISOString() });
    const run = await runCliOn(tenant, ['status', '--max-password-age-days', '365'], { now: () => Date.now() });
    expect(run.code).toBe(0);
    const stdout = lines(run.stdout);
    expect(stdout[0]).toMatch(new RegExp(`^Password change status of ${tenant.domain.replace(/\./g, '\\.')} \\(flag needsPasswordReset\\) at \\S+Z, from users export job_\\w{16}$`));
    expect(stdout.slice(1, 6)).toEqual([
      'Rules: passwords older than 365 days',
      'connection                        users  flagged  changed  flag false  by flag  by rules  stopped',
      'Username-Password-Authentication      3        1        0           0        1         0        1',
      'staff                                 1        0        0           0        0         1        1',
      'all database connections              4        1        0           0        1         1        2',
    ]);
    expect(stdout[6]).toBe('other users (social, enterprise, passwordless: no Auth0 password, never stopped): 1');
    expect(tenant.counts()).toMatchObject({ getUser: 0, patchUser: 0, createUsersExport: 1 });
  });

  test('--json, and --connection: the numbers of one connection', async ({ tenant }) => {
    breachDayUsers(tenant);
    // A cut-off a minute from now, asked about an hour from now (the tool's clock): in force by then.
    const cutOff = new Date(Date.now() + 60_000).toISOString();
    const run = await runCliOn(tenant, ['status', '--json', '--connection', 'Username-Password-Authentication', '--passwords-set-before', cutOff], { now: () => Date.now() + HOUR });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      connection: 'Username-Password-Authentication',
      total: { databaseUsers: 3, flagged: 1, stoppedByFlag: 1, stoppedByRules: 3, stopped: 3 },
      otherUsers: 0,
    });
  });

  test('exits 3 without read:users, naming the scope', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['update:users_app_metadata'] });
    const run = await runCliOn(tenant, ['status']);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `${PREFIX} getting a Management API token failed: the token does not grant read:users after 1 attempt — grant the M2M application read:users: this run needs read:users\n`,
    );
  });
});

describe('a tenant that cannot be reached', () => {
  test('fails at once with exit 4 and "cannot reach": nothing listens on the port', async ({ tenant }) => {
    const port = await closedPort();
    const env = { ...tenant.secrets, AUTH0_DOMAIN: `http://127.0.0.1:${port}` };
    const run = await runCliOn(tenant, ['require-change', '--all'], { env, fetch: globalThis.fetch });
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(
      `${PREFIX} cannot reach 127.0.0.1:${port}: nothing accepts the connection (ECONNREFUSED); no user was changed — check AUTH0_DOMAIN, and this machine's network, proxy and firewall\n`,
    );
    // No retry, no backoff.
    expect(run.sleeps).toEqual([]);
  });

  test.for([
    ['ENOTFOUND', 'its name does not resolve (ENOTFOUND)'],
    ['CERT_HAS_EXPIRED', 'its TLS certificate was refused (CERT_HAS_EXPIRED)'],
  ] as const)('fails at once on %s, for status too', async ([code, why], { tenant }) => {
    const env = { ...tenant.secrets, AUTH0_DOMAIN: 'acme.eu.auth0.com' };
    let attempts = 0;
    const unreachable: typeof globalThis.fetch = async () => {
      attempts += 1;
      throw networkFailure(code);
    };
    const run = await runCliOn(tenant, ['require-change', 'auth0|64b7f0c2a1d3e4f5a6b7c8d9'], { env, fetch: unreachable });
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(`${PREFIX} cannot reach acme.eu.auth0.com: ${why}; no user was changed — check AUTH0_DOMAIN, and this machine's network, proxy and firewall\n`);
    const status = await runCliOn(tenant, ['status'], { env, fetch: unreachable });
    expect(status.code).toBe(4);
    expect(status.stderr).toBe(`${PREFIX} cannot reach acme.eu.auth0.com: ${why}; nothing was read — check AUTH0_DOMAIN, and this machine's network, proxy and firewall\n`);
    expect(attempts).toBe(2);
  });

  test('stops a run when the tenant disappears mid-way, keeping what was done', async ({ tenant }) => {
    const users = Array.from({ length: 3 }, () => tenant.users.create());
    let writes = 0;
    const transport: typeof globalThis.fetch = async (input, init) => {
      if (init?.method === 'PATCH' && ++writes === 2) throw networkFailure('ENOTFOUND');
      return tenant.fetch(input, init);
    };
    const state = join(mkdtempSync(join(tmpdir(), 'afpr-export-')), 'run.json');
    const run = await runCliOn(tenant, ['require-change', ...users.map((user) => user.user_id), '--state', state], { fetch: transport });
    expect(run.code).toBe(4);
    expect(lines(run.stderr).at(-1)).toBe(
      `${PREFIX} cannot reach ${tenant.domain}: its name does not resolve (ENOTFOUND); stopped after 1 user ("${state}" keeps them: run the same command again to continue) — check AUTH0_DOMAIN, and this machine's network, proxy and firewall`,
    );
    expect(Object.keys((JSON.parse(readFileSync(state, 'utf8')) as { users: object }).users)).toEqual([users[0]!.user_id]);
  });
});
