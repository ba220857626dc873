import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';
import { COMMON_PASSWORD_FILES, commonPasswordModules } from './scripts/common-passwords.js';
import { ENTRIES } from './scripts/entries.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const library: Options = {
  entry: { index: ENTRIES.index },
  format: ['esm', 'cjs'],
  // The declarations come from scripts/build-declarations.mjs, each file's from that file alone, where
  // tsup would run one TypeScript program per entry (five programs over mostly the same files).
  dts: false,
  // dist/ is emptied once, below: tsup runs the builds at once, and a build's own `clean` could delete
  // what another one has already written.
  clean: false,
  target: 'node20',
  platform: 'node',
  // `auth0` is the one dependency and stays external; only the code that talks to the Management API
  // loads it, lazily. Options are checked by our own small functions (src/internal/check-options.ts).
  external: ['auth0'],
  // Split so the Management API code is a separate chunk that only the clearer loads, lazily.
  splitting: true,
  // Not minified: users read the stack traces of the code they run, and Node prints the line that threw
  // before the message — a whole minified file of 15–50 KB. What the gate loads stays small by loading
  // less (the lazy chunks), not by squeezing it: `npm run bench` measures the cold load.
  minify: false,
  treeshake: true,
  // Source maps beside each file (with the sources in them): `node --enable-source-maps` shows src/ lines.
  sourcemap: true,
  // Lazy loads of our own chunks stay `import()` in both builds (Node imports a CommonJS chunk from
  // CommonJS fine), so the gate's load needs no interop helpers; `auth0` itself is loaded with
  // `module.require` in the CommonJS build (see management-session.ts), as Auth0 runs Actions.
  define: { __PACKAGE_VERSION__: JSON.stringify(version) },
  // The common-password lists stay files of their own next to the built entries (written below), which
  // the page and the local tenant import only when a policy asks: one copy in dist/ for both formats
  // and every build, and never a byte of them in what an entry loads by itself.
  esbuildPlugins: [
    {
      name: 'common-passwords-external',
      setup(build) {
        const files = new RegExp(`^\\./(${COMMON_PASSWORD_FILES.map((file) => file.replace(/[.-]/g, '\\$&')).join('|')})$`);
        build.onResolve({ filter: files }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
};

// The administrator tools (`auth0-force-password-reset/admin`) are built apart: in the library's
// build they would share chunks with the gate, and the chunk boundaries alone would grow what a
// post-login cold start loads. Self-contained, with their own copy of the error classes (re-exported
// from /admin; `isForcePasswordResetError` recognizes either copy).
const admin: Options = {
  ...library,
  entry: { admin: ENTRIES.admin },
  splitting: false,
};

// The testing toolkit (`auth0-force-password-reset/testing`) is built apart too: it checks connection
// options with the same option checks as the page, and a module shared with the Actions' entry
// becomes a chunk the gate then loads at every cold start (measured: 5 files instead of 3).
const testing: Options = {
  ...library,
  entry: { testing: ENTRIES.testing },
  splitting: false,
};

// The change-password page (`auth0-force-password-reset/page`) is hosted by the company, not run in
// an Action: built apart like the administrator tools, for the same reason.
const page: Options = {
  ...library,
  entry: { page: ENTRIES.page },
  splitting: false,
};

// Auth0's own types (`auth0-force-password-reset/auth0-types`): declarations only — the entry's code is
// empty, and is there so that the subpath resolves in every loader and resolution. Built apart, so that
// no chunk is shared with the main entry (its declarations are one file of their own in any case).
const auth0Types: Options = {
  ...library,
  entry: { 'auth0-types': ENTRIES['auth0-types'] },
  splitting: false,
};

// The `auth0-force-password-reset` bin: one self-contained ESM file (its `#!` line comes from the
// source, and tsup makes it executable), loading `auth0` lazily like the library.
const cli: Options = {
  ...library,
  entry: { cli: 'src/cli/main.ts' },
  format: ['esm'],
  splitting: false,
};

export default defineConfig((overrides) => {
  if (overrides.watch === undefined || overrides.watch === false) rmSync('dist', { recursive: true, force: true });
  mkdirSync('dist', { recursive: true });
  for (const [file, source] of Object.entries(commonPasswordModules())) writeFileSync(`dist/${file}`, source);
  return [library, auth0Types, testing, admin, page, cli];
});
