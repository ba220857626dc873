import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect } from 'vitest';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { cliTest as it, runCliOn, type CliRun } from '../../helpers/cli.js';

/**
 * The tool trusts nothing it prints or reads: ids, a server's words, a file's lines reach the
 * terminal with their control characters escaped, and an export cannot make it hold a line of any
 * length in memory.
 */

/** ESC, an OSC that retitles the window ended by BEL, a cursor move, a bidi override, and a forged line of the tool's. */
const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\u009b31m\u202e\nrequire-change: done 1000 users\n';
/** Every C0 control but the newline, DEL, C1, the separators and the bidi controls. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function expectNothingRaw(run: CliRun) {
  const printed = `${run.stdout}${run.stderr}`;
  expect(printed).not.toMatch(RAW_CONTROL);
  // No line the tool did not write: the forged one would start a line.
  expect(printed.split('\n').filter((line) => line.startsWith('require-change: done'))).toEqual([]);
}

/** A transport that answers the export's download with these bytes instead of the tenant's file. */
function exportOf(tenant: LocalTenant, file: Buffer): typeof globalThis.fetch {
  return async (input, init) => {
    const response = await tenant.fetch(input, init);
    return new URL(response.url).pathname.endsWith('.json.gz') ? new Response(new Uint8Array(file)) : response;
  };
}

/**
 * A gzip file whose first line never ends: `{"user_id":"auth0|1","app_metadata":{"x":"` and then
 * `megabytes` MiB of "x", as many gzip members (a reader takes them as one stream). Each MiB of one
 * byte compresses to about a kilobyte: a small file, an enormous line.
 */
function endlessFirstLine(megabytes: number): Buffer {
  const mebibyte = gzipSync(Buffer.alloc(1024 * 1024, 'x'), { level: 9 });
  return Buffer.concat([gzipSync('{"user_id":"auth0|1","app_metadata":{"x":"'), ...Array.from({ length: megabytes }, () => mebibyte)]);
}

describe('control characters never reach the terminal raw', () => {
  it('a user id a search returns, holding ESC, OSC, BEL and a forged line: refused unprinted, nobody changed', async ({ tenant, cli }) => {
    const evil = tenant.users.create({ user_id: `auth0|evil${HOSTILE}`, email: 'evil@contractor.example' });
    tenant.users.create({ email: 'ann@contractor.example' });
    for (const json of [[], ['--json']]) {
      const run = await cli(['require-change', '--query', 'email:*@contractor.example', ...json]);
      expect(run.code).toBe(1);
      expectNothingRaw(run);
      expect(run.stderr).toContain('searching users failed: malformed answer: result 1 has a user_id that is not a user id (not shown)');
    }
    expect(tenant.counts().patchUser).toBe(0);
    expect(tenant.users.get(evil.user_id)!.app_metadata).toEqual({});
  });

  it('an Auth0 error text with them: shown escaped, in the line of the user it is about, on stdout, stderr and in JSON', async ({ tenant, users, cli }) => {
    const ada = users.database();
    for (const json of [[], ['--json']]) {
      tenant.faults.inject('getUser', { kind: 'status', status: 400, body: { message: `Bad request${HOSTILE}` } });
      const run = await cli(['require-change', ada.user_id, ...json]);
      expect(run.code).toBe(1);
      expectNothingRaw(run);
      expect(run.stderr).toContain(
        `[1/1] failed ${ada.user_id}: reading user "${ada.user_id}" failed: HTTP 400 (Bad request\\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202e\\nrequire-change: done 1000 users\\n) after 1 attempt\n`,
      );
      if (json.length > 0) expect((JSON.parse(run.stdout) as { failed: { message: string }[] }).failed[0]!.message).toContain('Bad request\\x1b]0;owned');
    }
  });

  it('a user id on the command line or in a file: refused, never repeated', async ({ tenant, cli, dir }) => {
    const argument = await cli(['require-change', 'auth0|a\u001b]0;owned\u0007']);
    expect(argument.code).toBe(2);
    expect(argument.stderr).toBe(
      'auth0-force-password-reset: argument 2: not a user id (it has a control character in it) — a user id is provider|id, such as auth0|64b7f0c2a1d3e4f5a6b7c8d9, without spaces\nRun auth0-force-password-reset --help for the usage.\n',
    );
    const file = join(dir, 'ids.txt');
    writeFileSync(file, 'auth0|a\u009b31m\n');
    const listed = await cli(['require-change', '--file', file]);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain('line 1: not a user id (it has a control character in it)');
    expectNothingRaw(argument);
    expectNothingRaw(listed);
    expect(tenant.counts().total).toBe(0);
  });

  it('an export line whose user_id holds them: the export is refused before anyone is changed', async ({ tenant, cli }) => {
    tenant.users.create();
    tenant.users.create({ user_id: `auth0|evil${HOSTILE}` });
    const run = await cli(['require-change', '--all']);
    expect(run.code).toBe(1);
    expectNothingRaw(run);
    expect(run.stderr).toMatch(/downloading the users export failed: malformed answer: line \d of the export has a user_id that is not a user id/);
    expect(tenant.counts().patchUser).toBe(0);
  });

  it('what a lock file, an export job, a state file and an audit log say', async ({ tenant, users, cli, dir }) => {
    const ada = users.database();
    const state = join(dir, 'run.json');
    writeFileSync(`${state}.lock`, JSON.stringify({ pid: 4242, host: `build${HOSTILE}`, startedAt: '2026-02-28T09:00:00.000Z' }));
    const locked = await cli(['require-change', ada.user_id, '--state', state]);
    expect(locked.code).toBe(2);
    expectNothingRaw(locked);
    expect(locked.stderr).toContain('(pid 4242 on "build\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u202e\\nrequire-change: done 1000 users\\n", started 2026-02-28T09:00:00.000Z)');

    const jobStatus: typeof globalThis.fetch = async (input, init) => {
      const response = await tenant.fetch(input, init);
      if (!/\/api\/v2\/jobs\/job_/.test(new URL(response.url).pathname)) return response;
      const job = (await response.json()) as Record<string, unknown>;
      return Response.json(job['status'] === 'completed' ? job : { ...job, status: `pending${HOSTILE}` });
    };
    const exported = await runCliOn(tenant, ['status'], { fetch: jobStatus });
    expect(exported.code).toBe(0);
    expectNothingRaw(exported);
    expect(exported.stderr).toContain(': pending\\x1b]0;owned');

    const other = join(dir, 'other.json');
    const entries = { [`auth0|x${HOSTILE}`]: { status: 'done', at: `2026-03-01T00:00:00.000Z${HOSTILE}` } };
    writeFileSync(other, JSON.stringify({ tool: 'auth0-force-password-reset', version: 2, command: 'require-change', domain: 'd', flag: 'f', selection: { query: `email:x${HOSTILE}` }, writes: {}, users: entries }));
    const stateStatus = await cli(['status', '--state', other]);
    expect(stateStatus.code).toBe(0);
    expectNothingRaw(stateStatus);
    expect(stateStatus.stdout).toContain('require-change --query "email:x\\u001b]0;owned');

    const audit = join(dir, 'other.audit.jsonl');
    const line = { at: `2026-03-01T00:00:00.000Z${HOSTILE}`, runId: 'r', by: { clientId: `c${HOSTILE}`, osUser: 'ada', host: 'h' }, command: 'require-change', domain: 'd', flag: 'f', userId: `auth0|x${HOSTILE}`, outcome: 'done', writes: [`w${HOSTILE}`] };
    writeFileSync(audit, `${JSON.stringify(line)}\n`);
    for (const json of [[], ['--json']]) {
      const status = await cli(['status', '--audit-log', audit, ...json]);
      expect(status.code).toBe(0);
      expectNothingRaw(status);
    }
  });
});

describe('an export cannot fill the memory', () => {
  it('whose first line is 200 MB (a 200 KB gzip): refused at 1 MiB, naming the cap, exit 1, nobody changed', { timeout: 60_000 }, async ({ tenant, cli }) => {
    const ada = tenant.users.create();
    const file = endlessFirstLine(200);
    expect(file.length).toBeLessThan(300_000);
    const run = await cli(['require-change', '--all'], { fetch: exportOf(tenant, file) });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'downloading the users export failed: malformed answer: line 1 of the export is longer than 1 MiB (1,048,576 bytes), the most a line may be after 1 attempt — no user was changed;',
    );
    expect(tenant.counts().patchUser).toBe(0);
    expect(tenant.users.get(ada.user_id)!.app_metadata).toEqual({});
  });

  it('whose first line is 1.2 GB (a 1.2 MB gzip; a RangeError and its stack before): refused the same way, status too', { timeout: 60_000 }, async ({ tenant, cli }) => {
    tenant.users.create();
    const file = endlessFirstLine(1200);
    for (const argv of [['require-change', '--all'], ['status']]) {
      const run = await cli(argv, { fetch: exportOf(tenant, file) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('line 1 of the export is longer than 1 MiB (1,048,576 bytes), the most a line may be');
      expect(run.stderr).not.toContain('RangeError');
    }
    expect(tenant.counts().patchUser).toBe(0);
  });
});
