import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { assertBuilt, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';
import { cliTest as it, readState, TEMPORARY_PASSWORD } from '../helpers/cli.js';

// The CLI's state-file lock against real processes: one that has ended, one killed mid-run. (The rest of
// the CLI runs in-process: test/integration/cli/run-cli.test.ts.)
describe('one run at a time per state file, with real processes', () => {
  it('takes over the lock of a run whose process is gone, with a note', { timeout: SUBPROCESS_TIMEOUT_MS }, async ({ users, cli, dir }) => {
    const ada = users.database();
    const state = join(dir, 'state.json');
    // A real process of this host, run to its end: its pid no longer exists.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${state}.lock`, `${JSON.stringify({ pid: gone, host: hostname(), startedAt: '2026-02-28T09:00:00.000Z' })}\n`);
    const run = await cli(['require-change', ada.user_id, '--state', state]);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe(
      `auth0-force-password-reset: note: --state ${JSON.stringify(state)} was locked by a run that no longer exists (pid ${gone}, started 2026-02-28T09:00:00.000Z): taking it over`,
    );
    expect(readState(state).users[ada.user_id]?.status).toBe('done');
    expect(readdirSync(dir).sort()).toEqual(['state.json', 'state.json.audit.jsonl']);
  });

  it(
    'resumes a run killed mid-way (SIGKILL): the users it recorded are left alone — a password they chose since is not overwritten',
    { timeout: SUBPROCESS_TIMEOUT_MS },
    async ({ tenant, users, cli, dir }) => {
      assertBuilt();
      const ids = Array.from({ length: 20 }, () => users.database().user_id);
      const state = join(dir, 'state.json');
      const argv = ['require-change', ...ids, '--state', state, '--temporary-password-from-env', 'TEMP_PASSWORD'];
      // The bin, in a process of its own, over HTTP to the local tenant; paced so it can be killed mid-way.
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...argv, '--rate', '10'], {
        env: { ...tenant.secrets, TEMP_PASSWORD: TEMPORARY_PASSWORD, PATH: process.env['PATH'] },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let progress = '';
      child.stderr.on('data', (chunk: Buffer) => {
        progress += chunk.toString();
        if (progress.includes('[3/20]')) child.kill('SIGKILL');
      });
      const signal = await new Promise((resolve) => child.on('exit', (_code, exitSignal) => resolve(exitSignal)));
      expect(signal).toBe('SIGKILL');

      const lock = JSON.parse(readFileSync(`${state}.lock`, 'utf8')) as { pid: number; startedAt: string };
      expect(lock.pid).toBe(child.pid);
      const recorded = readFileSync(`${state}.journal`, 'utf8')
        .split('\n')
        .filter((line) => line.endsWith('}'))
        .map((line) => (JSON.parse(line) as { userId: string }).userId);
      expect(recorded.length).toBeGreaterThanOrEqual(3);
      expect(recorded.length).toBeLessThan(20);
      // Meanwhile, the users already done choose their own passwords.
      for (const userId of recorded) tenant.users.changePassword(userId, `Chosen-by-${userId}`);

      tenant.resetCounts();
      const requestsBefore = tenant.requests.length;
      const resumed = await cli(argv);
      expect(resumed.code).toBe(0);
      expect(resumed.stderr.split('\n').slice(0, 3)).toEqual([
        `auth0-force-password-reset: note: --state ${JSON.stringify(state)} was locked by a run that no longer exists (pid ${child.pid}, started ${lock.startedAt}): taking it over`,
        // (A record the kill cut short would add a note that its user is processed again.)
        expect.stringContaining(
          `auth0-force-password-reset: note: the previous run on --state ${JSON.stringify(state)} did not finish: its journal's ${recorded.length} outcomes are now in the state file`,
        ),
        `require-change: ${20 - recorded.length} users on ${tenant.domain}, ${recorded.length} more done or skipped by an earlier run`,
      ]);
      const paths = tenant.requests.slice(requestsBefore).map((request) => request.path);
      const touched = (userId: string) => paths.some((path) => path.includes(encodeURIComponent(userId)));
      expect(ids.filter(touched)).toEqual(ids.filter((userId) => !recorded.includes(userId)));
      for (const userId of recorded) expect(tenant.users.verifyPassword(userId, `Chosen-by-${userId}`)).toBe(true);
      for (const userId of ids) expect(tenant.users.get(userId)!.app_metadata['needsPasswordReset']).toBe(true);
      expect(Object.values(readState(state).users).every((entry) => entry.status === 'done')).toBe(true);
      expect(Object.keys(readState(state).users)).toHaveLength(20);
      expect(readdirSync(dir).sort()).toEqual(['state.json', 'state.json.audit.jsonl']);
      // The audit log has every user written to, across the killed run and the next: each line is on
      // the disk before its user's record, so a user the journal lost has two lines, never none.
      const audited = readFileSync(`${state}.audit.jsonl`, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { userId: string }).userId);
      expect(new Set(audited)).toEqual(new Set(ids));
    },
  );
});
