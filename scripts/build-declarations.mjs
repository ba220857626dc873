// The package's declarations (dist/*.d.ts and dist/*.d.cts), from one TypeScript program.
//
// tsup's `dts` builds each entry's declarations in a program of its own: five entries, five programs over
// mostly the same files, ~37 s of CPU on a 2-core machine — the largest part of a cold build. Here one
// program checks src/ and writes every file's declarations (TypeScript's own emit), then rollup-plugin-dts
// (the version tsup bundles) rolls each entry's up into one file of its own, as tsup did: no declaration
// chunk shared between entries, the same text in .d.ts and .d.cts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import ts from 'typescript';
import { ENTRIES } from './entries.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** TypeScript diagnostics as tsc prints them: file (relative to `root`), line, column, code and message. */
function formatDiagnostics(diagnostics, root) {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
}

/**
 * The declarations of every entry (`entries`, by default the package's) of the project in `root`: a map
 * from each file's name in dist/ (`index.d.ts`, `index.d.cts`, …) to its text. Nothing is written to
 * dist/: tsup empties it as it starts, so scripts/build.mjs writes these once tsup is done. Rejects, with
 * tsc's messages, when src/ has a type error: a release is never built from code that does not check.
 */
export async function buildDeclarations(root = ROOT, entries = ENTRIES) {
  const configPath = join(root, 'tsconfig.json');
  const fail = (diagnostics) => {
    throw new Error(`the declarations were not built: ${configPath} is not usable\n${formatDiagnostics(diagnostics, root)}`);
  };
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => fail([diagnostic]) });
  if (config.errors.length > 0) fail(config.errors);
  // Outside node_modules: TypeScript takes a file under it for a library's, and the roll-up would leave its
  // imports as they are.
  const emitted = mkdtempSync(join(tmpdir(), 'afpr-declarations-'));
  try {
    return await emitAndRollUp(root, config, emitted, entries);
  } finally {
    rmSync(emitted, { recursive: true, force: true });
  }
}

/** Emits every declaration into `emitted`, then rolls each entry's up; the map of buildDeclarations. */
async function emitAndRollUp(root, config, emitted, entries) {
  const options = {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    incremental: false,
    composite: false,
    rootDir: join(root, 'src'),
    outDir: emitted,
  };
  const program = ts.createProgram({
    rootNames: Object.values(entries).map((source) => join(root, source)),
    options,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) throw new Error(`the declarations were not built: src/ has type errors\n${formatDiagnostics(diagnostics, root)}`);
  const { diagnostics: emitDiagnostics } = program.emit(undefined, undefined, undefined, true);
  if (emitDiagnostics.length > 0) throw new Error(`the declarations were not built\n${formatDiagnostics(emitDiagnostics, root)}`);

  const files = new Map();
  await Promise.all(
    Object.entries(entries).map(async ([name, source]) => {
      const input = join(emitted, relative('src', source).replace(/\.ts$/, '.d.ts'));
      const bundle = await rollup({
        input,
        // Only our own files are rolled up: `auth0` and node:* stay imports.
        external: (id) => !id.startsWith('.') && !id.startsWith('/'),
        plugins: [dts({ compilerOptions: { ...options, noEmit: true } })],
        onwarn(warning, warn) {
          if (warning.code === 'UNRESOLVED_IMPORT' || warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'EMPTY_BUNDLE') return;
          warn(warning);
        },
      });
      const { output } = await bundle.generate({ format: 'es' });
      await bundle.close();
      if (output.length !== 1) throw new Error(`the declarations of ${name} were split into ${output.length} files, expected one`);
      for (const extension of ['.d.ts', '.d.cts']) files.set(`${name}${extension}`, output[0].code);
    }),
  );
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Alone (scripts/build.mjs runs it beside tsup): writes the files into dist/.
  const started = performance.now();
  const files = await buildDeclarations();
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (const [name, code] of files) writeFileSync(join(ROOT, 'dist', name), code);
  console.log(`${files.size} declaration files in dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
