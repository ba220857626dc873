import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * `npm test` (scripts/test.mjs) builds dist/ while the unit and integration tests run, and names in
 * `AFPR_BUILD_STATE` the file it writes when the build ends. A package or browser test file loads dist/,
 * so it waits here (a setup file of those projects) until then; run by itself (`npx vitest run …`), it
 * finds no such variable and starts at once — dist/ is then what `npm run build` last left.
 */
const BUILD_WAIT_MS = 10 * 60_000;

const statePath = process.env['AFPR_BUILD_STATE'];
if (statePath !== undefined) {
  const started = Date.now();
  while (!existsSync(statePath)) {
    if (Date.now() - started > BUILD_WAIT_MS) throw new Error(`npm test: dist/ was not built within ${BUILD_WAIT_MS / 60_000} min (${statePath} never appeared)`);
    await delay(100);
  }
  const { code } = JSON.parse(readFileSync(statePath, 'utf8')) as { code: number };
  if (code !== 0) throw new Error(`npm test: the build of dist/ failed (exit ${code}); its output is above`);
}
