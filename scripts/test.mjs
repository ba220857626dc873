#!/usr/bin/env node
// `npm test`: the build of dist/ when its sources changed (the package and browser tests load it), alone —
// every test waits for it, and it keeps both cores busy (tsup, and the declarations' TypeScript program);
// then every vitest project runs while the type-check (tsc, tests included: it reads src/ and test/,
// never dist/) goes on beside it — it needs one core for 15 s or so, and vitest's tests spend much of
// their time waiting for child processes and sockets. Arguments go to vitest (`npm test -- --project
// unit`). Exits non-zero when any fails; tsc's errors are printed after vitest's report.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));
const TSC = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const VITEST = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
// The same as `npm run typecheck`: incremental, so a second run re-checks only what changed.
const TYPECHECK = ['-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/auth0-force-password-reset/tsconfig.tsbuildinfo'];

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
const started = performance.now();
const typecheck = run(TSC, TYPECHECK, true).then((result) => ({ ...result, seconds: (performance.now() - started) / 1000 }));
const vitest = await run(VITEST, ['run', ...process.argv.slice(2)], false);
const { code, output, seconds } = await typecheck;
if (code === 0) {
  console.log(`type-check (tsc -p tsconfig.json): no errors, ${seconds.toFixed(1)} s`);
} else {
  process.stderr.write(output);
  console.error(`type-check (tsc -p tsconfig.json): failed (exit ${code})`);
}
process.exit(vitest.code !== 0 ? vitest.code : code);
