import { relative } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { COMMON_PASSWORD_FILES, commonPasswordModules, type CommonPasswordFile } from './scripts/common-passwords.js';

/**
 * The lists, generated once per vitest process: each project loads this config as a module of its own,
 * and generating them (a million lines unzipped, 100,000 sorted) took the main process ~1 s per project.
 */
function generatedOnce(): Record<CommonPasswordFile, string> {
  const key = Symbol.for('auth0-force-password-reset:common-password-modules');
  const store = globalThis as { [key]?: Record<CommonPasswordFile, string> };
  return (store[key] ??= commonPasswordModules());
}

/**
 * The common-password lists are generated, never committed: the build writes them into dist/
 * (tsup.config.ts); the tests get the same modules, from the same function, when the source imports them.
 */
function commonPasswords(): Plugin {
  const prefix = '\0common-passwords:';
  return {
    name: 'common-passwords',
    resolveId(source) {
      const file = source.replace(/^\.\//, '') as CommonPasswordFile;
      return source.startsWith('./') && COMMON_PASSWORD_FILES.includes(file) ? prefix + file : undefined;
    },
    load(id) {
      if (!id.startsWith(prefix)) return undefined;
      return generatedOnce()[id.slice(prefix.length) as CommonPasswordFile];
    },
  };
}

/** Without durations from an earlier run: the projects whose files take longest, first. */
const PROJECT_ORDER = ['browser', 'package', 'integration', 'unit'];

/**
 * Starts the slowest files first, whatever their project: a run ends when its slowest file does, and
 * vitest's own order (by project name) left the package tests, the longest, to the end. By the duration
 * of their last run (vitest keeps it in node_modules/.vite); on a first run, by project, then by size.
 * The files of a project that loads its modules once per worker (`isolate: false`) stay together, as
 * one block placed by its slowest file: vitest reuses a worker only for the next file of the same project.
 */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const keyOf = (file: TestSpecification) => `${file.project.name}:${relative(config.root, file.moduleId)}`;
    const durationOf = (file: TestSpecification) => cache.getFileTestResults(keyOf(file))?.duration;
    // A file new since the last run counts as quick; with no earlier run at all, the project order decides.
    const known = files.some((file) => durationOf(file) !== undefined);
    const weightOf = (file: TestSpecification) =>
      known ? (durationOf(file) ?? 0) : -PROJECT_ORDER.indexOf(file.project.name) * 1e12 + (cache.getFileStats(keyOf(file))?.size ?? 0);
    const blockOf = (file: TestSpecification) => (file.project.config.isolate ? keyOf(file) : file.project.name);
    const blockWeight = new Map<string, number>();
    for (const file of files) {
      const block = blockOf(file);
      const previous = blockWeight.get(block);
      blockWeight.set(block, Math.max(previous ?? -Infinity, weightOf(file)));
    }
    return [...files].sort(
      (a, b) =>
        (blockWeight.get(blockOf(b)) as number) - (blockWeight.get(blockOf(a)) as number) ||
        blockOf(a).localeCompare(blockOf(b)) ||
        weightOf(b) - weightOf(a),
    );
  }
}

export default defineConfig({
  plugins: [commonPasswords()],
  test: {
    // Transformed modules kept on disk between runs (node_modules/.experimental-vitest-cache), keyed by
    // each file's content and this config: a second run transforms less than half as much.
    experimental: { fsModuleCache: true },
    maxWorkers: 4,
    sequence: { sequencer: SlowestFirst },
    projects: [
      {
        extends: true,
        test: {
          // Pure functions and in-memory doubles: no socket, no subprocess, no file outside memory.
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Threads that load the modules once for all their files: 3 s instead of 12 s. The price is that
          // files share module state, so a unit test restores what it changes (a fake clock, a global).
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          // The library against the local tenant, in this process (the tenant's fetch, or its listener on
          // 127.0.0.1). Generous limits: a busy machine may be several times slower than a developer's.
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Each worker loads the library, the local tenant and the auth0 SDK once for all its files: half
          // the CPU time of loading them again for every file. As in the unit project, a test restores
          // what it changes (every vi.useFakeTimers has its vi.useRealTimers in an afterEach).
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // Whatever builds, packs or spawns: dist/ loaded in child processes, publint/attw/tsc/npm on the
          // tarball, the examples, the demo, the CLI bin. Each child process competes with the rest of the
          // machine: generous limits.
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          exclude: ['test/package/**/*-browser.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // A real Chromium (see test/helpers/find-chromium.ts: Debian's, or the one an npm package ships)
          // driven through playwright-core, against dist/ or the sources.
          name: 'browser',
          include: ['test/package/**/*-browser.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
