import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';

const execFileAsync = promisify(execFile);
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * The example in a folder of its own, as a tenant's Actions repo, with one more file beside its actions:
 * a copy of the post-login action with an option misspelled. One tsc run (it reads the package's
 * declarations and auth0's, most of its work) answers both tests: the example compiles, and the copy is
 * refused. tsc still writes the example's output when a file has an error (noEmitOnError is off).
 */
async function compileExample(): Promise<{ repo: string; errors: string[] }> {
  assertBuilt();
  const repo = mkdtempSync(join(tmpdir(), 'afpr-ts-actions-'));
  cpSync(join(ROOT, 'examples', 'typescript'), repo, { recursive: true, filter: (source) => !source.includes('/dist') });
  mkdirSync(join(repo, 'node_modules'));
  symlinkSync(ROOT, join(repo, 'node_modules', 'auth0-force-password-reset'), 'dir');
  const action = readFileSync(join(repo, 'src', 'post-login.ts'), 'utf8');
  expect(action).toContain("flag: 'mustChangePassword'");
  writeFileSync(join(repo, 'src', MISSPELLED), action.replace("flag: 'mustChangePassword'", "flags: 'mustChangePassword'"));
  // skipLibCheck is off in the example: the published .d.cts files are type-checked too. TypeScript's
  // own lib files are not (--skipDefaultLibCheck: half of each run's CPU).
  let output = '';
  try {
    output = (await execFileAsync(process.execPath, [TSC, '-p', 'tsconfig.json', '--skipDefaultLibCheck'], { cwd: repo, encoding: 'utf8' })).stdout;
  } catch (error) {
    output = String((error as { stdout?: string }).stdout);
  }
  // An error without a file starts its line ("error TS2688: …"): it counts too.
  return { repo, errors: output.split('\n').filter((line) => /(^|\s)error TS\d+:/.test(line)) };
}

const MISSPELLED = 'post-login-misspelled.ts';
let compiled: Promise<{ repo: string; errors: string[] }>;
beforeAll(() => {
  compiled = compileExample();
  compiled.catch(() => undefined); // each test awaits it, and fails with its error
});

describe.concurrent('the TypeScript thin actions in examples/typescript', () => {
  it('compile with tsc against the built package’s types and run as the CommonJS Auth0 loads', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const { repo, errors } = await compiled;
    // The only errors are the misspelled copy's: the example's own files have none.
    expect(errors.filter((line) => !line.startsWith(`src/${MISSPELLED}(`))).toEqual([]);
    const compiledAction = readFileSync(join(repo, 'dist', 'post-login.js'), 'utf8');
    expect(compiledAction).toContain('require("auth0-force-password-reset")');

    const result = JSON.parse(
      execFileSync(
        process.execPath,
        [
          '-e',
          `const { onExecutePostLogin } = require('./dist/post-login.js');
           const { onExecutePostChangePassword } = require('./dist/post-change-password.js');
           const t = require('auth0-force-password-reset/testing');
           const api = t.createPostLoginApi();
           console.log = () => {};
           onExecutePostLogin(t.buildPostLoginEvent(), api).then(() => process.stdout.write(JSON.stringify({
             denied: api.deniedWith, flag: api.pendingAppMetadata.mustChangePassword, clearer: onExecutePostChangePassword.name })));`,
        ],
        { cwd: repo, encoding: 'utf8' },
      ),
    ) as unknown;
    expect(result).toEqual({ denied: 'Please set a new password.', flag: true, clearer: 'onExecutePostChangePassword' });
  });

  it('fails to compile when an option is misspelled (the types are doing their job)', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const { errors } = await compiled;
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^src/${MISSPELLED.replace('.', '\\.')}\\(\\d+,\\d+\\): error TS\\d+: .*'flags' does not exist in type 'FirstLoginGateOptions'`))]);
  });
});
