import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDeclarations, declarationsCachePathOf, declarationsDigest } from '../../scripts/build-declarations.mjs';
import { inputsHash, isStale, writeStamp } from '../../scripts/build.mjs';
import { typecheckHashes, typecheckScope, writeSrcTsconfig } from '../../scripts/test.mjs';

/** A project folder with sources and a dist/, as after a build; returns its path. */
function builtProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'afpr-build-stamp-'));
  mkdirSync(join(root, 'src', 'gate'), { recursive: true });
  writeFileSync(join(root, 'src', 'index.ts'), 'export * from "./gate/index.js";\n');
  writeFileSync(join(root, 'src', 'gate', 'index.ts'), 'export const gate = 1;\n');
  writeFileSync(join(root, 'package.json'), '{ "version": "0.2.0" }\n');
  writeFileSync(join(root, 'tsup.config.ts'), 'export default {};\n');
  mkdirSync(join(root, 'scripts'));
  writeFileSync(join(root, 'scripts', 'generate.ts'), 'export const generated = 1;\n');
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'index.js'), 'export const gate = 1;\n');
  writeStamp(root, inputsHash(root));
  return root;
}

describe('scripts/build.mjs --if-stale: when dist/ is rebuilt', () => {
  it('not after a build, nor when a source is only touched (a git checkout back and forth)', () => {
    const root = builtProject();
    expect(isStale(root)).toBe(false);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'gate', 'index.ts'), later, later);
    expect(isStale(root)).toBe(false);
  });

  it('when a source, the build config, a script it imports or package.json (the version) changed, or a source was added', () => {
    for (const change of [
      (root: string) => writeFileSync(join(root, 'src', 'gate', 'index.ts'), 'export const gate = 2;\n'),
      (root: string) => writeFileSync(join(root, 'tsup.config.ts'), 'export default { minify: false };\n'),
      (root: string) => writeFileSync(join(root, 'package.json'), '{ "version": "0.3.0" }\n'),
      (root: string) => writeFileSync(join(root, 'src', 'gate', 'new.ts'), 'export {};\n'),
      (root: string) => writeFileSync(join(root, 'scripts', 'generate.ts'), 'export const generated = 2;\n'),
    ]) {
      const root = builtProject();
      change(root);
      expect(isStale(root)).toBe(true);
    }
  });

  it('when dist/ was changed or deleted since, or no build left a stamp', () => {
    const edited = builtProject();
    writeFileSync(join(edited, 'dist', 'index.js'), 'export const gate = "edited by hand";\n');
    expect(isStale(edited)).toBe(true);

    const deleted = builtProject();
    rmSync(join(deleted, 'dist'), { recursive: true });
    expect(isStale(deleted)).toBe(true);

    const neverBuilt = builtProject();
    rmSync(join(neverBuilt, 'node_modules'), { recursive: true });
    expect(isStale(neverBuilt)).toBe(true);
  });
});

describe('inputsHash with inputs of its own (what `npm test` hashes to skip an unneeded type-check)', () => {
  it('changes with a file of those inputs, and with nothing else', () => {
    const root = builtProject();
    mkdirSync(join(root, 'test'));
    writeFileSync(join(root, 'test', 'a.test.ts'), 'export {};\n');
    const inputs = ['test', 'tsup.config.ts'];
    const before = inputsHash(root, inputs);
    expect(inputsHash(root, inputs)).toBe(before);
    // Outside the inputs: the same hash.
    writeFileSync(join(root, 'src', 'gate', 'index.ts'), 'export const gate = 3;\n');
    expect(inputsHash(root, inputs)).toBe(before);
    // A file of the inputs edited, added, or renamed: another hash each time.
    writeFileSync(join(root, 'test', 'a.test.ts'), 'export const a = 1;\n');
    const edited = inputsHash(root, inputs);
    expect(edited).not.toBe(before);
    writeFileSync(join(root, 'test', 'b.test.ts'), 'export {};\n');
    expect(inputsHash(root, inputs)).not.toBe(edited);
  });
});

describe('scripts/build-declarations.mjs: every entry’s declarations, each file’s from that file alone', () => {
  /** A project with two entries that share a module, and a tsconfig like the package's. */
  function twoEntries(shared: string): string {
    const root = mkdtempSync(join(tmpdir(), 'afpr-declarations-test-'));
    mkdirSync(join(root, 'src', 'admin'), { recursive: true });
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', target: 'ES2022', lib: ['ES2022'], noEmit: true, types: [] }, include: ['src'] }));
    writeFileSync(join(root, 'src', 'shared.ts'), shared);
    writeFileSync(join(root, 'src', 'index.ts'), "export { type Shared, share } from './shared.js';\nexport const one = 1;\n");
    writeFileSync(join(root, 'src', 'admin', 'index.ts'), "export { share } from '../shared.js';\nexport const two: number = 2;\n");
    return root;
  }
  const ENTRIES = { index: 'src/index.ts', admin: 'src/admin/index.ts' };
  const SHARED = '/** Shared by both. */\nexport interface Shared { a: string }\nexport function share(value: Shared): string { return value.a; }\n';

  it('writes each entry as one self-contained file, the same text for .d.ts and .d.cts', { timeout: 60_000 }, async () => {
    const files = await buildDeclarations(twoEntries(SHARED), ENTRIES);
    expect([...files.keys()].sort()).toEqual(['admin.d.cts', 'admin.d.ts', 'index.d.cts', 'index.d.ts']);
    expect(files.get('index.d.cts')).toBe(files.get('index.d.ts'));
    // The shared module is in each entry's file, not imported from a chunk or the sources.
    for (const name of ['index.d.ts', 'admin.d.ts']) {
      expect(files.get(name)).toContain('declare function share(value: Shared): string;');
      expect(files.get(name)).not.toMatch(/from '\.\.?\//);
    }
    expect(files.get('index.d.ts')).toContain('/** Shared by both. */');
    expect(files.get('admin.d.ts')).toContain('declare const two: number;');
  });

  it('refuses an export whose type the file does not state, naming the file and the line', { timeout: 60_000 }, async () => {
    const root = twoEntries("export interface Shared { a: string }\nexport const share = (value: Shared) => value.a;\n");
    await expect(buildDeclarations(root, ENTRIES)).rejects.toThrow(/src\/shared\.ts\(2,\d+\): error TS9007/);
  });

  it('builds from the files as they are now, whatever the last build kept: an edit, a new file, a fixed error', { timeout: 60_000 }, async () => {
    const root = twoEntries(SHARED);
    const first = await buildDeclarations(root, ENTRIES);
    expect(existsSync(declarationsCachePathOf(root))).toBe(true);
    // The same sources: the same files, from what the first build kept.
    expect(await buildDeclarations(root, ENTRIES)).toEqual(first);

    // An edit inside a function: the same declarations.
    writeFileSync(join(root, 'src', 'shared.ts'), SHARED.replace('return value.a;', 'return value.a.trim();'));
    expect(await buildDeclarations(root, ENTRIES)).toEqual(first);

    // A changed declaration, and one from a new module.
    writeFileSync(join(root, 'src', 'shared.ts'), `${SHARED.replace('a: string', 'a: string; b?: number')}export { extra } from './extra.js';\n`);
    writeFileSync(join(root, 'src', 'extra.ts'), 'export const extra: boolean = true;\n');
    writeFileSync(join(root, 'src', 'index.ts'), "export { type Shared, share, extra } from './shared.js';\nexport const one = 1;\n");
    const second = await buildDeclarations(root, ENTRIES);
    expect(second.get('index.d.ts')).toContain('b?: number;');
    expect(second.get('index.d.ts')).toContain('declare const extra: boolean;');

    // An error in a file the last build took: refused, then built once it is fixed.
    writeFileSync(join(root, 'src', 'extra.ts'), 'export const extra = [true].length > 0;\n');
    await expect(buildDeclarations(root, ENTRIES)).rejects.toThrow(/src\/extra\.ts\(1,\d+\): error TS9010/);
    writeFileSync(join(root, 'src', 'extra.ts'), 'export const extra: boolean = [true].length > 0;\n');
    expect(await buildDeclarations(root, ENTRIES)).toEqual(second);
  });

  it('digests what the rest of a project sees of src/: the same after an edit inside a function, not after one to a declaration', { timeout: 60_000 }, async () => {
    const root = twoEntries(SHARED);
    // Nothing built yet: nothing to vouch for src/.
    expect(declarationsDigest(root)).toBeUndefined();
    await buildDeclarations(root, ENTRIES);
    const built = declarationsDigest(root);
    expect(built).toMatch(/^[0-9a-f]{64}$/);

    writeFileSync(join(root, 'src', 'shared.ts'), SHARED.replace('return value.a;', 'return value.a.trim();'));
    // Edited since the last build: not vouched for until a build takes it.
    expect(declarationsDigest(root)).toBeUndefined();
    await buildDeclarations(root, ENTRIES);
    expect(declarationsDigest(root)).toBe(built);

    writeFileSync(join(root, 'src', 'shared.ts'), SHARED.replace('value: Shared): string', 'value: Shared, trim = false): string'));
    await buildDeclarations(root, ENTRIES);
    expect(declarationsDigest(root)).not.toBe(built);

    // A new file is a new declaration, once built.
    writeFileSync(join(root, 'src', 'shared.ts'), SHARED);
    await buildDeclarations(root, ENTRIES);
    expect(declarationsDigest(root)).toBe(built);
    writeFileSync(join(root, 'src', 'unused.ts'), 'export {};\n');
    expect(declarationsDigest(root)).toBeUndefined();
    await buildDeclarations(root, ENTRIES);
    expect(declarationsDigest(root)).not.toBe(built);
  });
});

describe('scripts/test.mjs: how much of the project the type-check covers', () => {
  it('nothing when nothing changed, src/ alone when only src/ changed and not what the rest sees of it, else all', () => {
    expect(typecheckScope({ all: 'a', rest: 'r' }, { all: 'a', rest: 'r' })).toBe('none');
    expect(typecheckScope({ all: 'a', rest: 'r' }, { all: 'b', rest: 'r' })).toBe('src');
    expect(typecheckScope({ all: 'a', rest: 'r' }, { all: 'b', rest: 's' })).toBe('all');
    // Cannot be told (no digest): all.
    expect(typecheckScope({ all: 'a', rest: 'r' }, { all: 'b', rest: undefined })).toBe('all');
    // No clean check yet.
    expect(typecheckScope({}, { all: 'b', rest: 'r' })).toBe('all');
  });

  /** A project with src/ and test/, built once; returns its path. */
  async function builtWithTests(): Promise<string> {
    const root = mkdtempSync(join(tmpdir(), 'afpr-typecheck-scope-'));
    mkdirSync(join(root, 'src'));
    mkdirSync(join(root, 'test'));
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', target: 'ES2022', noEmit: true, types: [] }, include: ['src', 'test'] }));
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(root, 'src', 'index.ts'), 'export function twice(n: number): number { return n * 2; }\n');
    writeFileSync(join(root, 'test', 'index.test.ts'), "import { twice } from '../src/index.js';\nexport const four: number = twice(2);\n");
    await buildDeclarations(root, { index: 'src/index.ts' });
    return root;
  }

  it('checks src/ alone after an edit inside a function, and everything after any other change', { timeout: 60_000 }, async () => {
    const root = await builtWithTests();
    const clean = typecheckHashes(root);
    expect(clean.rest).toBeDefined();
    const scopeAfter = async (edit: () => void) => {
      edit();
      await buildDeclarations(root, { index: 'src/index.ts' });
      return typecheckScope(clean, typecheckHashes(root));
    };
    expect(await scopeAfter(() => undefined)).toBe('none');
    expect(await scopeAfter(() => writeFileSync(join(root, 'src', 'index.ts'), 'export function twice(n: number): number { return n + n; }\n'))).toBe('src');
    // What the tests see of src/ changed.
    expect(await scopeAfter(() => writeFileSync(join(root, 'src', 'index.ts'), 'export function twice(n: number): string { return `${n + n}`; }\n'))).toBe('all');
    writeFileSync(join(root, 'src', 'index.ts'), 'export function twice(n: number): number { return n * 2; }\n');
    // package.json, a test: outside src/.
    expect(await scopeAfter(() => writeFileSync(join(root, 'package.json'), '{ "type": "commonjs" }\n'))).toBe('all');
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
    expect(await scopeAfter(() => writeFileSync(join(root, 'test', 'more.test.ts'), 'export {};\n'))).toBe('all');
  });

  it('checks everything when a file outside src/ augments a module, or src/ holds a JSON module', { timeout: 60_000 }, async () => {
    const root = await builtWithTests();
    writeFileSync(join(root, 'test', 'augment.ts'), "declare module '../src/index.js' { export const extra: number; }\nexport {};\n");
    expect(typecheckHashes(root).rest).toBeUndefined();
    rmSync(join(root, 'test', 'augment.ts'));
    expect(typecheckHashes(root).rest).toBeDefined();
    writeFileSync(join(root, 'src', 'limits.json'), '{ "max": 1 }\n');
    expect(typecheckHashes(root).rest).toBeUndefined();
  });

  it('writes a tsconfig that checks src/ alone with the project’s options', { timeout: 60_000 }, async () => {
    const root = await builtWithTests();
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    const shown = JSON.parse(execFileSync(process.execPath, [tsc, '--showConfig', '-p', writeSrcTsconfig(root)], { cwd: root, encoding: 'utf8', timeout: 30_000 })) as {
      compilerOptions: { strict?: boolean };
      files: string[];
    };
    expect(shown.compilerOptions.strict).toBe(true);
    expect(shown.files.map((file) => file.replace(/^(\.\.\/)+/, ''))).toEqual(['src/index.ts']);
  });
});
