import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { waivePasswordChange } from '../../../src/admin/waive-password-change.js';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { cliTest as it, readState, TEMPORARY_PASSWORD, USAGE_HINT } from '../../helpers/cli.js';
import { adminOptionsFor } from '../../helpers/local-tenant.js';
import { createMemoryFileSystem } from '../../helpers/memory-file-system.js';

/** A transport that lets a test inject a fault for requests about one user, just before they arrive. */
function transportWithFaults(tenant: LocalTenant, onRequest: (method: string, userId: string | undefined) => void): typeof globalThis.fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const match = /^\/api\/v2\/users\/([^/]+)$/.exec(url.pathname);
    onRequest(init?.method ?? 'GET', match?.[1] === undefined ? undefined : decodeURIComponent(match[1]));
    return tenant.fetch(input, init);
  };
}

describe('require-change', () => {
  it('changes database users given by id, skips others, reports an unknown id as failed, exit 1', async ({ tenant, users, cli }) => {
    const ada = users.database({ plan: 'gold' });
    const google = users.social();
    const run = await cli(['require-change', ada.user_id, google.user_id, 'auth0|000000000000000000000000', '--temporary-password-from-env', 'TEMP_PASSWORD']);

    expect(run.code).toBe(1);
    expect(tenant.users.verifyPassword(ada.user_id, TEMPORARY_PASSWORD)).toBe(true);
    expect(tenant.users.get(ada.user_id)!.app_metadata).toMatchObject({ plan: 'gold', needsPasswordReset: true });
    expect(tenant.users.get(google.user_id)!.app_metadata).toEqual({});
    expect(run.stdout).toBe(
      [
        `require-change on ${tenant.domain} (flag needsPasswordReset, temporary password from $TEMP_PASSWORD)`,
        '  done             1',
        '  skipped          1',
        `    ${google.user_id}  primary identity is google-oauth2 (connection "google-oauth2"): no Auth0 password to change`,
        '  failed           1',
        '    auth0|000000000000000000000000  reading user "auth0|000000000000000000000000" failed: HTTP 404 (The user does not exist.) after 1 attempt — no such user',
        'To continue, run again with the users not done (next time, --state <file> makes a run resumable).',
        '',
      ].join('\n'),
    );
    // Not a terminal: one progress line per user on stderr.
    expect(run.stderr.split('\n').slice(0, 4)).toEqual([
      `require-change: 3 users on ${tenant.domain}`,
      `[1/3] done ${ada.user_id} (password, needsPasswordReset, needsPasswordResetAt)`,
      `[2/3] skipped ${google.user_id}: primary identity is google-oauth2 (connection "google-oauth2"): no Auth0 password to change`,
      '[3/3] failed auth0|000000000000000000000000: reading user "auth0|000000000000000000000000" failed: HTTP 404 (The user does not exist.) after 1 attempt — no such user',
    ]);
    const login = await tenant.runLogin(ada.user_id, createFirstLoginGate({ log: false }));
    expect(login.deniedWith).toBe('Please reset your password!');
  });

  it('exits 0 when every user is done or skipped, with the configured flag', async ({ tenant, users, cli }) => {
    const ada = users.database();
    const run = await cli(['require-change', ada.user_id, '--flag', 'mustChangePassword']);
    expect(run.code).toBe(0);
    expect(tenant.users.get(ada.user_id)!.app_metadata).toEqual({
      mustChangePassword: true,
      mustChangePasswordAt: expect.any(String),
    });
  });

  it('reads ids from a file, ignoring blank lines and # comments', async ({ tenant, users, cli, dir }) => {
    const [ada, grace] = [users.database(), users.database()];
    const file = join(dir, 'ids.txt');
    writeFileSync(file, `\uFEFF# contractors, March\n${ada.user_id}\r\n\n   ${grace.user_id}   # Grace\n${ada.user_id}\n`);
    const run = await cli(['require-change', '--file', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('require-change: 2 users on');
    for (const user of [ada, grace]) expect(tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset']).toBe(true);
  });

  it('refuses a file with malformed lines — saying which and what is wrong, never their content — and changes nothing, exit 2', async ({ tenant, users, cli, dir }) => {
    const ada = users.database();
    const file = join(dir, 'ids.txt');
    writeFileSync(file, `${ada.user_id}\nada@example.com\nauth0|abc def\n`);
    const run = await cli(['require-change', '--file', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `auth0-force-password-reset: ${JSON.stringify(file)} has lines that are not user ids (expected provider|id, such as auth0|64b7f0c2a1d3e4f5a6b7c8d9, one per line; nothing was changed, and the lines are not shown): line 2: not a user id (it looks like an email address); line 3: not a user id (it has a space in it)\n${USAGE_HINT}\n`,
    );
    expect(run.stdout).toBe('');
    expect(tenant.counts().total).toBe(0);
  });

  it('given an .env file by mistake, prints none of its lines', async ({ tenant, cli, dir }) => {
    const file = join(dir, '.env');
    const secret = 'kX9-secret-value-Qz7';
    writeFileSync(
      file,
      [
        '# the tenant',
        `AUTH0_DOMAIN=${tenant.domain}`,
        `export AUTH0_CLIENT_SECRET="${secret}"`,
        `TEMP_PASSWORD = ${TEMPORARY_PASSWORD}`,
        `{"clientSecret": "${secret}"}`,
        `${secret}`,
        `Bearer ${secret}`,
        '',
      ].join('\n'),
    );
    const run = await cli(['require-change', '--file', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `auth0-force-password-reset: ${JSON.stringify(file)} has lines that are not user ids (expected provider|id, such as auth0|64b7f0c2a1d3e4f5a6b7c8d9, one per line; nothing was changed, and the lines are not shown): ` +
        'line 2: not a user id (it looks like NAME=value); line 3: not a user id (it looks like NAME=value); line 4: not a user id (it looks like NAME=value); ' +
        'line 5: not a user id (it looks like JSON); line 6: not a user id (it has no "|" between provider and id); and 1 more' +
        `\n${USAGE_HINT}\n`,
    );
    for (const leaked of [secret, TEMPORARY_PASSWORD, tenant.domain]) expect(run.stderr).not.toContain(leaked);
    expect(tenant.counts().total).toBe(0);
  });

  it('selects users with a search query', async ({ tenant, users, cli }) => {
    const contractor = tenant.users.create({ email: 'ann@contractor.example' });
    const staff = users.database();
    const run = await cli(['require-change', '--query', 'email:*@contractor.example']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('require-change: 1 user matching the query on');
    expect(tenant.users.get(contractor.user_id)!.app_metadata['needsPasswordReset']).toBe(true);
    expect(tenant.users.get(staff.user_id)!.app_metadata).toEqual({});
  });

  it('reports a query the API rejects with its 400, changes nothing, exit 2', async ({ tenant, users, cli }) => {
    users.database();
    const run = await cli(['require-change', '--query', 'email:ada@example.com OR']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'auth0-force-password-reset: searching users failed: HTTP 400 (Query validation error: the query ends where a term was expected) after 1 attempt — check the query (Lucene syntax, user search v3)\n',
    );
    expect(tenant.counts()).toMatchObject({ listUsers: 1, getUser: 0, patchUser: 0 });
  });

  it('in a dry run reads, reports what it would change, writes nothing — not even the state file', async ({ tenant, users, cli, dir }) => {
    const ada = users.database();
    const before = tenant.users.get(ada.user_id);
    const state = join(dir, 'state.json');
    const run = await cli(['require-change', ada.user_id, '--dry-run', '--temporary-password-from-env', 'TEMP_PASSWORD', '--state', state]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([
      `Dry run, nothing written: require-change on ${tenant.domain} (flag needsPasswordReset, temporary password from $TEMP_PASSWORD)`,
      '  would change     1',
    ]);
    expect(run.stderr).toContain(`[1/1] would change ${ada.user_id} (password, needsPasswordReset, needsPasswordResetAt)`);
    expect(tenant.counts()).toMatchObject({ getUser: 1, patchUser: 0 });
    expect(tenant.users.get(ada.user_id)).toEqual(before);
    expect(existsSync(state)).toBe(false);
  });

  it('prints the report as JSON with --json', async ({ tenant, users, cli }) => {
    const ada = users.database();
    const run = await cli(['require-change', ada.user_id, 'auth0|000000000000000000000000', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      command: 'require-change',
      domain: tenant.domain,
      flag: 'needsPasswordReset',
      dryRun: false,
      source: 'ids',
      counts: { done: 1, skipped: 0, failed: 1, earlier: 0, overriddenWaivers: 0 },
      done: [{ userId: ada.user_id, writes: ['needsPasswordReset', 'needsPasswordResetAt'], flaggedAt: expect.any(String) }],
      skipped: [],
      failed: [
        {
          userId: 'auth0|000000000000000000000000',
          step: 'read user',
          status: 404,
          message: 'reading user "auth0|000000000000000000000000" failed: HTTP 404 (The user does not exist.) after 1 attempt — no such user',
          writes: [],
        },
      ],
      earlier: [],
      // A read and a write for Ada, the read of the unknown id.
      requests: 3,
      interrupted: false,
      exitCode: 1,
    });
  });

  it('draws a progress bar on a terminal, printing skipped and failed users above it', async ({ users, cli }) => {
    const selected = [users.database(), users.social(), users.database()];
    const run = await cli(['require-change', ...selected.map((user) => user.user_id)], { tty: true });
    expect(run.code).toBe(0);
    const frames = run.stderr.split('\r\x1b[2K');
    expect(frames[1]).toBe('[........................] 0/3  done 0  skipped 0  failed 0');
    expect(frames).toContain(`skipped ${selected[1]!.user_id}: primary identity is google-oauth2 (connection "google-oauth2"): no Auth0 password to change\n`);
    // The rate reached, by the run's clock: three users in the 2 s of pacing to the default 2 requests/s.
    expect(frames.at(-1)).toBe('[########################] 3/3  done 2  skipped 1  failed 0  1.5/s\n');
  });
});

describe('waive', () => {
  it('sets the flag to false and keeps the other keys', async ({ tenant, users, cli }) => {
    const ada = users.database({ needsPasswordReset: true, needsPasswordResetAt: '2026-01-01T00:00:00.000Z', plan: 'gold' });
    const run = await cli(['waive', ada.user_id], { now: () => Date.parse('2026-03-02T08:00:00.000Z') });
    expect(run.code).toBe(0);
    expect(tenant.users.get(ada.user_id)!.app_metadata).toEqual({
      needsPasswordReset: false,
      needsPasswordResetAt: '2026-01-01T00:00:00.000Z',
      needsPasswordResetWaivedAt: '2026-03-02T08:00:00.000Z',
      plan: 'gold',
    });
  });

  it('is not undone silently by require-change --all: a warning with the count first; --skip-waived-since leaves them alone', async ({ tenant, users, cli, dir }) => {
    // Waived after they were flagged (users.flagged stamps <flag>At now): an hour and two hours later.
    const later = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    const [earlyAt, lateAt, between] = [later(1), later(2), later(1.5)];
    const [early, late, other] = [users.flagged(), users.flagged(), users.database()];
    expect((await cli(['waive', early.user_id], { now: () => Date.parse(earlyAt) })).code).toBe(0);
    expect((await cli(['waive', late.user_id], { now: () => Date.parse(lateAt) })).code).toBe(0);

    // Dry run first: the warning comes before any user, with the count and the latest waiver.
    const dry = await cli(['require-change', '--all', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain(
      `auth0-force-password-reset: warning: 2 of these users were waived by an administrator (needsPasswordResetWaivedAt, the latest at ${lateAt}) and will be required again; ` +
        'to leave them alone, stop now (Ctrl-C) and run with --skip-waived-since <time>\n',
    );
    expect(dry.stdout).toContain(
      'Note: 2 of the users that would change had been waived by an administrator (needsPasswordResetWaivedAt) and would be required again; --skip-waived-since <time> leaves those waived after that time alone.',
    );

    const state = join(dir, 'run.json');
    const run = await cli(['require-change', '--all', '--skip-waived-since', between, '--state', state, '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`warning: 1 of these users was waived by an administrator (needsPasswordResetWaivedAt, the latest at ${earlyAt})`);
    const report = JSON.parse(run.stdout) as { counts: Record<string, number> };
    expect(report.counts).toEqual({ done: 2, skipped: 1, failed: 0, earlier: 0, overriddenWaivers: 1 });
    // Waived after the time: left alone, with the reason; waived before it: required again.
    expect(readState(state).users[late.user_id]).toMatchObject({ status: 'skipped', reason: 'waived' });
    expect(tenant.users.get(late.user_id)!.app_metadata['needsPasswordReset']).toBe(false);
    expect(tenant.users.get(early.user_id)!.app_metadata['needsPasswordReset']).toBe(true);
    expect(tenant.users.get(other.user_id)!.app_metadata['needsPasswordReset']).toBe(true);
    // The time is part of the run: the same state file with another is another run.
    const another = await cli(['require-change', '--all', '--skip-waived-since', earlyAt, '--state', state]);
    expect(another.code).toBe(2);
  });

  it('says of a user given by id that the run required the change again over a waiver', async ({ users, cli }) => {
    const ada = users.flagged();
    const waivedAt = new Date(Date.now() + 3_600_000).toISOString();
    expect((await cli(['waive', ada.user_id], { now: () => Date.parse(waivedAt) })).code).toBe(0);
    const run = await cli(['require-change', ada.user_id]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`[1/1] done ${ada.user_id} (needsPasswordReset, needsPasswordResetAt) — waived at ${waivedAt}, required again\n`);
    expect(run.stdout).toContain('Note: 1 of the users done had been waived by an administrator');
    const skipped = await cli(['waive', ada.user_id, '--skip-waived-since', '2026-03-01T00:00:00Z']);
    expect(skipped.stderr).toContain('--skip-waived-since is for require-change only');
  });

  it('refuses a temporary password', async ({ cli }) => {
    const run = await cli(['waive', 'auth0|1', '--temporary-password-from-env', 'TEMP_PASSWORD']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--temporary-password-from-env is for require-change only');
  });
});

describe('rate limits, faults and resuming', () => {
  it('survives a 429 (waiting as retry-after says), retries a dropped connection, fails a user on persistent 5xx — then resumes from the state file', async ({ tenant, users, cli, dir }) => {
    const selected = Array.from({ length: 5 }, () => users.database());
    const [u1, u2, u3, u4, u5] = selected.map((user) => user.user_id) as [string, string, string, string, string];
    const state = join(dir, 'state.json');
    let limited = false;
    let dropped = false;
    const faulty = transportWithFaults(tenant, (method, userId) => {
      if (userId === u2 && method === 'PATCH' && !limited) {
        limited = true;
        tenant.faults.rateLimit('patchUser', { retryAfterSeconds: 3 });
      }
      if (userId === u3 && method === 'GET') tenant.faults.serverError('getUser', { status: 503 });
      if (userId === u4 && method === 'GET' && !dropped) {
        dropped = true;
        tenant.faults.drop('getUser');
      }
    });
    const first = await cli(['require-change', ...selected.map((user) => user.user_id), '--state', state], { fetch: faulty });

    expect(first.code).toBe(1);
    // The 429 was waited out as asked (3 s), and u2 was done on the next attempt.
    expect(first.sleeps).toContain(3000);
    expect(tenant.requests.filter((request) => request.route === 'patchUser' && request.path.includes(encodeURIComponent(u2))).map((request) => request.status)).toEqual([429, 200]);
    expect(tenant.requests.filter((request) => request.route === 'getUser' && request.path.includes(encodeURIComponent(u3))).map((request) => request.status)).toEqual([503, 503, 503, 503, 503]);
    expect(first.stdout).toContain(`    ${u3}  reading user "${u3}" failed: HTTP 503 (Service Unavailable) after 5 attempts`);
    expect(readState(state)).toEqual({
      tool: 'auth0-force-password-reset',
      version: 2,
      command: 'require-change',
      domain: tenant.domain,
      flag: 'needsPasswordReset',
      selection: { ids: { count: 5, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } },
      writes: {},
      users: {
        [u1]: { status: 'done', at: expect.any(String) },
        [u2]: { status: 'done', at: expect.any(String) },
        [u3]: { status: 'failed', at: expect.any(String), error: expect.stringContaining('HTTP 503') },
        [u4]: { status: 'done', at: expect.any(String) },
        [u5]: { status: 'done', at: expect.any(String) },
      },
    });
    const flaggedAt = (userId: string) => tenant.users.get(userId)!.app_metadata['needsPasswordResetAt'];
    const before = Object.fromEntries([u1, u2, u4, u5].map((userId) => [userId, flaggedAt(userId)]));
    expect(flaggedAt(u3)).toBeUndefined();

    // The same command again, the tenant healthy: only the failed user is touched.
    tenant.resetCounts();
    const second = await cli(['require-change', ...selected.map((user) => user.user_id), '--state', state]);
    expect(second.code).toBe(0);
    expect(second.stderr.split('\n')[0]).toBe(`require-change: 1 user on ${tenant.domain}, 4 more done or skipped by an earlier run`);
    expect(tenant.requests.filter((request) => request.route !== 'token').every((request) => request.path.includes(encodeURIComponent(u3)))).toBe(true);
    expect(second.stdout).toContain(`  earlier          4  done or skipped by an earlier run (${state})`);
    expect(flaggedAt(u3)).toEqual(expect.any(String));
    for (const [userId, stamp] of Object.entries(before)) expect(flaggedAt(userId)).toBe(stamp);
    expect(readState(state).users[u3]!.status).toBe('done');
  });

  it('stops after the user in progress when interrupted (exit 130), and the next run finishes', async ({ tenant, users, cli, dir }) => {
    const selected = Array.from({ length: 4 }, () => users.database());
    const state = join(dir, 'state.json');
    const interrupt = new AbortController();
    let reads = 0;
    const transport = transportWithFaults(tenant, (method) => {
      if (method === 'GET' && ++reads === 2) interrupt.abort();
    });
    const first = await cli(['require-change', ...selected.map((user) => user.user_id), '--state', state], { fetch: transport, signal: interrupt.signal });
    expect(first.code).toBe(130);
    expect(first.stdout).toContain('Interrupted: the users not counted above were not touched.');
    expect(Object.keys(readState(state).users)).toEqual([selected[0]!.user_id, selected[1]!.user_id]);
    expect(tenant.users.get(selected[2]!.user_id)!.app_metadata).toEqual({});

    const second = await cli(['require-change', ...selected.map((user) => user.user_id), '--state', state]);
    expect(second.code).toBe(0);
    expect(Object.values(readState(state).users).map((entry) => entry.status)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('paces requests to --rate per second: the waits it asks for', async ({ tenant, users, cli }) => {
    const selected = Array.from({ length: 3 }, () => users.database({ needsPasswordReset: true }));
    const run = await cli(['waive', ...selected.map((user) => user.user_id), '--rate', '0.1']);
    expect(run.code).toBe(0);
    // Six Management API requests (a read and a write per user) at 0.1/s: five gaps of 10 s.
    expect(tenant.counts()).toMatchObject({ getUser: 3, patchUser: 3 });
    expect(run.sleeps).toEqual([10_000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('refuses a state file of another run, before anything is read', async ({ tenant, users, cli, dir }) => {
    const ada = users.database();
    const state = join(dir, 'state.json');
    expect((await cli(['waive', ada.user_id, '--state', state])).code).toBe(0);
    tenant.resetCounts();
    const run = await cli(['require-change', ada.user_id, '--state', state]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `belongs to another run: waive of 1 user id given as arguments on ${tenant.domain} (flag needsPasswordReset). This run is require-change of 1 user id given as arguments on ${tenant.domain} (flag needsPasswordReset)`,
    );
    expect(tenant.counts().total).toBe(0);
  });

  // The trap: a state file made for one run, named again by another. The second run used to take
  // the first's "done" users as its own: exit 0, "done 0 … earlier 2", and no password set.
  it('refuses a state file made for another selection or other writes: a --file run, then a --query run with a temporary password', async ({ tenant, cli, dir }) => {
    const [ada, grace] = [tenant.users.create({ email: 'ada@contractor.example' }), tenant.users.create({ email: 'grace@contractor.example' })];
    const ids = join(dir, 'ids.txt');
    writeFileSync(ids, `${ada.user_id}\n${grace.user_id}\n`);
    const state = join(dir, 'run.json');
    const first = await cli(['require-change', '--file', ids, '--state', state]);
    expect(first.code).toBe(0);
    tenant.resetCounts();

    const second = await cli(['require-change', '--query', 'email:*@contractor.example', '--temporary-password-from-env', 'TEMP_PASSWORD', '--state', state]);
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `auth0-force-password-reset: --state ${JSON.stringify(state)} belongs to another run: require-change --file ${JSON.stringify(ids)} on ${tenant.domain} (flag needsPasswordReset). ` +
        `This run is require-change --query "email:*@contractor.example" with a temporary password on ${tenant.domain} (flag needsPasswordReset): ` +
        `give it a state file of its own (another --state path); to continue the other run, run its command again\n${USAGE_HINT}\n`,
    );
    expect(second.stdout).toBe('');
    expect(tenant.counts().total).toBe(0);
    for (const user of [ada, grace]) expect(tenant.users.verifyPassword(user.user_id, TEMPORARY_PASSWORD)).toBe(false);
    // The first run's file is as it was, and a run of its own command still resumes from it.
    expect(readState(state)).toMatchObject({ selection: { file: ids }, writes: {} });
    const again = await cli(['require-change', '--file', ids, '--state', state]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('  earlier          2  done or skipped by an earlier run');

    // status --state says which run the file belongs to, without a request.
    tenant.resetCounts();
    const status = await cli(['status', '--state', state]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      [
        `--state ${JSON.stringify(state)} belongs to: require-change --file ${JSON.stringify(ids)} on ${tenant.domain} (flag needsPasswordReset)`,
        '  done           2',
        '  skipped        0',
        '  failed         0',
        `  last recorded  ${Object.values(readState(state).users).map((entry) => entry.at).sort().at(-1)}`,
        '',
      ].join('\n') + `--audit-log ${JSON.stringify(`${state}.audit.jsonl`)}: 2 lines for 2 users in 1 run`,
    );
    expect(tenant.counts().total).toBe(0);
    const json = JSON.parse((await cli(['status', '--state', state, '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ state, run: { command: 'require-change', selection: { file: ids }, writes: {} }, counts: { done: 2, skipped: 0, failed: 0 } });
  });

  it('refuses a state file it cannot write, before anything is read', async ({ tenant, cli, dir }) => {
    const state = join(dir, 'no-such-directory', 'state.json');
    const run = await cli(['require-change', 'auth0|1', '--state', state]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`auth0-force-password-reset: cannot write --state ${JSON.stringify(state)}: ENOENT\n${USAGE_HINT}\n`);
    expect(tenant.counts().total).toBe(0);
  });

  it('refuses a file that is not a state file', async ({ cli, dir }) => {
    const state = join(dir, 'state.json');
    writeFileSync(state, '{"users": []}');
    const run = await cli(['require-change', 'auth0|1', '--state', state]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a state file of this tool; give a new path, or remove the file');
  });
});

describe('one run at a time per state file', () => {
  const STARTED = Date.parse('2026-03-01T10:00:00.000Z');

  it('refuses a second run while the first is under way, naming its pid and start time; the first loses nothing', async ({ tenant, users, cli, dir }) => {
    const selected = Array.from({ length: 3 }, () => users.database());
    const ids = selected.map((user) => user.user_id);
    const state = join(dir, 'state.json');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let blocked!: () => void;
    const isBlocked = new Promise<void>((resolve) => (blocked = resolve));
    let reads = 0;
    const stalling: typeof globalThis.fetch = async (input, init) => {
      if ((init?.method ?? 'GET') === 'GET' && /\/api\/v2\/users\//.test(String(input instanceof Request ? input.url : input)) && ++reads === 2) {
        blocked();
        await released;
      }
      return tenant.fetch(input, init);
    };
    const first = cli(['require-change', ...ids, '--state', state], { fetch: stalling, now: () => STARTED });
    await isBlocked;

    const requestsBefore = tenant.requests.length;
    const second = await cli(['require-change', ...ids, '--state', state]);
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `auth0-force-password-reset: --state ${JSON.stringify(state)} is in use by another run (pid ${process.pid}, started 2026-03-01T10:00:00.000Z): wait for it to finish, or stop it with Ctrl-C; two runs on one state file would lose each other's records\n`,
    );
    expect(tenant.requests.length).toBe(requestsBefore);

    release();
    expect((await first).code).toBe(0);
    expect(Object.values(readState(state).users).map((entry) => entry.status)).toEqual(['done', 'done', 'done']);
    expect(readdirSync(dir).sort()).toEqual(['state.json', 'state.json.audit.jsonl']);
  });

  it('refuses a lock held on another machine, and one it cannot read, changing nothing', async ({ tenant, users, cli, dir }) => {
    const ada = users.database();
    const state = join(dir, 'state.json');
    const lock = `${state}.lock`;
    writeFileSync(lock, `${JSON.stringify({ pid: 4242, host: 'build-7', startedAt: '2026-02-28T09:00:00.000Z' })}\n`);
    const elsewhere = await cli(['require-change', ada.user_id, '--state', state]);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toBe(
      `auth0-force-password-reset: --state ${JSON.stringify(state)} is in use by a run on another machine (pid 4242 on "build-7", started 2026-02-28T09:00:00.000Z): if that run is over, remove ${JSON.stringify(lock)} and run again\n`,
    );
    writeFileSync(lock, '');
    const unreadable = await cli(['require-change', ada.user_id, '--state', state]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toBe(
      `auth0-force-password-reset: --state ${JSON.stringify(state)} is locked, but its lock file ${JSON.stringify(lock)} cannot be read: if no other run is using this state file, remove the lock file and run again\n`,
    );
    expect(tenant.counts().total).toBe(0);
    expect(readdirSync(dir)).toEqual(['state.json.lock']);
  });

  it('writes one journal line and one fsync per user, and the state file once', async ({ users, cli }) => {
    const selected = Array.from({ length: 5 }, () => users.database());
    const fs = createMemoryFileSystem();
    const run = await cli(['require-change', ...selected.map((user) => user.user_id), '--state', '/runs/state.json'], { stateFileSystem: fs });
    expect(run.code).toBe(0);
    const on = (path: string) => fs.operations.filter((operation) => operation.path === path).map((operation) => operation.op);
    expect(on('/runs/state.json.journal')).toEqual([
      'readText',
      'remove', // the start's rewrite
      'open',
      ...Array.from({ length: 5 }, () => ['append', 'sync']).flat(),
      'close',
      'readLines', // the end's rewrite reads it back…
      'remove', // …and then removes it
    ]);
    // The state file is written at the start (a new file: it says which run it belongs to) and once at the end.
    expect(fs.operations.filter((operation) => operation.op === 'rename')).toHaveLength(2);
    expect([...fs.files.keys()].sort()).toEqual(['/runs/state.json', '/runs/state.json.audit.jsonl']);
  });

  it('on a slow disk, writes the outcomes of users who finish together with one fsync — and starts no user past --concurrency before the earlier ones are on the disk', async ({ tenant, users, cli }) => {
    const selected = Array.from({ length: 40 }, () => users.database());
    const fs = createMemoryFileSystem();
    let appended = 0;
    let durable = 0;
    let started = 0;
    let mostAhead = 0;
    const slowJournal = {
      ...fs,
      async open(path: string, flags: 'wx' | 'a') {
        const file = await fs.open(path, flags);
        if (!path.endsWith('.journal')) return file;
        return {
          ...file,
          append: async (text: string) => {
            await file.append(text);
            appended += text.split('\n').length - 1;
          },
          sync: async () => {
            const covered = appended;
            // A disk that takes 20 ms to flush: users finish meanwhile.
            await new Promise((resolve) => setTimeout(resolve, 20));
            await file.sync();
            durable = covered;
          },
        };
      },
    };
    const counting: typeof globalThis.fetch = (input, init) => {
      if ((init?.method ?? 'GET') === 'GET' && /\/api\/v2\/users\//.test(String(input instanceof Request ? input.url : input))) {
        started += 1;
        mostAhead = Math.max(mostAhead, started - durable);
      }
      return tenant.fetch(input, init);
    };
    const run = await cli(['require-change', ...selected.map((user) => user.user_id), '--state', '/runs/state.json', '--rate', '1000', '--concurrency', '8'], {
      stateFileSystem: slowJournal,
      fetch: counting,
    });
    expect(run.code).toBe(0);
    const syncs = fs.operations.filter((operation) => operation.op === 'sync' && operation.path === '/runs/state.json.journal').length;
    // One fsync per user used to be the limit; now users who finish together share one.
    expect(syncs).toBeLessThan(20);
    // …and a user started only while fewer than 8 were in flight or not yet on the disk.
    expect(mostAhead).toBeLessThanOrEqual(8);
    expect(Object.keys((JSON.parse(fs.files.get('/runs/state.json') ?? '') as { users: object }).users)).toHaveLength(40);
  });

  it('stops after the user whose outcome cannot be recorded, exit 1, and keeps what was recorded', async ({ tenant, users, cli }) => {
    const selected = Array.from({ length: 3 }, () => users.database());
    const fs = createMemoryFileSystem();
    const run = await cli(['require-change', ...selected.map((user) => user.user_id), '--state', '/runs/state.json'], {
      stateFileSystem: {
        ...fs,
        async open(path, flags) {
          const file = await fs.open(path, flags);
          if (!path.endsWith('.journal')) return file;
          let appends = 0;
          return { ...file, append: async (text) => (++appends === 2 ? fs.failNext('append', 'ENOSPC') : undefined, file.append(text)) };
        },
      },
    });
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n').slice(-2)).toEqual([
      'auth0-force-password-reset: cannot write --state "/runs/state.json" (ENOSPC); stopped — the users reported above were processed',
      '',
    ]);
    expect(tenant.users.get(selected[2]!.user_id)!.app_metadata).toEqual({});
    expect(Object.keys((JSON.parse(fs.files.get('/runs/state.json') ?? '') as { users: object }).users)).toEqual([selected[0]!.user_id]);
  });

});

describe('credentials and secrets', () => {
  it('refuses credentials and passwords on the command line without repeating them, exit 2', async ({ tenant, cli }) => {
    for (const argv of [
      ['require-change', 'auth0|1', '--client-secret', 's3cr3t-value'],
      ['require-change', 'auth0|1', '--client-secret=s3cr3t-value'],
      ['require-change', 'auth0|1', '--temporary-password', 's3cr3t-value'],
      ['require-change', 'auth0|1', '--temporary-password-from-env', 's3cr3t-value!'],
    ]) {
      const run = await cli(argv);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain('s3cr3t-value');
    }
    const secret = await cli(['require-change', 'auth0|1', '--client-secret', 'x']);
    expect(secret.stderr.split('\n')[0]).toBe(
      'auth0-force-password-reset: refusing --client-secret: credentials come from the environment only (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET), never from arguments, which end up in shell history and process lists',
    );
    expect(tenant.counts().total).toBe(0);
  });

  it('reads AUTH0_DOMAIN as /admin does: https://127.0.0.1:PORT stays HTTPS, http:// stays HTTP, for runs and status', async ({ tenant, users, cli }) => {
    const ada = users.database();
    /** The schemes of the requests to the tenant (an export's file comes from the link its job gives). */
    const schemes = async (domain: string, argv: string[]) => {
      const seen = new Set<string>();
      const recording: typeof globalThis.fetch = (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (url.host === tenant.domain) seen.add(url.protocol);
        return tenant.fetch(input, init);
      };
      const run = await cli(argv, { env: { ...tenant.secrets, AUTH0_DOMAIN: domain }, fetch: recording });
      expect(run.code).toBe(0);
      return [...seen];
    };
    const viaAdmin = async (domain: string) => {
      const seen = new Set<string>();
      await waivePasswordChange({
        ...adminOptionsFor(tenant, ada.user_id),
        domain,
        fetch: (input, init) => (seen.add(new URL(input instanceof Request ? input.url : String(input)).protocol), tenant.fetch(input, init)),
      });
      return [...seen];
    };
    for (const [domain, scheme] of [[`https://${tenant.domain}`, 'https:'], [`http://${tenant.domain}`, 'http:'], [tenant.domain, 'http:']] as const) {
      expect(await schemes(domain, ['require-change', ada.user_id])).toEqual([scheme]);
      expect(await schemes(domain, ['status'])).toEqual([scheme]);
      expect(await viaAdmin(domain)).toEqual([scheme]);
    }
  });

  it('asks for the missing environment variables, exit 2', async ({ tenant, cli }) => {
    const run = await cli(['require-change', 'auth0|1'], { env: { AUTH0_DOMAIN: tenant.domain } });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      'auth0-force-password-reset: set AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET in the environment: the canonical tenant domain, and the client id and secret of an M2M application with read:users and update:users_app_metadata, plus update:users when a temporary password is set, and delete:sessions and delete:refresh_tokens with --revoke-sessions',
    );
    const waive = await cli(['waive', 'auth0|1'], { env: {} });
    expect(waive.stderr.split('\n')[0]).toBe(
      'auth0-force-password-reset: set AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET in the environment: the canonical tenant domain, and the client id and secret of an M2M application with read:users and update:users_app_metadata',
    );
  });

  it('never repeats the value of --temporary-password-from-env: it may be the password itself', async ({ tenant, cli }) => {
    // A password that happens to look like a variable name, and names none that is set.
    const run = await cli(['require-change', 'auth0|1', '--temporary-password-from-env', 'Summer2026']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `auth0-force-password-reset: the environment variable named by --temporary-password-from-env is not set, or is empty\n${USAGE_HINT}\n`,
    );
    expect(tenant.counts().total).toBe(0);
  });

  it('exits 3 when it cannot authenticate, before any user is read', async ({ tenant, users, cli }) => {
    const ada = users.database();
    const run = await cli(['require-change', ada.user_id], { env: { ...tenant.secrets, AUTH0_CLIENT_SECRET: 'wrong-secret-51c0' } });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'auth0-force-password-reset: getting a Management API token failed: HTTP 401 (Unauthorized) after 1 attempt — check the client id and secret, and that the application is authorized for the Management API of this domain (the canonical *.auth0.com domain, not a custom one)\n',
    );
    expect(run.stderr).not.toContain('wrong-secret-51c0');
    expect(tenant.counts()).toMatchObject({ token: 1, getUser: 0 });
  });

  it('never writes the client secret, the token or the temporary password to stdout, stderr or the state file', async ({ tenant, users, cli, dir }) => {
    const [ada, grace] = [users.database(), users.database()];
    const state = join(dir, 'state.json');
    let token = '';
    const transport = transportWithFaults(tenant, () => {});
    const spying: typeof globalThis.fetch = (input, init) => {
      token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? token;
      return transport(input, init);
    };
    // Auth0 refusing the password, echoing what it got.
    tenant.faults.inject(
      'patchUser',
      { kind: 'status', status: 400, body: { message: `PasswordStrengthError: ${TEMPORARY_PASSWORD} / ${tenant.clientSecret}` } },
    );
    const run = await cli(['require-change', ada.user_id, grace.user_id, '--temporary-password-from-env', 'TEMP_PASSWORD', '--state', state, '--json'], {
      fetch: spying,
    });
    expect(run.code).toBe(1);
    const everything = `${run.stdout}\n${run.stderr}\n${readFileSync(state, 'utf8')}`;
    expect(token.length).toBeGreaterThan(20);
    for (const secret of [TEMPORARY_PASSWORD, tenant.clientSecret, token]) expect(everything).not.toContain(secret);
    expect(everything).toContain('PasswordStrengthError: [redacted] / [redacted]');
  });
});

describe('usage', () => {
  it('prints the overview with --help, exit 0', async ({ cli }) => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 11)).toEqual([
      'Usage: auth0-force-password-reset <command> [user ids…] [options]',
      '',
      'Require existing Auth0 database users to choose a new password at their next sign-in, or waive it,',
      'and see where a campaign stands.',
      '',
      'Commands:',
      '  require-change   require a password change at the next sign-in (database users only)',
      '  waive            waive a pending change: set the flag to false',
      '  status           count, per connection, the users flagged, changed since, and stopped today',
      '',
      'Run auth0-force-password-reset <command> --help for the command\'s users and options.',
    ]);
    expect(run.stdout).toContain(
      [
        '  AUTH0_DOMAIN                       the tenant\'s canonical domain (acme.eu.auth0.com, not a custom',
        '                                     domain); http://127.0.0.1:PORT rehearses against a local tenant',
        '                                     (plain HTTP is accepted for loopback hosts only)',
      ].join('\n'),
    );
    expect(run.stdout).toContain('Exit codes: 0 every user done or skipped; 1 some failed; 2 bad usage or input (nothing changed);');
    expect(run.stdout).toContain('3 could not authenticate, or a scope is missing; 4 cannot reach the tenant (DNS, TLS or connection\nfailure: not retried); 5 the tenant\'s plan does not allow --revoke-sessions; 130 interrupted.');
    expect(run.stdout).not.toContain('--temporary-password-from-env');
    expect(run.stdout).toContain(
      'read:users and update:users_app_metadata, plus update:users\n                                     when require-change sets a temporary password, delete:sessions\n                                     and delete:refresh_tokens for --revoke-sessions (status needs\n                                     read:users only)\n',
    );
  });

  it('keeps every help line within 100 columns', async ({ cli }) => {
    for (const argv of [['--help'], ['require-change', '--help'], ['waive', '--help'], ['status', '--help']]) {
      const { stdout } = await cli(argv);
      expect(stdout.split('\n').filter((line) => line.length > 100)).toEqual([]);
    }
  });

  it('prints a command’s help with <command> --help: its users, options and scopes', async ({ tenant, cli }) => {
    const requireChange = await cli(['require-change', '--help']);
    expect(requireChange.code).toBe(0);
    expect(requireChange.stdout.split('\n')[0]).toBe('Usage: auth0-force-password-reset require-change <user id>… [options]');
    expect(requireChange.stdout).toContain('  --temporary-password-from-env <VAR>\n');
    expect(requireChange.stdout).toContain('  --rate <n>                         Management API requests per second, 0.1 to 1000\n');
    expect(requireChange.stdout).toContain('  --all                              every user of the tenant, through a users export (any number)\n');
    expect(requireChange.stdout).toContain(
      '                                     an M2M application authorized for the Management API with\n' +
        '                                     read:users and update:users_app_metadata, plus update:users\n' +
        '                                     when a temporary password is set, and delete:sessions and\n' +
        '                                     delete:refresh_tokens with --revoke-sessions\n',
    );
    const waive = await cli(['waive', '-h']);
    expect(waive.stdout.split('\n')[0]).toBe('Usage: auth0-force-password-reset waive <user id>… [options]');
    expect(waive.stdout).not.toContain('--temporary-password-from-env');
    expect(waive.stdout).toContain('                                     read:users and update:users_app_metadata\n');
    const status = await cli(['status', '--help']);
    expect(status.stdout.split('\n')[0]).toBe('Usage: auth0-force-password-reset status [--connection <name>] [options]');
    expect(status.stdout).toContain('  --passwords-set-before <time>      the gate\'s passwordsSetBefore: an ISO 8601 time; a password\n');
    expect(status.stdout).toContain('an M2M application authorized for the Management API with\n                                     read:users\n');
    expect(status.stdout).toContain('  --state <file.json>                instead: which run this state file belongs to and how far it\n');
    expect(tenant.counts().total).toBe(0);
  });

  it.for([
    [['frobnicate', 'auth0|1'], 'unknown command "frobnicate": use require-change, waive or status'],
    [['require-change'], 'no users: give user ids, --file <path>, --query <query>, --all or --connection <name>'],
    [['require-change', 'auth0|1', '--query', 'email:x'], 'give the users one way only: user ids, --file, --query, --all or --connection'],
    [['require-change', '--all', '--connection', 'staff'], 'give the users one way only: user ids, --file, --query, --all or --connection'],
    [['require-change', '--connection', 'a.b'], '--connection takes a connection name: letters, digits and inner hyphens, such as Username-Password-Authentication'],
    [['require-change', '--all', '--passwords-set-before', '2026-03-01T00:00:00Z'], '--passwords-set-before is for status only'],
    [['status', '--all'], '--all is not an option of status'],
    [['status', '--state', 'run.json', '--connection', 'staff'], 'status --state reads files only: --connection does not apply to it'],
    [['status', '--audit-log', 'run.audit.jsonl', '--rate', '5'], 'status --audit-log reads files only: --rate does not apply to it'],
    [['status', 'auth0|1'], 'status takes no user ids: it counts every user (or those of --connection <name>)'],
    [['status', '--passwords-set-before', '2026-02-30T00:00:00Z'], '--passwords-set-before must be an ISO 8601 time such as "2026-03-01T00:00:00Z" (got "2026-02-30T00:00:00Z")'],
    [['status', '--max-password-age-days', '0'], '--max-password-age-days must be a whole number of days from 1 to 3650 (got "0")'],
    [['require-change', 'ada@example.com'], 'argument 2: not a user id (it looks like an email address) — a user id is provider|id, such as auth0|64b7f0c2a1d3e4f5a6b7c8d9, without spaces'],
    [['require-change', 'auth0|1', '--rate', '0'], '--rate must be a number of requests per second from 0.1 to 1000 (got "0")'],
    [['require-change', 'auth0|1', '--rate', '1e-7'], '--rate must be a number of requests per second from 0.1 to 1000 (got "1e-7")'],
    [['require-change', 'auth0|1', '--flag', 'a.b'], '--flag must be an app_metadata key without "." or "$" (got "a.b")'],
    [['require-change', 'auth0|1', '--flag', 'constructor'], '--flag must not be a name JavaScript objects already have (got "constructor")'],
    [['require-change', 'auth0|1', '--bogus=1'], 'unknown option --bogus'],
    [['require-change', 'auth0|1', '--dryrun'], 'unknown option --dryrun: did you mean --dry-run?'],
    [['require-change', 'auth0|1', '--state'], '--state needs a value'],
  ] as const)('refuses %j, exit 2', async ([argv, message], { tenant, cli }) => {
    const run = await cli([...argv]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`auth0-force-password-reset: ${message}\n${USAGE_HINT}\n`);
    expect(tenant.counts().total).toBe(0);
  });
});
