import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { cliTest as it, TEMPORARY_PASSWORD } from '../../helpers/cli.js';

/** The audit trail: one JSON line per user the tool wrote to, appended, flushed, never a secret. */

const SCOPES = ['read:users', 'update:users', 'delete:sessions', 'delete:refresh_tokens'];

interface AuditLine {
  at: string;
  runId: string;
  by: { clientId: string; osUser: string; host: string };
  command: string;
  domain: string;
  flag: string;
  userId: string;
  outcome: 'done' | 'failed';
  writes: string[];
  failure?: { step: string; status: number | null; message: string };
}

const readAudit = (path: string): AuditLine[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditLine);

/** A transport that notes the bearer token and lets a test act on a user's requests. */
function spying(tenant: LocalTenant, onRequest: (method: string, path: string) => void) {
  const seen = { token: '' };
  const fetch: typeof globalThis.fetch = (input, init) => {
    seen.token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? seen.token;
    onRequest(init?.method ?? 'GET', new URL(input instanceof Request ? input.url : String(input)).pathname);
    return tenant.fetch(input, init);
  };
  return { fetch, seen };
}

describe('--audit-log', () => {
  it.override('tenantOptions', { scopes: SCOPES });

  it('across a run stopped by Ctrl-C and resumed: a parseable line per user written to, none for the others, no secret', async ({ tenant, users, cli, dir }) => {
    const changed = Array.from({ length: 6 }, () => users.database());
    for (const user of changed) tenant.sessions.create(user.user_id);
    const social = users.social();
    const [weakFirst] = changed;
    const ids = [...changed.map((user) => user.user_id), social.user_id, 'auth0|000000000000000000000000'];
    const state = join(dir, 'run.json');
    const argv = ['require-change', ...ids, '--temporary-password-from-env', 'TEMP_PASSWORD', '--revoke-sessions', '--state', state];

    const interrupt = new AbortController();
    let reads = 0;
    let refusedOnce = false;
    const first = spying(tenant, (method, path) => {
      // Auth0 refuses the first user's temporary password, echoing it and the secret back.
      if (method === 'PATCH' && path.endsWith(encodeURIComponent(weakFirst!.user_id)) && !refusedOnce) {
        refusedOnce = true;
        tenant.faults.inject('patchUser', { kind: 'status', status: 400, body: { message: `PasswordStrengthError: ${TEMPORARY_PASSWORD} / ${tenant.clientSecret}` } });
      }
      if (method === 'GET' && path.startsWith('/api/v2/users/') && ++reads === 4) interrupt.abort();
    });
    const stopped = await cli(argv, { fetch: first.fetch, signal: interrupt.signal });
    expect(stopped.code).toBe(130);
    const afterFirst = readFileSync(`${state}.audit.jsonl`, 'utf8');
    const resumed = spying(tenant, () => {});
    const second = await cli(argv, { fetch: resumed.fetch });
    expect(second.code).toBe(1); // the unknown id
    expect(second.stdout).toContain(`Audit log: 3 lines added to ${JSON.stringify(`${state}.audit.jsonl`)}, one per user written to.`);

    const text = readFileSync(`${state}.audit.jsonl`, 'utf8');
    // Appended to, never rewritten.
    expect(text.startsWith(afterFirst)).toBe(true);
    const lines = readAudit(`${state}.audit.jsonl`);
    const linesOf = (userId: string) => lines.filter((line) => line.userId === userId).map((line) => line.outcome);
    // The refused user: a failed attempt in the first run, done in the second. Every other user written to: one line.
    expect(linesOf(weakFirst!.user_id)).toEqual(['failed', 'done']);
    for (const user of changed.slice(1)) expect(linesOf(user.user_id)).toEqual(['done']);
    // Not touched: the Google user (skipped), the unknown id (its read failed).
    expect(linesOf(social.user_id)).toEqual([]);
    expect(linesOf('auth0|000000000000000000000000')).toEqual([]);
    expect(lines).toHaveLength(7);
    expect(new Set(lines.map((line) => line.runId)).size).toBe(2);

    const done = lines.find((line) => line.userId === changed[5]!.user_id)!;
    expect(done).toEqual({
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      runId: expect.stringMatching(/^[0-9a-f]{16}$/),
      by: { clientId: tenant.clientId, osUser: userInfo().username, host: hostname() },
      command: 'require-change',
      domain: tenant.domain,
      flag: 'needsPasswordReset',
      userId: changed[5]!.user_id,
      outcome: 'done',
      writes: ['password', 'needsPasswordReset', 'needsPasswordResetAt', 'sessions'],
    });
    expect(lines.find((line) => line.outcome === 'failed')).toMatchObject({
      writes: [],
      failure: { step: 'set password', status: 400, message: expect.stringContaining('PasswordStrengthError: [redacted] / [redacted]') },
    });
    for (const secret of [TEMPORARY_PASSWORD, tenant.clientSecret, first.seen.token, resumed.seen.token]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(text).not.toContain(secret);
    }

    // status reads it: the state file, then the audit log's summary and its latest lines.
    const status = await cli(['status', '--state', state]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`--audit-log ${JSON.stringify(`${state}.audit.jsonl`)}: 7 lines for 6 users in 2 runs, ${lines[0]!.at} to ${lines.at(-1)!.at}\n  done 6, failed 1\n`);
    expect(status.stdout).toContain(`  by client ${tenant.clientId}, ${userInfo().username} on ${hostname()}: 7\n`);
    expect(status.stdout).toContain(`  the latest 7:\n`);
    expect(status.stdout).toContain(`  ${done.at}  require-change  ${done.userId}  done (password, needsPasswordReset, needsPasswordResetAt, sessions)\n`);
    const json = JSON.parse((await cli(['status', '--audit-log', `${state}.audit.jsonl`, '--json'])).stdout) as { auditLog: Record<string, unknown> };
    expect(json.auditLog).toMatchObject({ records: 7, users: 6, runs: 2, outcomes: { done: 6, failed: 1 }, unreadable: 0 });
  });

  it('goes where --audit-log says, with or without a state file; a dry run writes none', async ({ users, cli, dir }) => {
    const ada = users.database();
    const log = join(dir, 'audit', '..', 'waivers.jsonl');
    expect((await cli(['require-change', ada.user_id, '--dry-run', '--audit-log', log])).code).toBe(0);
    expect(existsSync(log)).toBe(false);
    expect((await cli(['waive', ada.user_id, '--audit-log', log])).code).toBe(0);
    expect(readAudit(log)).toEqual([expect.objectContaining({ command: 'waive', userId: ada.user_id, outcome: 'done', writes: ['needsPasswordReset', 'needsPasswordResetWaivedAt'] })]);
    // Without --state and --audit-log: no file.
    expect((await cli(['require-change', ada.user_id])).code).toBe(0);
    expect(readAudit(log)).toHaveLength(1);
  });

  it('refuses an audit log it cannot write, before any user', async ({ tenant, users, cli, dir }) => {
    const ada = users.database();
    const run = await cli(['require-change', ada.user_id, '--audit-log', join(dir, 'no-such-directory', 'audit.jsonl')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot write --audit-log');
    expect(tenant.counts().getUser).toBe(0);
  });
});
