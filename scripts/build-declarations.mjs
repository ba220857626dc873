// The package's declarations (dist/*.d.ts and dist/*.d.cts), without a TypeScript program.
//
// src/ states the type of everything it exports (TypeScript's `isolatedDeclarations`), so each file's
// declarations come from that file alone (`ts.transpileDeclaration`), where a program that resolves and
// checks every import took 5–6 s (and tsup's `dts`, one program per entry, ~37 s of CPU). Whether the
// code type-checks is tsc's question: `npm test` runs it beside the tests, and `prepack` before a release
// is packed. Then rollup-plugin-dts (the version tsup bundles) rolls each entry's declarations up into one
// file of its own, as tsup did: no declaration chunk shared between entries, the same text in .d.ts and
// .d.cts.
//
// Each file's declarations and the rolled-up result are kept in node_modules/.cache (which `npm ci`
// empties), by content: after an edit, only the edited files are transpiled again, and when their
// declarations did not change (an edit inside a function), nothing is rolled up again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDirOf, filesOf, writeFileWhole } from './project-files.mjs';
import { ENTRIES } from './entries.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = fileURLToPath(import.meta.url);
/** Where the last build's declarations are kept, under `root`. */
export const declarationsCachePathOf = (root) => join(cacheDirOf(root), 'declarations.json');

let typescript;
/**
 * TypeScript, loaded when a file has to be transpiled. Required, not imported: an `import` of its 9 MB
 * CommonJS file has Node scan all of it for its export names first (0.4–0.6 s here).
 */
const ts = () => (typescript ??= createRequire(import.meta.url)('typescript'));

const sha256 = (...texts) => {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(text).update('\0');
  return hash.digest('hex');
};

/** TypeScript diagnostics as tsc prints them: file (relative to `root`), line, column, code and message. */
function formatDiagnostics(diagnostics, root) {
  return ts().formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
}

/** The compiler options of `root`'s tsconfig.json, for declarations alone. */
function declarationOptions(root) {
  const configPath = join(root, 'tsconfig.json');
  const fail = (diagnostics) => {
    throw new Error(`the declarations were not built: ${configPath} is not usable\n${formatDiagnostics(diagnostics, root)}`);
  };
  const config = ts().getParsedCommandLineOfConfigFile(configPath, {}, { ...ts().sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail([diagnostic]) });
  if (config.errors.length > 0) fail(config.errors);
  return { ...config.options, noEmit: false, declaration: true, emitDeclarationOnly: true, declarationMap: false, isolatedDeclarations: true };
}

/**
 * What the cache is valid for: this script, the TypeScript config, and the lockfile (the versions of
 * TypeScript and rollup-plugin-dts). A cache made under another of them is ignored.
 */
function cacheKeyOf(root) {
  const read = (file) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : '');
  return sha256(readFileSync(SCRIPT, 'utf8'), read('tsconfig.json'), read('package-lock.json'));
}

function readCache(root, key) {
  try {
    const cache = JSON.parse(readFileSync(declarationsCachePathOf(root), 'utf8'));
    if (cache.key === key && typeof cache.files === 'object' && cache.files !== null) return cache;
  } catch {
    // None yet, or unreadable: built from scratch.
  }
  return { key, files: {}, rolledUp: undefined };
}

const writeCache = (root, cache) => writeFileWhole(declarationsCachePathOf(root), JSON.stringify(cache));

const TYPESCRIPT_FILE = /\.[cm]?ts$/;

/**
 * The TypeScript files of `root`'s src/ (of `files`, its files from `root`), in a stable order: each
 * one's absolute `path`, its `name` from `root`, its `text`, and whether it is a declaration file
 * (`.d.ts`, already what the build needs).
 */
function sourceFilesOf(root, files = filesOf(root, 'src')) {
  return files
    .filter((name) => TYPESCRIPT_FILE.test(name))
    .map((name) => ({ path: join(root, name), name, text: readFileSync(join(root, name), 'utf8'), isDeclarationFile: /\.d\.[cm]?ts$/.test(name) }));
}

/**
 * The declarations of every entry (`entries`, by default the package's) of the project in `root`: a map
 * from each file's name in dist/ (`index.d.ts`, `index.d.cts`, …) to its text. Nothing is written to
 * dist/: tsup empties it as it starts, so scripts/build.mjs writes these once tsup is done. Rejects, with
 * tsc's messages, when a file of src/ exports something whose type it does not state (TS9007, TS9010…:
 * its declarations would need the type checker).
 */
export async function buildDeclarations(root = ROOT, entries = ENTRIES) {
  const cache = readCache(root, cacheKeyOf(root));
  /** Each file's declarations, by its path with `.d.ts` (`.d.cts`, `.d.mts`) for `.ts`. */
  const declarations = new Map();
  const files = {};
  const diagnostics = [];
  let options;
  for (const { path, name, text, isDeclarationFile } of sourceFilesOf(root)) {
    if (isDeclarationFile) {
      declarations.set(path, text);
    } else {
      const source = sha256(text);
      let declaration = cache.files[name]?.source === source ? cache.files[name].declaration : undefined;
      if (declaration === undefined) {
        options ??= declarationOptions(root);
        const output = ts().transpileDeclaration(text, { fileName: path, compilerOptions: options, reportDiagnostics: true });
        diagnostics.push(...output.diagnostics);
        if (output.diagnostics.length > 0) continue;
        declaration = output.outputText;
      }
      files[name] = { source, declaration };
      declarations.set(path.replace(/\.([cm]?)ts$/, '.d.$1ts'), declaration);
    }
  }
  if (diagnostics.length > 0) {
    writeCache(root, { ...cache, files });
    // TS9xxx: an export whose type its file does not state; anything else (a syntax error) speaks for itself.
    const why = diagnostics.every(({ code }) => code >= 9000 && code < 10_000) ? 'every export of src/ must state its type (isolatedDeclarations)' : 'src/ has errors';
    throw new Error(`the declarations were not built: ${why}\n${formatDiagnostics(diagnostics, root)}`);
  }

  const rolledUpKey = sha256(JSON.stringify(entries), ...[...declarations].flat());
  const rolledUp = cache.rolledUp?.key === rolledUpKey ? cache.rolledUp.entries : await rollUp(root, entries, declarations);
  writeCache(root, { key: cache.key, files, rolledUp: { key: rolledUpKey, entries: rolledUp } });
  const result = new Map();
  for (const [name, text] of Object.entries(rolledUp)) {
    for (const extension of ['.d.ts', '.d.cts']) result.set(`${name}${extension}`, text);
  }
  return result;
}

/**
 * A digest of the declarations of every file of `root`'s src/ as they are now, from what the last build
 * kept: what the rest of the project can see of src/ (with `isolatedDeclarations`, a file's declarations
 * are exactly the types the checker gives its exports). `undefined` when the last build did not take
 * every file as it is now (one edited since, one new), or kept nothing, or when src/ holds a file that is
 * not TypeScript (a JSON module's type reaches its importers without any declaration).
 */
export function declarationsDigest(root) {
  const files = filesOf(root, 'src');
  if (files.some((name) => !TYPESCRIPT_FILE.test(name))) return undefined;
  const cache = readCache(root, cacheKeyOf(root));
  const texts = [];
  for (const { name, text, isDeclarationFile } of sourceFilesOf(root, files)) {
    if (isDeclarationFile) {
      texts.push(name, text);
    } else {
      const kept = cache.files[name];
      if (kept === undefined || kept.source !== sha256(text)) return undefined;
      texts.push(name, kept.declaration);
    }
  }
  return sha256(...texts);
}

/** Each entry's declarations rolled up into one text, from `declarations` (by path, in memory). */
async function rollUp(root, entries, declarations) {
  const [{ rollup }, { dts }] = await Promise.all([import('rollup'), import('rollup-plugin-dts')]);
  /** Our own imports (`./x.js`, which TypeScript resolves to `./x.ts` or `./x.d.ts`), from `declarations`. */
  const inMemory = {
    name: 'declarations-in-memory',
    resolveId(source, importer) {
      if (importer === undefined) return declarations.has(source) ? source : null;
      if (!source.startsWith('.')) return null;
      const path = join(dirname(importer), source).replace(/\.([cm]?)js$/, '.d.$1ts');
      return declarations.has(path) ? path : null;
    },
    load: (id) => declarations.get(id) ?? null,
  };
  const rolledUp = {};
  await Promise.all(
    Object.entries(entries).map(async ([name, source]) => {
      const bundle = await rollup({
        input: join(root, source).replace(/\.ts$/, '.d.ts'),
        // Only our own files are rolled up: `auth0` and node:* stay imports.
        external: (id) => !id.startsWith('.') && !id.startsWith('/'),
        plugins: [inMemory, dts()],
        onwarn(warning, warn) {
          if (warning.code === 'UNRESOLVED_IMPORT' || warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'EMPTY_BUNDLE') return;
          warn(warning);
        },
      });
      const { output } = await bundle.generate({ format: 'es' });
      await bundle.close();
      if (output.length !== 1) throw new Error(`the declarations of ${name} were split into ${output.length} files, expected one`);
      rolledUp[name] = output[0].code;
    }),
  );
  // In the entries' order, whatever order the roll-ups finished in.
  return Object.fromEntries(Object.keys(entries).map((name) => [name, rolledUp[name]]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Alone (scripts/build.mjs runs it beside tsup): writes the files into dist/.
  const started = performance.now();
  const files = await buildDeclarations();
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (const [name, code] of files) writeFileSync(join(ROOT, 'dist', name), code);
  console.log(`${files.size} declaration files in dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
