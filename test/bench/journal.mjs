// `npm run bench`, section 7: the state file's journal on a slow disk. `require-change --all --rate
// 300` over 3,000 users who each need one write, run in process against a local tenant in the same
// process (no HTTP: the tool's own work is what is measured), with every fsync made 3 ms slower —
// with and without `--state`. Users per second and the time against the floor the rate allows.
//
// Run alone to compare with another checkout of the project (the code before a change), built the
// same way from its sources:  node test/bench/journal.mjs [/path/to/other/checkout]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const OUT_DIR = join(ROOT, '.bench');
const require = createRequire(import.meta.url);

const USERS = Number(process.env.BENCH_JOURNAL_USERS ?? 3000);
const RATE = Number(process.env.BENCH_JOURNAL_RATE ?? 300);
const FSYNC_MS = Number(process.env.BENCH_JOURNAL_FSYNC_MS ?? 3);

/**
 * The tool and the local tenant of a checkout, bundled from its sources (`runCli`, the node:fs state
 * file system, `startLocalTenant`): the same build for every checkout, `auth0` from this one's
 * node_modules.
 */
async function bundle(checkout, label) {
  mkdirSync(OUT_DIR, { recursive: true });
  const outfile = join(OUT_DIR, `journal-${label}.mjs`);
  const src = (path) => JSON.stringify(join(checkout, 'src', path));
  await require('esbuild').build({
    stdin: {
      contents: [
        `export { runCli } from ${src('cli/run-cli.ts')};`,
        `export { nodeFileSystem } from ${src('cli/state-file-system.ts')};`,
        `export { startLocalTenant } from ${src('testing/local-tenant/index.ts')};`,
      ].join('\n'),
      resolveDir: checkout,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['auth0'],
    nodePaths: [join(ROOT, 'node_modules')],
    define: { __PACKAGE_VERSION__: '"bench"' },
    outfile,
    logLevel: 'error',
  });
  return import(`${pathToFileURL(outfile).href}?${Date.now()}`);
}

/** One run: the time from the line that announces the users to the last user's progress line. */
async function measure(tool, { state }) {
  const tenant = await tool.startLocalTenant({ scopes: ['read:users', 'update:users_app_metadata'], exportJobPolls: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'afpr-journal-'));
  try {
    for (let index = 0; index < USERS; index += 1) tenant.users.create();
    let startedAt;
    let lastUserAt;
    const stderr = {
      write(text) {
        const now = performance.now();
        if (/^require-change: [\d,]+ users/m.test(text)) startedAt = now;
        if (/^\[[\d,]+\/[\d,]+\]/m.test(text)) lastUserAt = now;
      },
    };
    let stdout = '';
    // A disk whose every fsync takes FSYNC_MS longer: a busy disk, a network file system.
    const slowDisk = {
      ...tool.nodeFileSystem,
      async open(path, flags) {
        const file = await tool.nodeFileSystem.open(path, flags);
        return {
          ...file,
          async sync() {
            await file.sync();
            await sleep(FSYNC_MS);
          },
        };
      },
    };
    const argv = ['require-change', '--all', '--rate', String(RATE), '--json', ...(state ? ['--state', join(dir, 'run.json')] : [])];
    const code = await tool.runCli(argv, {
      env: { AUTH0_DOMAIN: `http://${tenant.domain}`, AUTH0_CLIENT_ID: tenant.clientId, AUTH0_CLIENT_SECRET: tenant.clientSecret },
      fetch: tenant.fetch,
      stdout: { write: (text) => (stdout += text) },
      stderr,
      stateFileSystem: slowDisk,
    });
    const report = JSON.parse(stdout);
    if (code !== 0 || report.counts.done !== USERS) throw new Error(`the run ended with ${code}: ${JSON.stringify(report.counts)}`);
    const seconds = (lastUserAt - startedAt) / 1000;
    // Each user costs one write: the floor is USERS / RATE seconds.
    return { usersPerSecond: Math.round(USERS / seconds), vsFloor: Number((seconds / (USERS / RATE)).toFixed(2)) };
  } finally {
    await tenant.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rows of section 7 for each checkout: `[{ label, root }]`. */
export async function journalBenchmark(checkouts) {
  const rows = [];
  for (const { label, root } of checkouts) {
    const tool = await bundle(root, label.replace(/\W+/g, '-'));
    for (const state of [true, false]) {
      const { usersPerSecond, vsFloor } = await measure(tool, { state });
      rows.push({ code: label, state: state ? `--state, fsync +${FSYNC_MS} ms` : 'no --state', users: USERS, rate: RATE, usersPerSecond, vsFloor });
    }
  }
  return rows;
}

export const JOURNAL_SETTINGS = { users: USERS, rate: RATE, fsyncMs: FSYNC_MS };

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const other = process.argv[2];
  const checkouts = [...(other === undefined ? [] : [{ label: `before (${other})`, root: resolve(other) }]), { label: 'this checkout', root: ROOT }];
  for (const row of await journalBenchmark(checkouts)) console.log(JSON.stringify(row));
}
