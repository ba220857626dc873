#!/usr/bin/env node
// Builds dist/ with tsup, quietly: one line when it succeeds, tsup's whole output when it fails.
//
//   node scripts/build.mjs             build now
//   node scripts/build.mjs --if-stale  build only when what dist/ is built from changed since the last build
//   node scripts/build.mjs --verbose   print tsup's output as it comes
//
// "Changed" is by content, not by modification time: a hash of every file dist/ is built from (src/,
// scripts/, the build and TypeScript configs, package.json for the version and the exports, the lockfile
// for the build tools and the devDependency the password lists come from), and of dist/ as the last build left it (a dist/ edited or deleted by hand is rebuilt). A
// `git checkout` back and forth, which touches every file's time, costs no rebuild. The stamp lives in
// node_modules/.cache, so `npm ci` (which empties node_modules) starts from a clean slate.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cacheDirOf, filesOf, writeFileWhole } from './project-files.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** What dist/ is built from: scripts/ too, for code the build config imports from there. */
export const INPUTS = ['src', 'scripts', 'tsup.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json'];
/** Where the last build's stamp is kept, under `root`. */
export const stampPathOf = (root) => join(cacheDirOf(root), 'build-stamp.json');

/** The contents of what dist/ is built from (or of other `inputs`: files and folders under `root`), hashed. */
export function inputsHash(root, inputs = INPUTS) {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap((input) => filesOf(root, input))) {
    hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

/** dist/ as it is: names, sizes and times (cheap; a build rewrites every file). */
function distHash(root) {
  const hash = createHash('sha256');
  for (const file of filesOf(root, 'dist')) {
    const { size, mtimeMs } = statSync(join(root, file));
    hash.update(`${file}\0${size}\0${mtimeMs}\0`);
  }
  return hash.digest('hex');
}

/** Records that dist/ under `root` was built from inputs whose hash is `inputs`. */
export function writeStamp(root, inputs) {
  writeFileWhole(stampPathOf(root), `${JSON.stringify({ inputs, dist: distHash(root) })}\n`);
}

/** Whether dist/ under `root` is missing, was changed since the last build, or was built from other inputs. */
export function isStale(root, inputs = inputsHash(root)) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPathOf(root), 'utf8'));
  } catch {
    return true;
  }
  return !existsSync(join(root, 'dist')) || stamp.inputs !== inputs || stamp.dist !== distHash(root);
}

/** Runs tsup; resolves with its exit code and what it printed (printed as it comes with --verbose). */
function runTsup(verbose) {
  const require = createRequire(join(ROOT, 'package.json'));
  const cli = join(dirname(require.resolve('tsup/package.json')), 'dist', 'cli-default.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli], { cwd: ROOT, stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => void (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk) => void (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), output }));
  });
}

async function main() {
  const args = new Set(process.argv.slice(2));
  for (const arg of args) {
    if (!['--if-stale', '--verbose'].includes(arg)) {
      console.error(`scripts/build.mjs: unknown argument ${arg} (the arguments are --if-stale and --verbose)`);
      return 2;
    }
  }
  // The inputs as they are when the build starts: a file saved during the build makes the next run rebuild.
  const inputs = inputsHash(ROOT);
  if (args.has('--if-stale') && !isStale(ROOT, inputs)) {
    console.log('dist/ is up to date with src/ (npm run build rebuilds it anyway)');
    return 0;
  }
  const started = performance.now();
  // The code (tsup, a child process) and the declarations (file by file, in this one) side by side.
  const tsup = runTsup(args.has('--verbose'));
  const declarations = import('./build-declarations.mjs').then(({ buildDeclarations }) => buildDeclarations(ROOT)).then(
    (files) => ({ files }),
    (error) => ({ error }),
  );
  const { code, output } = await tsup;
  const { files, error } = await declarations;
  if (code !== 0) {
    process.stderr.write(output);
    console.error(`scripts/build.mjs: the build failed (tsup exited with ${code})`);
    return code;
  }
  if (error !== undefined) {
    console.error(error instanceof Error ? error.message : String(error));
    console.error('scripts/build.mjs: the build failed (scripts/build-declarations.mjs)');
    return 1;
  }
  for (const [name, text] of files) writeFileSync(join(ROOT, 'dist', name), text);
  if (args.has('--verbose')) console.log(`DTS ${files.size} files (scripts/build-declarations.mjs)`);
  writeStamp(ROOT, inputs);
  console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s (node scripts/build.mjs --verbose shows tsup's output)`);
  return 0;
}

// Run as a script, not when a test imports it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main();
