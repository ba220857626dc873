#!/usr/bin/env node
// `npm test`: the build of dist/ when its sources changed (the package and browser tests load it), alone —
// every test waits for it; then every vitest project runs while the type-check (tsc, tests included)
// goes on beside it: it needs one core for 10-40 s, and vitest's tests spend much of their time waiting
// for child processes and sockets. Not beside the build: tsc reads dist/index.d.ts too (a package test
// imports the package by its own name), which the build deletes and writes again: a tsc started with
// the build would check whatever the build had written by then. Arguments go to vitest (`npm test --
// --project unit`). Exits non-zero when any fails; tsc's errors are printed after vitest's report.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { declarationsDigest } from './build-declarations.mjs';
import { inputsHash } from './build.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));
const TSC = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const VITEST = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
// The same as `npm run typecheck`: incremental, so a second run re-checks only what changed.
const TYPECHECK = ['-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/auth0-force-password-reset/tsconfig.tsbuildinfo'];
// What tsc reads: the files tsconfig.json includes, itself, and the lockfile (the types in node_modules).
// When they are as the last clean check found them, it is not run again: even incremental, it parses
// every file to find out (8 s of CPU beside the tests). When only src/ changed, and not what the rest
// sees of it (every file's declarations, which the build has just made: an edit inside a function), only
// src/ is checked: the rest's verdict cannot have changed, and src/ alone is 936 files, not 1,493
// (7 s of CPU instead of 14, after such an edit).
const INCLUDED = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')).include;
const TYPECHECK_INPUTS = [...INCLUDED, 'tsconfig.json', 'package-lock.json'];
const CACHE = join(ROOT, 'node_modules', '.cache', 'auth0-force-password-reset');
const TYPECHECK_STAMP = join(CACHE, 'typecheck-stamp.json');
// tsconfig.json's options for src/ alone, written next to the stamp (its paths are relative to it).
const SRC_TSCONFIG = join(CACHE, 'tsconfig.src.json');
const SRC_TYPECHECK = ['-p', SRC_TSCONFIG];

/** Runs `node file ...args`; resolves with its exit code (and its output when `quiet`). */
function run(file, args, quiet) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd: ROOT, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => void (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk) => void (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), output }));
  });
}

const build = await run(join(ROOT, 'scripts', 'build.mjs'), ['--if-stale'], false);
if (build.code !== 0) process.exit(build.code);
/** The last clean check's `{ all, rest }` hashes (below), or nothing. */
function lastCleanCheck() {
  try {
    return JSON.parse(readFileSync(TYPECHECK_STAMP, 'utf8'));
  } catch {
    return {};
  }
}

const started = performance.now();
// Everything tsc reads; and everything but src/, with what the rest sees of src/ in its place (none when
// the build did not take every file of src/ as it is now: then the whole is checked).
const all = inputsHash(ROOT, TYPECHECK_INPUTS);
const digest = declarationsDigest(ROOT);
const rest = digest === undefined ? undefined : `${inputsHash(ROOT, TYPECHECK_INPUTS.filter((input) => input !== 'src'))}:${digest}`;
const last = lastCleanCheck();
const scope = last.all === all ? 'none' : rest !== undefined && last.rest === rest ? 'src' : 'all';
if (scope === 'src') {
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(SRC_TSCONFIG, `${JSON.stringify({ extends: '../../../tsconfig.json', include: ['../../../src'] })}\n`);
}
const typecheck =
  scope === 'none'
    ? Promise.resolve({ code: 0, output: '', seconds: 0 })
    : run(TSC, scope === 'src' ? SRC_TYPECHECK : TYPECHECK, true).then((result) => ({ ...result, seconds: (performance.now() - started) / 1000 }));
const vitest = await run(VITEST, ['run', ...process.argv.slice(2)], false);
const { code, output, seconds } = await typecheck;
if (scope === 'none') {
  console.log('type-check (tsc -p tsconfig.json): no errors — nothing it reads changed since its last clean run');
} else if (code === 0) {
  // After a check of src/ alone, the whole is clean too: the rest is as its last clean check found it.
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(TYPECHECK_STAMP, `${JSON.stringify({ all, rest })}\n`);
  const what = scope === 'src' ? 'src/ only: what the rest sees of it is unchanged since its last clean run' : 'tsc -p tsconfig.json';
  console.log(`type-check (${what}): no errors, ${seconds.toFixed(1)} s`);
} else {
  process.stderr.write(output);
  console.error(`type-check (${scope === 'src' ? 'tsc, src/ only' : 'tsc -p tsconfig.json'}): failed (exit ${code})`);
}
process.exit(vitest.code !== 0 ? vitest.code : code);
