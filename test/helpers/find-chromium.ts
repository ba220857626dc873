import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './built-package.js';

/**
 * Which Chromium the browser tests drive, in this order:
 *
 * 1. `CHROMIUM_PATH`, when set (a wrong path fails: it is what you asked for);
 * 2. on linux-x64, the headless Chromium that the `@sparticuz/chromium` devDependency ships inside its npm
 *    tarball, unpacked once into `node_modules/.cache/` (about 3 s): `npm ci` is all a machine needs, no
 *    root. It is a headless shell, lighter than a whole browser: the change-password browser file took
 *    18.4 s and 13.1 s of CPU with it, 28.7 s and 24.0 s with Debian's Chromium 156 (alone, on the 2-core
 *    machine CI runs on);
 * 3. elsewhere, a `chromium` on `PATH` (where @sparticuz/chromium has no build).
 *
 * playwright-core never downloads a browser of its own here.
 */
export type ChromiumSource =
  | { readonly kind: 'CHROMIUM_PATH'; readonly path: string }
  | { readonly kind: 'system'; readonly path: string }
  | { readonly kind: 'npm package'; readonly path: undefined };

/** How {@link chooseChromium} looks at the machine: injected, so the choice is tested without one. */
export interface ChromiumLookup {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether `path` is a file this process may execute. */
  readonly isExecutable: (path: string) => boolean;
  /** `process.platform` and `process.arch`, joined: `linux-x64`. */
  readonly platform: string;
}

/** The system's lookup: the real environment, file system and platform. */
export const SYSTEM_LOOKUP: ChromiumLookup = {
  env: process.env,
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  platform: `${process.platform}-${process.arch}`,
};

/** The one platform @sparticuz/chromium ships a Chromium for. */
const SHIPPED_PLATFORM = 'linux-x64';

/** The names Debian's (and most distributions') Chromium goes by on `PATH`. */
const SYSTEM_NAMES = ['chromium', 'chromium-browser'];

/** Decides which Chromium to use, without starting or unpacking anything. */
export function chooseChromium({ env, isExecutable, platform }: ChromiumLookup = SYSTEM_LOOKUP): ChromiumSource {
  const fromEnv = env['CHROMIUM_PATH'];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isExecutable(fromEnv)) throw new Error(`CHROMIUM_PATH is ${JSON.stringify(fromEnv)}, which is not an executable file: fix it, or unset it to use the Chromium of @sparticuz/chromium`);
    return { kind: 'CHROMIUM_PATH', path: fromEnv };
  }
  if (platform === SHIPPED_PLATFORM) return { kind: 'npm package', path: undefined };
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of SYSTEM_NAMES) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return { kind: 'system', path: candidate };
    }
  }
  // unpackShippedChromium says what to do on a platform it has no build for.
  return { kind: 'npm package', path: undefined };
}

const run = promisify(execFile);

/**
 * The path of the Chromium `@sparticuz/chromium` ships, unpacked once per version into
 * `node_modules/.cache/`. Its `executablePath()` unpacks into `os.tmpdir()`, so it runs in a child
 * process whose `TMPDIR` is a fresh folder, which is then renamed into place: two test files (or two
 * checkouts) unpacking at once never see each other's half-written binary, and nothing is shared
 * through `/tmp`.
 */
async function unpackShippedChromium(): Promise<string> {
  if (`${process.platform}-${process.arch}` !== SHIPPED_PLATFORM) {
    throw new Error(`@sparticuz/chromium ships a Chromium for linux-x64 only (this is ${process.platform}-${process.arch}): install chromium on PATH, or set CHROMIUM_PATH to a Chromium or Chrome of yours`);
  }
  const require = createRequire(join(ROOT, 'package.json'));
  let entry: string;
  try {
    entry = require.resolve('@sparticuz/chromium');
  } catch (cause) {
    throw new Error('no Chromium found: @sparticuz/chromium (a devDependency) is not installed — run `npm ci`, install Debian\'s chromium, or set CHROMIUM_PATH', { cause });
  }
  // build/cjs/index.cjs → the package's folder.
  const packageDir = dirname(dirname(dirname(entry)));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const cacheRoot = join(ROOT, 'node_modules', '.cache');
  const target = join(cacheRoot, `sparticuz-chromium-${version}`);
  const binary = join(target, 'chromium');
  if (existsSync(binary)) return binary;

  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(`${target}.unpacking-`);
  try {
    const script = `import('@sparticuz/chromium').then(async ({ default: chromium }) => process.stdout.write(await chromium.executablePath()))`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: ROOT, env: { ...process.env, TMPDIR: staging }, timeout: 120_000 });
    if (stdout !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${stdout}, not into ${staging}`);
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another process got there first: use its copy.
      if (!existsSync(binary)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/** The executable to start, from {@link chooseChromium}: a path as it is, or the shipped one unpacked. */
export async function chromiumExecutable(source: ChromiumSource = chooseChromium()): Promise<string> {
  return source.path ?? unpackShippedChromium();
}
