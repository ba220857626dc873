import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';

const execFileAsync = promisify(execFile);
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

// Each test compiles its own copy of the example (a child process, tsc): they run side by side.
describe.concurrent('the TypeScript thin actions in examples/typescript', () => {
  it('compile with tsc against the built package’s types and run as the CommonJS Auth0 loads', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    assertBuilt();
    const repo = mkdtempSync(join(tmpdir(), 'afpr-ts-actions-'));
    cpSync(join(ROOT, 'examples', 'typescript'), repo, { recursive: true, filter: (source) => !source.includes('/dist') });
    mkdirSync(join(repo, 'node_modules'));
    symlinkSync(ROOT, join(repo, 'node_modules', 'auth0-force-password-reset'), 'dir');
    // skipLibCheck is off in the example: the published .d.cts files are type-checked too. TypeScript's
    // own lib files are not (--skipDefaultLibCheck: half of each run's CPU).
    await execFileAsync(process.execPath, [TSC, '-p', 'tsconfig.json', '--skipDefaultLibCheck'], { cwd: repo, encoding: 'utf8' });
    const compiled = readFileSync(join(repo, 'dist', 'post-login.js'), 'utf8');
    expect(compiled).toContain('require("auth0-force-password-reset")');

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
    const repo = mkdtempSync(join(tmpdir(), 'afpr-ts-actions-bad-'));
    cpSync(join(ROOT, 'examples', 'typescript'), repo, { recursive: true, filter: (source) => !source.includes('/dist') });
    mkdirSync(join(repo, 'node_modules'));
    symlinkSync(ROOT, join(repo, 'node_modules', 'auth0-force-password-reset'), 'dir');
    const source = join(repo, 'src', 'post-login.ts');
    const text = readFileSync(source, 'utf8').replace("flag: 'mustChangePassword'", "flags: 'mustChangePassword'");
    execFileSync('sh', ['-c', `cat > ${JSON.stringify(source)}`], { input: text });
    let output = '';
    try {
      await execFileAsync(process.execPath, [TSC, '-p', 'tsconfig.json', '--noEmit', '--skipDefaultLibCheck'], { cwd: repo, encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    expect(output).toContain("'flags' does not exist in type 'FirstLoginGateOptions'");
  });
});
