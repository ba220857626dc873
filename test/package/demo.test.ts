import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';

interface DemoRun {
  /** The exit code; `null` when the process was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node examples/demo.mjs` as `npm run demo` does (after the build), with extra environment variables.
 * A demo that hangs is killed a little before the test's own timeout, so the report shows its output.
 */
function runDemo(env: Record<string, string> = {}): Promise<DemoRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'examples', 'demo.mjs')],
      { cwd: ROOT, env: { ...process.env, DEMO_SABOTAGE: '', ...env }, timeout: SUBPROCESS_TIMEOUT_MS - 10_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const report = ({ code, stdout, stderr }: DemoRun) => `exit code ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;

// README.md's "Try it without an Auth0 account" shows this output: the lines below keep it true.
describe('npm run demo (examples/demo.mjs against dist/)', () => {
  beforeAll(() => {
    assertBuilt();
    if (!existsSync(join(ROOT, 'dist', 'testing.js'))) {
      throw new Error('dist/testing.js is missing: run `npm run build` (npm test does it for you)');
    }
  });

  it('runs the lifecycle and the hard cases green, and exits 0', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const run = await runDemo();

    // When this fails on "is not a function", dist/ is older than src/: rebuild.
    expect(run.code, report(run)).toBe(0);
    expect(run.stderr).toBe('');
    const expectedLines = [
      /^ {2}✔ ada's 1st login \(logins_count 1\) is denied: "Please reset your password!" — needsPasswordReset = true {2}\[gate: first-login\]$/m,
      /^ {2}✔ ada's 2nd login is denied again: the flag holds {2}\[gate: flagged\]$/m,
      /^ {2}✔ ada sets a new password \(last_password_reset \d{4}-\d\d-\d\dT[\d:.]+Z\); post-change-password runs in the background$/m,
      /^ {2}✔ The clearer reads ada through the Management API \(token 1, read 1, patch 1\) and sets needsPasswordReset = false {2}\[clearer: password-changed\]$/m,
      /^ {2}✔ ada's next login is allowed {2}\[gate: obligation-met\]$/m,
      // The inline change: the page, its two refusals, /continue, the application.
      /^ {2}✔ erin@example\.com signs in \(POST \/authorize\) for the first time: no denial — the browser goes to https:\/\/account\.example\.test\/change-password\?session_token=…&state=…, needsPasswordReset = true saved first {2}\[gate: first-login\]$/m,
      /^ {2}✔ The page shows its form \(GET: 200; fields confirm, password, session_token, (sign_out_others, )?state(, \w+)*\)$/m,
      /^ {2}✔ erin tries "password": the page refuses it on the same form, with the connection's rule \(400: ".+"\)$/m,
      /^ {2}✔ erin tries her initial password again: Auth0 refuses it \(password history\), and the page shows Auth0's reason inline \(400: ".*(history|previously).*"\)$/im,
      /^ {2}✔ erin sets "Erin-Chose-This-1": the page sets it \(Management API PATCH\) and answers a form that POSTs a new session_token to http:\/\/127\.0\.0\.1:\d+\/continue\?state=… by itself$/m,
      /^ {2}✔ Auth0 ran post-change-password after that PATCH: the clearer sets needsPasswordReset = false {2}\[clearer: password-changed\]$/m,
      /^ {2}✔ The browser POSTs it to \/continue: onContinuePostLogin checks the page's token and the login goes on — 302 to the application with a code {2}\[gate: page-password-changed\]$/m,
      /^ {2}✔ The application redeems the code: signed in as erin@example\.com \(logins_count 1\)$/m,
      /^ {2}✔ erin's next sign-in goes straight to the application {2}\[gate: obligation-met\]$/m,
      /^ {2}✔ grace@example\.com signs in with Google .* allowed and never flagged .*\[gate: connection-not-gated\]$/m,
      /^ {2}✔ bob's 1st login is allowed: he already chose his own password {2}\[gate: password-set-before-first-login\]$/m,
      /^ {2}✔ carol sets a new password, but the Management API answers 503: the clearer fails \(read user: HTTP 503 after 2 attempts\) and needsPasswordReset stays true$/m,
      /^ {2}✔ carol's next login is allowed: the gate sees the password change .* {2}\[gate: password-changed\]$/m,
      /^ {2}✔ The clearer leaves that flag alone: it was set after the password change {2}\[clearer: reflagged-after-change\]$/m,
      /^ {2}✔ ada's next login is denied: "Please reset your password!" — the administrator's flag holds {2}\[gate: flagged\]$/m,
      /^ {2}✔ dave@example\.com's 1st login is denied: "Please reset your password! We have emailed you a link to set a new password\." — Auth0 emailed him a reset link {2}\[gate: first-login\]$/m,
      /^ {2}✔ dave tries again at once: denied, and no second email within the 15-minute cooldown$/m,
      /^ {2}✔ dave follows the link \(https:\/\/127\.0\.0\.1:\d+\/lo\/reset\?ticket=…#\) and sets a new password; the clearer sets needsPasswordReset = false {2}\[clearer: password-changed\]$/m,
      /^ {2}✔ dave's next login is allowed {2}\[gate: obligation-met\]$/m,
      /^ {2}✔ Management API requests: token 1, read 6 \(2 answered 503\), patch 2/m,
      /^✔ All 29 steps behaved as described\.$/m,
    ];
    for (const line of expectedLines) expect(run.stdout).toMatch(line);
    expect(run.stdout).not.toContain('✘');
  });

  it('exits 1 and marks the steps with ✘ when the library does not behave as printed', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    // DEMO_SABOTAGE=1 runs the gate in report mode: it decides as usual but never denies.
    const run = await runDemo({ DEMO_SABOTAGE: '1' });

    expect(run.code, report(run)).toBe(1);
    expect(run.stdout).toMatch(/^ {2}✘ ada's 1st login .* — but the login was allowed$/m);
    expect(run.stdout).toMatch(/^ {2}✘ ada's next login is denied: .* — but the login was allowed$/m);
    expect(run.stdout).toMatch(/^ {2}✘ erin@example\.com signs in .* — but it went to https:\/\/app\.example\.test\/callback$/m);
    expect(run.stdout).toMatch(/^✘ \d+ of 29 steps did not behave as described\.$/m);
  });
});
