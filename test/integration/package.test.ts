import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from '../helpers/built-package.js';

// The checks a release needs, on the tarball users will install. `npm pack --ignore-scripts`: the
// suite's build is what we pack (a prepack rebuild would race the other test files reading dist/).
let tarball: string;
let packedFiles: string[];

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const run = (file: string, args: string[], cwd = ROOT) =>
  execFileSync(file, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });

beforeAll(() => {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'afpr-pack-'));
  const [pack] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir])) as [
    { filename: string; files: { path: string }[] },
  ];
  tarball = join(dir, pack.filename);
  packedFiles = pack.files.map((file) => file.path).sort();
}, 60_000);

describe('the packed tarball', () => {
  it('contains only what a user needs: dist, the license, README, CHANGELOG and package.json', () => {
    const outsideDist = packedFiles.filter((path) => !path.startsWith('dist/'));
    expect(outsideDist).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    expect(packedFiles.filter((path) => path.startsWith('dist/')).every((path) => /\.(c?js|d\.c?ts)$/.test(path))).toBe(true);
    for (const entry of [
      'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/testing.js', 'dist/testing.cjs',
      'dist/admin.js', 'dist/admin.cjs', 'dist/admin.d.ts', 'dist/admin.d.cts', 'dist/cli.js',
    ]) {
      expect(packedFiles).toContain(entry);
    }
  });

  it('passes publint --strict', () => {
    expect(run(bin('publint'), ['run', tarball, '--strict'])).toContain('All good!');
  });

  it('passes @arethetypeswrong/cli for every entry (node16 profile: no supported Node uses node10 resolution)', () => {
    // attw exits non-zero on any problem outside the profile (execFileSync would throw).
    const report = JSON.parse(run(bin('attw'), [tarball, '--profile', 'node16', '--format', 'json'])) as {
      problems: Record<string, { entrypoint: string; resolutionKind: string }[]>;
    };
    const problems = Object.values(report.problems).flat();
    expect(problems.filter((problem) => problem.resolutionKind !== 'node10')).toEqual([]);
    // The only node10 findings: the /testing and /admin subpaths, which need `exports` (Node >= 12.7) anyway.
    expect(problems.map((problem) => problem.entrypoint).sort()).toEqual(problems.length === 0 ? [] : ['./admin', './testing']);
  });

  it('installs into an empty folder with production dependencies only, and loads through require and import on Node 20 and 22', { timeout: 240_000 }, () => {
    const app = mkdtempSync(join(tmpdir(), 'afpr-install-'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'an-actions-repo', private: true }));
    run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball], app);
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'auth0-force-password-reset', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(installed.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    // The bin, as `npx auth0-force-password-reset` runs it, and the /admin entry through both loaders.
    expect(run(join(app, 'node_modules', '.bin', 'auth0-force-password-reset'), ['--version'], app).trim()).toBe(installed.version);
    const adminExports = `console.log(JSON.stringify([typeof require('auth0-force-password-reset/admin').requirePasswordChange]))`;
    expect(run(process.execPath, ['-e', adminExports], app).trim()).toBe('["function"]');
    const adminImport = `const m = await import('auth0-force-password-reset/admin'); console.log(typeof m.waivePasswordChange)`;
    expect(run(process.execPath, ['--input-type=module', '-e', adminImport], app).trim()).toBe('function');

    const cjs = `const m = require('auth0-force-password-reset'); const t = require('auth0-force-password-reset/testing');
      const gate = m.createFirstLoginGate({ log: false }); const api = t.createPostLoginApi();
      gate(t.buildPostLoginEvent(), api).then(() => process.stdout.write(JSON.stringify({ node: process.version, denied: api.deniedWith, clearer: typeof m.createPasswordResetClearer() })));`;
    const esm = `const m = await import('auth0-force-password-reset'); const t = await import('auth0-force-password-reset/testing');
      const gate = m.createFirstLoginGate({ log: false }); const api = t.createPostLoginApi();
      await gate(t.buildPostLoginEvent(), api);
      const { ManagementClient } = await import('auth0');
      process.stdout.write(JSON.stringify({ node: process.version, denied: api.deniedWith, auth0: typeof ManagementClient }));`;
    const node22 = ['npx', '-y', 'node@22'];
    for (const node of [[process.execPath], node22]) {
      const [file, ...prefix] = node as [string, ...string[]];
      const fromRequire = JSON.parse(run(file, [...prefix, '-e', cjs], app)) as { node: string; denied: string };
      const fromImport = JSON.parse(run(file, [...prefix, '--input-type=module', '-e', esm], app)) as { node: string; denied: string };
      expect(fromRequire).toMatchObject({ denied: 'Please reset your password!', clearer: 'function' });
      expect(fromImport).toMatchObject({ denied: 'Please reset your password!', auth0: 'function' });
      if (node === node22) {
        expect(fromRequire.node).toMatch(/^v22\./);
        expect(fromImport.node).toMatch(/^v22\./);
      }
    }
  });
});
