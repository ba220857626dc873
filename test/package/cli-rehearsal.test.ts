/**
 * The admin guide's (docs/administrators.md) "Rehearse a run against a local tenant", followed word for word: its script, saved under
 * the name the guide gives and run as the guide says, against the built package; the `export` lines it
 * prints, "pasted" into the environment; then the guide's CLI commands, each run with the bin
 * (`npx auth0-force-password-reset` is `node dist/cli.js`). Change the guide and this test reads the new
 * instructions — and fails if they no longer do what the guide says they do.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createFolderWithPackage, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';
import { clientCredentialsOf } from '../helpers/local-tenant.js';

const SECTION = '## Rehearse a run against a local tenant';
/** The guide that holds it. */
const GUIDE = 'docs/administrators.md';

/** The guide's section: its prose and its code blocks, in order. */
function readSection(): { prose: string; blocks: { lang: string; code: string }[] } {
  const readme = readFileSync(join(ROOT, GUIDE), 'utf8');
  const start = readme.indexOf(`${SECTION}\n`);
  if (start === -1) throw new Error(`${GUIDE} has no "${SECTION}" section`);
  const rest = readme.slice(start + SECTION.length);
  const section = rest.slice(0, rest.search(/^#{1,2} /m));
  const blocks = [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map(([, lang, code]) => ({ lang: lang!, code: code! }));
  return { prose: section.replace(/^```\w+\n[\s\S]*?^```$/gm, ''), blocks };
}

/**
 * Splits a shell command as `sh` would, for the forms the guide uses: words, and '…' or "…" quoting
 * (nothing expanded inside). Anything else a shell would interpret (`$`, globs, pipes…) is refused, so
 * the test never follows a command differently from a shell.
 */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index]!;
    if (/\s/.test(character)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (character === "'" || character === '"') {
      const end = line.indexOf(character, index + 1);
      const quoted = line.slice(index + 1, end);
      if (end === -1 || (character === '"' && /[$`\\]/.test(quoted))) throw new Error(`unsupported quoting in the guide's command: ${line}`);
      word = (word ?? '') + quoted;
      index = end;
    } else if (/[$`\\;&|<>(){}*?[\]#~]/.test(character)) {
      throw new Error(`the guide's command has shell syntax this test does not follow ("${character}"): ${line}`);
    } else {
      word = (word ?? '') + character;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** One step of the guide's shell block: set a variable, or run the CLI with these arguments. */
type Step = { kind: 'export'; name: string; value: string } | { kind: 'cli'; args: string[]; line: string };

function readSteps(code: string): Step[] {
  const lines = code.replace(/\\\n\s*/g, ' ').split('\n').map((line) => line.trim());
  return lines
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line): Step => {
      const [first, ...rest] = shellWords(line);
      if (first === 'export' && rest.length === 1 && /^[A-Z_][A-Z0-9_]*=/.test(rest[0]!)) {
        const [name, ...value] = rest[0]!.split('=');
        return { kind: 'export', name: name!, value: value.join('=') };
      }
      if (first === 'npx' && rest[0] === 'auth0-force-password-reset') return { kind: 'cli', args: rest.slice(1), line };
      throw new Error(`the guide's rehearsal has a line this test does not know how to follow: ${line}`);
    });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's bin as `npx auth0-force-password-reset` would, in `cwd`, with exactly `env`. */
function runCli(args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'dist', 'cli.js'), ...args],
      { cwd, env, encoding: 'utf8', timeout: SUBPROCESS_TIMEOUT_MS / 4 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
    );
  });
}

/** The tenant's users as the Management API returns them, read over HTTP with the pasted credentials. */
async function usersOnTenant(env: Record<string, string>): Promise<Record<string, { app_metadata: Record<string, unknown>; last_password_reset?: string }>> {
  const origin = env['AUTH0_DOMAIN']!;
  const credentials = { clientId: env['AUTH0_CLIENT_ID']!, clientSecret: env['AUTH0_CLIENT_SECRET']!, domain: new URL(origin).host };
  const tokenResponse = await fetch(`${origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(clientCredentialsOf(credentials)),
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const response = await fetch(`${origin}/api/v2/users?fields=email,app_metadata,last_password_reset`, { headers: { authorization: `Bearer ${token}` } });
  const users = (await response.json()) as { email: string; app_metadata: Record<string, unknown>; last_password_reset?: string }[];
  return Object.fromEntries(users.map(({ email, ...rest }) => [email, rest]));
}

let script: ChildProcessByStdio<null, Readable, Readable> | undefined;
afterEach(() => {
  // A failed step must not leave the tenant running.
  if (script !== undefined && script.exitCode === null && script.signalCode === null) script.kill('SIGKILL');
  script = undefined;
});

describe('docs/administrators.md: rehearse a run against a local tenant', () => {
  it('the script, the pasted export lines and the CLI commands do what the guide says', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const { prose, blocks } = readSection();
    const [scriptBlock, commandsBlock, ...others] = blocks;
    expect(others).toEqual([]);
    expect(scriptBlock?.lang).toBe('js');
    expect(commandsBlock?.lang).toBe('sh');
    const fileName = /Save this as\s+`([^`]+)`/.exec(prose)?.[1];
    const [node, ...nodeArgs] = shellWords(/run\s+`(node [^`]+)`/.exec(prose)?.[1] ?? '');
    expect(fileName).toBe('rehearse.mjs');
    expect(node).toBe('node');
    expect(nodeArgs).toEqual([fileName]);

    // "Save this as rehearse.mjs in a folder where the package is installed, and run node rehearse.mjs".
    const folder = createFolderWithPackage('afpr-rehearsal-');
    writeFileSync(join(folder, fileName!), scriptBlock!.code);
    const child = spawn(process.execPath, nodeArgs, { cwd: folder, env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    script = child;
    let output = '';
    let errors = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      // 'close', not 'exit': it comes once the output is read to its end, which is checked below.
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    // It "keeps the tenant listening" once it has printed its lines; it must not end on its own.
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (/^# /m.test(output)) resolve();
      };
      child.stdout.on('data', check);
      void exited.then(({ code }) => reject(new Error(`${fileName} ended (exit code ${code}) before the tenant was ready:\n${output}\n${errors}`)));
    });
    const printed = output.split('\n').filter((line) => line !== '');
    expect(printed).toEqual([
      expect.stringMatching(/^export AUTH0_DOMAIN=http:\/\/127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^export AUTH0_CLIENT_ID=[A-Za-z0-9]+$/),
      expect.stringMatching(/^export AUTH0_CLIENT_SECRET=[A-Za-z0-9_-]+$/),
      '# The local tenant is listening. Ctrl-C shows its users and stops it.',
    ]);

    // "In a second terminal, in the same folder, paste those lines": a shell with just the pasted variables.
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '' };
    for (const line of printed.filter((text) => text.startsWith('export '))) {
      const [step] = readSteps(line);
      if (step?.kind !== 'export') throw new Error(`not an export line: ${line}`);
      env[step.name] = step.value;
    }
    const domain = new URL(env['AUTH0_DOMAIN']!).host;
    const before = await usersOnTenant(env);
    expect(before).toEqual({
      'ada@rehearsal.example': { app_metadata: {} },
      'bob@rehearsal.example': { app_metadata: { plan: 'gold' } },
      'grace@rehearsal.example': { app_metadata: {} },
    });

    // "…then run": each line of the block, in order.
    const runs: Run[] = [];
    for (const step of readSteps(commandsBlock!.code)) {
      if (step.kind === 'export') {
        env[step.name] = step.value;
        continue;
      }
      const run = await runCli(step.args, folder, env);
      expect(run.code, `${step.line}\n${run.stdout}\n${run.stderr}`).toBe(0);
      runs.push(run);
    }
    const [dryRun, requireChange, waive, ...more] = runs;
    expect(more).toEqual([]);

    // The dry run: two users it would change, Grace skipped, nothing written.
    expect(dryRun!.stdout).toMatch(
      new RegExp(`^Dry run, nothing written: require-change on ${domain.replace(/\./g, '\\.')} \\(flag needsPasswordReset, temporary password from \\$TEMP_PASSWORD\\)\n  would change     2\n  skipped          1\n    google-oauth2\\|\\d+  primary identity is google-oauth2`),
    );
    // The real run: Ada and Bob flagged after a temporary password; Grace untouched; every outcome recorded.
    expect(requireChange!.stdout).toMatch(/^ {2}done {13}2\n {2}skipped {10}1\n/m);
    // The waiver: Bob alone.
    expect(waive!.stdout).toContain(`waive on ${domain} (flag needsPasswordReset)\n  done             1\n`);
    for (const { stdout, stderr } of runs) {
      for (const secret of [env['AUTH0_CLIENT_SECRET']!, env['TEMP_PASSWORD']!]) expect(`${stdout}${stderr}`).not.toContain(secret);
    }

    const after = await usersOnTenant(env);
    const flagged = { needsPasswordReset: true, needsPasswordResetAt: expect.any(String) };
    expect(after).toEqual({
      'ada@rehearsal.example': { app_metadata: flagged, last_password_reset: expect.any(String) },
      'bob@rehearsal.example': {
        app_metadata: { plan: 'gold', ...flagged, needsPasswordReset: false, needsPasswordResetWaivedAt: expect.any(String) },
        last_password_reset: expect.any(String),
      },
      'grace@rehearsal.example': { app_metadata: {} },
    });
    // The flag is stamped after the temporary password, so that change does not count as the user's own.
    const ada = after['ada@rehearsal.example']!;
    expect(Date.parse(ada.app_metadata['needsPasswordResetAt'] as string)).toBeGreaterThan(Date.parse(ada.last_password_reset!));
    const state = JSON.parse(readFileSync(join(folder, 'rehearsal.json'), 'utf8')) as { command: string; users: Record<string, { status: string }> };
    expect(state.command).toBe('require-change');
    expect(Object.values(state.users).map((user) => user.status).sort()).toEqual(['done', 'done', 'skipped']);

    // "Ctrl-C in the first terminal then lists the users": Ada flagged, Bob waived with his plan, Grace untouched.
    output = '';
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output.split('\n').filter((line) => line !== '')).toEqual([
      expect.stringMatching(/^ada@rehearsal\.example \(Username-Password-Authentication\): \{"needsPasswordReset":true,"needsPasswordResetAt":"[^"]+"\}, password set at \S+$/),
      expect.stringMatching(/^bob@rehearsal\.example \(Username-Password-Authentication\): \{"plan":"gold","needsPasswordReset":false,"needsPasswordResetAt":"[^"]+","needsPasswordResetWaivedAt":"[^"]+"\}, password set at \S+$/),
      'grace@rehearsal.example (google-oauth2): {}, password never set',
    ]);
    expect(errors).toBe('');
  });
});
