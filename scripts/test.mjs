#!/usr/bin/env node
// `npm test`: the build of dist/ when its sources changed (the package and browser tests load it), alone —
// every test waits for it; then every vitest project runs while the type-check (tsc, tests included)
// goes on beside it: it needs one core for 7–40 s, and vitest's tests spend much of their time waiting
// for child processes and sockets. The type-check starts after the build, not beside it: how much of the
// project it must check depends on the declarations the build has just made (below). Arguments go to
// vitest (`npm test -- --project unit`). Exits non-zero when any fails; tsc's errors are printed after
// vitest's report.
//
// What tsc reads: the files tsconfig.json includes, itself, package.json (`type` and `imports` change
// how files are checked) and the lockfile (the types in node_modules). When they are as the last clean
// check found them, it is not run again: even incremental, it parses every file to find out (8 s of CPU
// beside the tests). When only src/ changed, and not what the rest sees of it (every file's
// declarations: an edit inside a function), only src/ is checked: the rest's verdict cannot have changed,
// and src/ alone is 936 files, not 1,493 (7 s of CPU instead of 14, after such an edit).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { declarationsDigest } from './build-declarations.mjs';
import { inputsHash } from './build.mjs';
import { cacheDirOf, filesOf, writeFileWhole } from './project-files.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Everything tsc reads in `root`, but node_modules (which the lockfile stands for). */
export function typecheckInputs(root) {
  const { include } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  return [...include, 'tsconfig.json', 'package.json', 'package-lock.json'];
}

/**
 * A global or module augmentation, a statement of its own line: a file outside src/ with one could change
 * what src/'s own files mean. (The words inside a string, as in a test that writes such a file, are not one.)
 */
const AUGMENTATION = /^\s*(export\s+)?declare\s+(global|module)\b/m;

/**
 * The hashes that say what a clean type-check of `root` vouches for: `all`, of everything tsc reads; and
 * `rest`, of everything but src/, with what the rest sees of src/ (its declarations, from the build) in
 * its place — `undefined` when that cannot be told (the last build did not take src/ as it is now) or
 * does not hold (a file outside src/ augments a module or the global scope).
 */
export function typecheckHashes(root) {
  const inputs = typecheckInputs(root);
  const all = inputsHash(root, inputs);
  const others = inputs.filter((input) => input !== 'src');
  const digest = declarationsDigest(root);
  const augmented = others
    .flatMap((input) => filesOf(root, input))
    .some((file) => /\.[cm]?tsx?$/.test(file) && AUGMENTATION.test(readFileSync(join(root, file), 'utf8')));
  return { all, rest: digest === undefined || augmented ? undefined : `${inputsHash(root, others)}:${digest}` };
}

/**
 * What the type-check must cover, from the last clean check's hashes and today's (`typecheckHashes`):
 * `'none'` when nothing it reads changed, `'src'` when only src/ did and not what the rest sees of it,
 * `'all'` otherwise.
 */
export function typecheckScope(last, now) {
  if (last.all !== undefined && last.all === now.all) return 'none';
  if (now.rest !== undefined && last.rest === now.rest) return 'src';
  return 'all';
}

/** Writes the tsconfig that checks `root`'s src/ alone with tsconfig.json's options; returns its path. */
export function writeSrcTsconfig(root) {
  const path = join(cacheDirOf(root), 'tsconfig.src.json');
  // Paths in a tsconfig are relative to the file: node_modules/.cache/<name>/ is three levels down.
  writeFileWhole(path, `${JSON.stringify({ extends: '../../../tsconfig.json', include: ['../../../src'] })}\n`);
  return path;
}

/** Runs `node file ...args` in `root`; resolves with its exit code (and its output when `quiet`). */
function run(root, file, args, quiet) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd: root, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => void (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk) => void (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), output }));
  });
}

/** The last clean check's `{ all, rest }`, or nothing. */
function lastCleanCheck(stamp) {
  try {
    return JSON.parse(readFileSync(stamp, 'utf8'));
  } catch {
    return {};
  }
}

async function main() {
  const require = createRequire(join(ROOT, 'package.json'));
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const vitestCli = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
  const stamp = join(cacheDirOf(ROOT), 'typecheck-stamp.json');
  // The whole project as `npm run typecheck` checks it: incremental, so a second run re-checks only what changed.
  const whole = ['-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', join(cacheDirOf(ROOT), 'tsconfig.tsbuildinfo')];

  const build = await run(ROOT, join(ROOT, 'scripts', 'build.mjs'), ['--if-stale'], false);
  if (build.code !== 0) return build.code;
  const started = performance.now();
  const hashes = typecheckHashes(ROOT);
  const scope = typecheckScope(lastCleanCheck(stamp), hashes);
  const typecheck =
    scope === 'none'
      ? Promise.resolve({ code: 0, output: '', seconds: 0 })
      : run(ROOT, tsc, scope === 'src' ? ['-p', writeSrcTsconfig(ROOT)] : whole, true).then((result) => ({ ...result, seconds: (performance.now() - started) / 1000 }));
  const vitest = await run(ROOT, vitestCli, ['run', ...process.argv.slice(2)], false);
  const { code, output, seconds } = await typecheck;
  if (scope === 'none') {
    console.log('type-check (tsc -p tsconfig.json): no errors — nothing it reads changed since its last clean run');
  } else if (code === 0) {
    const what = scope === 'src' ? 'src/ only: what the rest sees of it is unchanged since its last clean run' : 'tsc -p tsconfig.json';
    console.log(`type-check (${what}): no errors, ${seconds.toFixed(1)} s`);
    // After a check of src/ alone, the whole is clean too: the rest is as its last clean check found it.
    // Not when a file changed during the run: tsc may have read it before or after, so the next run checks.
    if (inputsHash(ROOT, typecheckInputs(ROOT)) === hashes.all) writeFileWhole(stamp, `${JSON.stringify(hashes)}\n`);
    else console.log('type-check: files changed during the run, so the next run checks them again');
  } else {
    process.stderr.write(output);
    console.error(`type-check (${scope === 'src' ? 'tsc, src/ only' : 'tsc -p tsconfig.json'}): failed (exit ${code})`);
  }
  return vitest.code !== 0 ? vitest.code : code;
}

// Run as a script, not when a test imports it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exit(await main());
