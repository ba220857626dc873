import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The time a test that spawns a process or packs the tarball gets. Generous on purpose: alone such a test
 * takes seconds, but CI is a 2-core machine that may be running other jobs, and a child process (tsc, npm,
 * attw, node) competes with everything else there. vitest's default (5 s) is for in-process tests only.
 */
export const SUBPROCESS_TIMEOUT_MS = 120_000;

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** Fails loudly when `dist/` is missing: the README's `npm test` builds first. */
export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'index.cjs'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
  }
}

/**
 * An empty folder of its own whose `node_modules/auth0-force-password-reset` is this package (built), as
 * after `npm install auth0-force-password-reset` there. Returns its path.
 */
export function createFolderWithPackage(prefix = 'afpr-installed-'): string {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'auth0-force-password-reset'), 'dir');
  return dir;
}

/**
 * A throwaway Actions repo whose `node_modules/auth0-force-password-reset` is this package (built),
 * as a tenant's repo would have it after `npm install`. Returns its path.
 */
export function createActionsRepo(): string {
  const dir = createFolderWithPackage('afpr-actions-');
  cpSync(join(ROOT, 'examples', 'actions'), join(dir, 'actions'), { recursive: true });
  cpSync(join(ROOT, 'examples', 'package.json'), join(dir, 'package.json'));
  return dir;
}

/** Runs `node -e <script>` (CommonJS unless `--input-type=module` is passed) and parses its JSON output. */
export function runNode<T>(script: string, options: { cwd?: string; args?: string[] } = {}): T {
  const out = execFileSync(process.execPath, [...(options.args ?? []), '-e', script], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out) as T;
}
