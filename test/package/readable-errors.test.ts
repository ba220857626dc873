import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFolderWithPackage, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';

/**
 * What a user sees when the library throws at them: Node prints the line of dist/ that threw, then the
 * message. With a minified dist/ that "line" was a whole file (15–50 KB) before the library's clear
 * message; now it is one line of readable code, and the source maps lead to src/.
 */
let folder: string;

beforeAll(() => {
  folder = createFolderWithPackage('afpr-readable-errors-');
  cpSync(join(ROOT, 'examples', 'page-server'), folder, { recursive: true });
});

/** Runs node in the user's folder; returns what it printed on stderr and its exit code. */
function runNode(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const { status, stderr } = spawnSync(process.execPath, args, { cwd: folder, env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: SUBPROCESS_TIMEOUT_MS });
  return { status, stderr };
}

/** The lines Node printed before the line that starts with `heading`, and that line's index. */
function before(stderr: string, heading: string): { lines: string[]; index: number } {
  const lines = stderr.split('\n');
  const index = lines.findIndex((line) => line.startsWith(heading));
  return { lines: lines.slice(0, Math.max(0, index)), index };
}

const PAGE_ENV = { AUTH0_DOMAIN: 'acme.eu.auth0.com', PAGE_CLIENT_ID: 'id', PAGE_CLIENT_SECRET: 'do-not-print-me', CHANGE_PASSWORD_PAGE_SECRET: 'too-short' };
const RUN_LOGIN_WITH_A_STRING = `
  const { startLocalTenant } = require('auth0-force-password-reset/testing');
  startLocalTenant().then(async (tenant) => {
    const user = tenant.users.create({ email: 'ada@example.com' });
    try { await tenant.runLogin(user.user_id, 'onExecutePostLogin'); } finally { await tenant.close(); }
  });`;

describe('a thrown error, as Node prints it', { timeout: SUBPROCESS_TIMEOUT_MS }, () => {
  it('examples/page-server with a short page key: one short line of dist/ code, then the library’s message', () => {
    const { status, stderr } = runNode(['server.mjs'], PAGE_ENV);
    expect(status).toBe(1);
    const { lines, index } = before(stderr, 'OptionsError: ');
    expect(index).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/dist\/page\.js:\d+$/);
    for (const line of lines) expect(line.length).toBeLessThan(200);
    expect(stderr.split('\n')[index]).toBe(
      'OptionsError: [auth0-force-password-reset] createChangePasswordPage: "options.sessionSecret" must be at least 32 bytes (the value is not shown)',
    );
    expect(stderr).not.toContain('do-not-print-me');
  });

  it('runLogin given something that is not a handler: the same, and with --enable-source-maps the lines of src/', () => {
    const plain = runNode(['-e', RUN_LOGIN_WITH_A_STRING]);
    expect(plain.status).toBe(1);
    const { lines, index } = before(plain.stderr, 'OptionsError: ');
    expect(index).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/dist\/testing\.cjs:\d+$/);
    for (const line of lines) expect(line.length).toBeLessThan(200);
    expect(plain.stderr.split('\n')[index]).toMatch(/^OptionsError: \[auth0-force-password-reset\] localTenant\.runLogin: "handlers" must be /);

    const mapped = runNode(['--enable-source-maps', '-e', RUN_LOGIN_WITH_A_STRING]);
    expect(mapped.stderr).toMatch(/at checkArguments \(.*src\/internal\/check-options\.ts:\d+:\d+\)\n\s+at Object\.runLogin \(.*src\/testing\/local-tenant\/run-login\.ts:\d+:\d+\)/);
  });
});
