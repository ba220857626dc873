import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';
import { parseMarkdown } from '../helpers/markdown.js';

// The checks a release needs, on the tarball users will install. `npm pack --ignore-scripts`: the
// suite's build is what we pack (a prepack rebuild would race the other test files reading dist/).
let tarball: string;
let packedFiles: string[];

const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const ENV = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
const runSync = (file: string, args: string[], cwd = ROOT) => execFileSync(file, args, { cwd, encoding: 'utf8', env: ENV });
const execFileAsync = promisify(execFile);
/** Runs a command; resolves with its standard output, rejects (with `stdout` on the error) when it fails. */
const run = async (file: string, args: string[], cwd = ROOT) =>
  (await execFileAsync(file, args, { cwd, encoding: 'utf8', env: ENV, maxBuffer: 64 * 1024 * 1024 })).stdout;

beforeAll(() => {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'afpr-pack-'));
  const [pack] = JSON.parse(runSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir])) as [
    { filename: string; files: { path: string }[] },
  ];
  tarball = join(dir, pack.filename);
  packedFiles = pack.files.map((file) => file.path).sort();
}, SUBPROCESS_TIMEOUT_MS);

// The checks are independent (each in folders of its own, the tarball only read) and each waits for a
// child process: they run side by side.
describe.concurrent('the packed tarball', () => {
  it('contains only what a user needs: dist, the guides the README links to, the license, README, CHANGELOG and package.json', () => {
    const outsideDist = packedFiles.filter((path) => !path.startsWith('dist/'));
    const guides = readdirSync(join(ROOT, 'docs'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
    expect(outsideDist).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', ...guides, 'package.json'].sort());
    // What the README points to in docs/ is in the tarball: the guides and the screenshot.
    expect(outsideDist).toEqual(expect.arrayContaining(['docs/upgrading.md', 'docs/testing-your-actions.md', 'docs/images/change-password-page.png']));
    expect(packedFiles.filter((path) => path.startsWith('dist/')).every((path) => /\.(c?js|c?js\.map|d\.c?ts)$/.test(path))).toBe(true);
    // Readable code, each file with its source map: a stack trace shows a line of code, not a whole file.
    // The common-password lists are data the build writes (one string each), not code to step through.
    const code = packedFiles.filter((path) => /^dist\/.*\.c?js$/.test(path) && !path.startsWith('dist/common-passwords-'));
    expect(code.filter((path) => !packedFiles.includes(`${path}.map`))).toEqual([]);
    for (const entry of [
      'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/testing.js', 'dist/testing.cjs',
      'dist/auth0-types.js', 'dist/auth0-types.cjs', 'dist/auth0-types.d.ts', 'dist/auth0-types.d.cts',
      'dist/admin.js', 'dist/admin.cjs', 'dist/admin.d.ts', 'dist/admin.d.cts', 'dist/cli.js',
      'dist/page.js', 'dist/page.cjs', 'dist/page.d.ts', 'dist/page.d.cts',
    ]) {
      expect(packedFiles).toContain(entry);
    }
  });

  it('holds exactly the files CONTRIBUTING.md lists under "Releasing" (what `npm pack --dry-run` shows)', () => {
    const listing = parseMarkdown('CONTRIBUTING.md', readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8')).blocks.find(
      (block) => block.marker?.join(' ') === 'tested-by test/package/package.test.ts',
    );
    expect(listing, 'the list in CONTRIBUTING.md').toBeDefined();
    const patterns = listing!.code.split(/\s+/).filter(Boolean);
    const matcherOf = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}$`);
    const matchers = patterns.map((pattern) => ({ pattern, regexp: matcherOf(pattern) }));
    expect(packedFiles.filter((path) => !matchers.some(({ regexp }) => regexp.test(path))), 'packed but not listed').toEqual([]);
    expect(matchers.filter(({ regexp }) => !packedFiles.some((path) => regexp.test(path))).map(({ pattern }) => pattern), 'listed but not packed').toEqual([]);
  });

  it('passes publint --strict', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    expect(await run(bin('publint'), ['run', tarball, '--strict'])).toContain('All good!');
  });

  it('passes @arethetypeswrong/cli for every entry under every resolution, node10 included', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    // The default profile: TypeScript's older resolution too (typesVersions serves the subpaths there).
    // attw exits non-zero on any problem (execFileSync would throw).
    const report = JSON.parse(await run(bin('attw'), [tarball, '--format', 'json'])) as {
      problems: Record<string, { entrypoint: string; resolutionKind: string }[]>;
      analysis: { entrypoints: Record<string, unknown> };
    };
    expect(Object.values(report.problems).flat()).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(['.', './admin', './auth0-types', './package.json', './page', './testing']);
  });

  /**
   * The executable of Node 22 as `npx -y node@22` runs it. npx asks the registry at every start (1.4 s of
   * CPU): the path it gave is kept in node_modules/.cache and used while it still runs Node 22 — the
   * 22.x npx fetched then, not a newer one (`npm ci` empties the cache, and npx is asked again).
   */
  async function nodeExecutable22(): Promise<string> {
    const cache = join(ROOT, 'node_modules', '.cache', 'auth0-force-password-reset', 'node22-path');
    const known = existsSync(cache) ? readFileSync(cache, 'utf8').trim() : '';
    if (known !== '' && existsSync(known) && (await run(known, ['-p', 'process.version'], tmpdir()).catch(() => '')).startsWith('v22.')) return known;
    const found = (await run('npx', ['-y', 'node@22', '-p', 'process.execPath'], tmpdir())).trim();
    mkdirSync(dirname(cache), { recursive: true });
    writeFileSync(cache, `${found}\n`);
    return found;
  }

  /** A user's TypeScript project with the packed package in its node_modules; returns tsc's output. */
  async function typeCheckUserProject(compilerOptions: Record<string, unknown>, source: string): Promise<string> {
    const project = mkdtempSync(join(tmpdir(), 'afpr-ts-user-'));
    const installed = join(project, 'node_modules', 'auth0-force-password-reset');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    // No skipLibCheck, no @types: the published declarations are checked as they are (and auth0's). Only
    // TypeScript's own lib files go unchecked (skipDefaultLibCheck), which halves each run's CPU.
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, types: [], skipDefaultLibCheck: true, ...compilerOptions }, files: ['index.ts'] }));
    writeFileSync(join(project, 'index.ts'), source);
    try {
      return await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project]);
    } catch (error) {
      return String((error as { stdout?: string }).stdout);
    }
  }

  it('type-checks every entry in a CommonJS project on TypeScript\'s default resolution, targeting ES2022, without skipLibCheck', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const output = await typeCheckUserProject(
      { target: 'ES2022', module: 'commonjs', exactOptionalPropertyTypes: true },
      `import { createFirstLoginGate, type PostLoginEvent, type PostLoginApi } from 'auth0-force-password-reset';
import type { PostLoginActionModule, PostLoginUser } from 'auth0-force-password-reset/auth0-types';
import { buildPostLoginEvent, createPostLoginApi, startLocalTenant, type LocalTenant } from 'auth0-force-password-reset/testing';
import { requirePasswordChange } from 'auth0-force-password-reset/admin';
import { createChangePasswordPage, createNodeListener, type ChangePasswordPage } from 'auth0-force-password-reset/page';

const gate = createFirstLoginGate({ log: false });
export const page: ChangePasswordPage = createChangePasswordPage({ domain: 'acme.auth0.test', clientId: 'id', clientSecret: 'secret', sessionSecret: 'k'.repeat(32) });
export const listener = createNodeListener(page);
export async function onExecutePostLogin(event: PostLoginEvent, api: PostLoginApi): Promise<void> {
  const user: PostLoginUser = event.user;
  if (!user.email_verified) api.authentication.challengeWith({ type: 'otp' });
  await gate(event, api);
}
// The main entry's Auth0 types and /auth0-types' are one: a handler typed with one fits the other's module.
export const actionModule: PostLoginActionModule = { onExecutePostLogin, onContinuePostLogin: gate.onContinuePostLogin };
export async function check(): Promise<string | undefined> {
  const tenant: LocalTenant = await startLocalTenant();
  const api = createPostLoginApi();
  await onExecutePostLogin(buildPostLoginEvent(), api);
  await tenant.close();
  return api.deniedWith;
}
export const admin: typeof requirePasswordChange = requirePasswordChange;
`,
    );
    expect(output).toBe('');
  });

  it('lets a project whose lib has Symbol.asyncDispose write \`await using tenant\`', { timeout: 2 * SUBPROCESS_TIMEOUT_MS }, async () => {
    const source = `import { startLocalTenant } from 'auth0-force-password-reset/testing';
export async function check(): Promise<string> {
  await using tenant = await startLocalTenant();
  return tenant.domain;
}
`;
    const [withDisposable, without] = await Promise.all([
      typeCheckUserProject({ target: 'ES2022', lib: ['ES2022', 'DOM', 'ESNext.Disposable'], module: 'nodenext' }, source),
      typeCheckUserProject({ target: 'ES2022', module: 'nodenext' }, source),
    ]);
    expect(withDisposable).toBe('');
    // Without that lib, \`await using\` is the project's error, not the package's declarations'.
    expect(without).not.toContain('node_modules');
  });

  it('installs into an empty folder with production dependencies only, and loads through require and import on Node 20 and 22', { timeout: 3 * SUBPROCESS_TIMEOUT_MS }, async () => {
    const app = mkdtempSync(join(tmpdir(), 'afpr-install-'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'an-actions-repo', private: true }));
    // Node 22 as npx fetches it, asked for its executable while npm installs the tarball.
    const node22Path = nodeExecutable22();
    node22Path.catch(() => undefined); // awaited below, after the install
    await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball], app);
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', 'auth0-force-password-reset', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(installed.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    // The bin, as `npx auth0-force-password-reset` runs it, the /admin entry through both loaders, and the
    // /page entry, which a company hosts: each a process of its own, side by side.
    const adminExports = `console.log(JSON.stringify([typeof require('auth0-force-password-reset/admin').requirePasswordChange]))`;
    const adminImport = `const m = await import('auth0-force-password-reset/admin'); console.log(typeof m.waivePasswordChange)`;
    const pageExports = `console.log(typeof require('auth0-force-password-reset/page').createChangePasswordPage)`;
    const pageImport = `const m = await import('auth0-force-password-reset/page'); console.log(typeof m.createNodeListener)`;
    const outputs = await Promise.all([
      run(join(app, 'node_modules', '.bin', 'auth0-force-password-reset'), ['--version'], app),
      run(process.execPath, ['-e', adminExports], app),
      run(process.execPath, ['--input-type=module', '-e', adminImport], app),
      run(process.execPath, ['-e', pageExports], app),
      run(process.execPath, ['--input-type=module', '-e', pageImport], app),
    ]);
    expect(outputs.map((output) => output.trim())).toEqual([installed.version, '["function"]', 'function', 'function', 'function']);

    const cjs = `const m = require('auth0-force-password-reset'); const t = require('auth0-force-password-reset/testing');
      const gate = m.createFirstLoginGate({ log: false }); const api = t.createPostLoginApi();
      gate(t.buildPostLoginEvent(), api).then(() => process.stdout.write(JSON.stringify({ node: process.version, denied: api.deniedWith, clearer: typeof m.createPasswordResetClearer() })));`;
    const esm = `const m = await import('auth0-force-password-reset'); const t = await import('auth0-force-password-reset/testing');
      const gate = m.createFirstLoginGate({ log: false }); const api = t.createPostLoginApi();
      await gate(t.buildPostLoginEvent(), api);
      const { ManagementClient } = await import('auth0');
      process.stdout.write(JSON.stringify({ node: process.version, denied: api.deniedWith, auth0: typeof ManagementClient }));`;
    const node22 = await node22Path;
    const runs = await Promise.all(
      [process.execPath, node22].flatMap((node) => [run(node, ['-e', cjs], app), run(node, ['--input-type=module', '-e', esm], app)]),
    );
    const [fromRequire20, fromImport20, fromRequire22, fromImport22] = runs.map((output) => JSON.parse(output) as { node: string; denied: string });
    for (const fromRequire of [fromRequire20, fromRequire22]) expect(fromRequire).toMatchObject({ denied: 'Please reset your password!', clearer: 'function' });
    for (const fromImport of [fromImport20, fromImport22]) expect(fromImport).toMatchObject({ denied: 'Please reset your password!', auth0: 'function' });
    expect([fromRequire20!.node, fromImport20!.node]).toEqual([process.version, process.version]);
    expect(fromRequire22!.node).toMatch(/^v22\./);
    expect(fromImport22!.node).toMatch(/^v22\./);
  });
});
