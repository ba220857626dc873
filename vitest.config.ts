import { defineConfig, type Plugin } from 'vitest/config';
import { COMMON_PASSWORD_FILES, commonPasswordModules, type CommonPasswordFile } from './scripts/common-passwords.js';

/**
 * The common-password lists are generated, never committed: the build writes them into dist/
 * (tsup.config.ts); the tests get the same modules, from the same function, when the source imports them.
 */
function commonPasswords(): Plugin {
  let modules: Record<CommonPasswordFile, string> | undefined;
  const prefix = '\0common-passwords:';
  return {
    name: 'common-passwords',
    resolveId(source) {
      const file = source.replace(/^\.\//, '') as CommonPasswordFile;
      return source.startsWith('./') && COMMON_PASSWORD_FILES.includes(file) ? prefix + file : undefined;
    },
    load(id) {
      if (!id.startsWith(prefix)) return undefined;
      modules ??= commonPasswordModules();
      return modules[id.slice(prefix.length) as CommonPasswordFile];
    },
  };
}

// Three projects, so the fast part runs alone in seconds (`npm run test:unit`) and the slow part can be
// told apart. CI is a 2-core machine that may be busy: no test may depend on how fast it is.
export default defineConfig({
  plugins: [commonPasswords()],
  test: {
    projects: [
      {
        extends: true,
        test: {
          // Pure functions and in-memory doubles: no socket, no subprocess, no file outside memory.
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // One thread that loads the modules once for every file: 3 s instead of 12 s. The price is that
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
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // Whatever builds, packs or spawns: dist/ loaded in child processes, publint/attw/tsc/npm on the
          // tarball, the examples, the demo, the CLI bin. One file at a time: each test already keeps a core
          // busy with its child processes, and several at once only make every one of them slower.
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
