#!/usr/bin/env node
// `npm test`: the type-check (tsc, tests included), the build of dist/ when its sources changed, and
// vitest, all at once. tsc reads src/ and test/, never dist/; the unit and integration tests load src/
// and run first while the build goes on; the package and browser tests load dist/ and wait for the
// build (test/helpers/wait-for-build.ts, told of its end through the file named in AFPR_BUILD_STATE).
// Arguments go to vitest (`npm test -- --project unit`). Exits non-zero when any fails; tsc's errors are
// printed after vitest's report.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStale } from './build.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));
const TSC = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const VITEST = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const CACHE = join(ROOT, 'node_modules', '.cache', 'auth0-force-password-reset');
// The same as `npm run typecheck`: incremental, so a second run re-checks only what changed.
const TYPECHECK = ['-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', join(CACHE, 'tsconfig.tsbuildinfo')];

/** Runs `node file ...args`; resolves with its exit code (and its output when `quiet`). */
function run(file, args, { quiet = false, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd: ROOT, env, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => void (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk) => void (output += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), output }));
  });
}

const started = performance.now();
const typecheck = run(TSC, TYPECHECK, { quiet: true }).then((result) => ({ ...result, seconds: (performance.now() - started) / 1000 }));
let env = process.env;
let build = Promise.resolve({ code: 0 });
if (isStale(ROOT)) {
  mkdirSync(CACHE, { recursive: true });
  const buildState = join(CACHE, `build-state-${process.pid}.json`);
  rmSync(buildState, { force: true });
  env = { ...process.env, AFPR_BUILD_STATE: buildState };
  build = run(join(ROOT, 'scripts', 'build.mjs'), []).then((result) => {
    writeFileSync(buildState, `${JSON.stringify({ code: result.code })}\n`);
    return result;
  });
} else {
  console.log('dist/ is up to date with src/ (npm run build rebuilds it anyway)');
}
const vitest = await run(VITEST, ['run', ...process.argv.slice(2)], { env });
const built = await build;
if (env.AFPR_BUILD_STATE !== undefined) rmSync(env.AFPR_BUILD_STATE, { force: true });
const { code, output, seconds } = await typecheck;
if (code === 0) {
  console.log(`type-check (tsc -p tsconfig.json): no errors, ${seconds.toFixed(1)} s`);
} else {
  process.stderr.write(output);
  console.error(`type-check (tsc -p tsconfig.json): failed (exit ${code})`);
}
process.exit(built.code !== 0 ? built.code : vitest.code !== 0 ? vitest.code : code);
