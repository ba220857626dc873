#!/usr/bin/env node
// The public names of each entry of the package, read from the built declaration files (dist/*.d.ts)
// with the TypeScript compiler: what a user's editor offers after `import { … } from '<entry>'`.
//
//   node scripts/public-exports.mjs                a table: the count per entry, values and types apart
//   node scripts/public-exports.mjs --names        every entry's names, one a line
//   node scripts/public-exports.mjs --shared       the names more than one entry exports, and whether
//                                                  their declarations read the same
//   node scripts/public-exports.mjs --json         { [entry]: { values: [...], types: [...], namespaces: [...] } }
//   … --root <dir>                                 another checkout's dist/ (a before/after comparison)
//
// `test/package/public-exports.test.ts` pins what it reads.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Required, not imported: an `import` of TypeScript's 9 MB CommonJS file has Node scan all of it for its
// export names first (0.6 s more here, in each test worker that reads the entries).
const ts = createRequire(import.meta.url)('typescript');

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each subpath of `package.json`'s `exports`, and the declaration file its `import` condition names. */
export const ENTRY_DECLARATIONS = {
  '.': 'dist/index.d.ts',
  './auth0-types': 'dist/auth0-types.d.ts',
  './testing': 'dist/testing.d.ts',
  './admin': 'dist/admin.d.ts',
  './page': 'dist/page.d.ts',
};

/** What `readEntries` read, by root: one compiler program per checkout, however many questions. */
const entriesByRoot = new Map();

/** Every entry whose declaration file exists under `root`, read by one compiler program (once). */
function readEntries(root) {
  if (!entriesByRoot.has(root)) entriesByRoot.set(root, readEntriesOnce(root));
  return entriesByRoot.get(root);
}

function readEntriesOnce(root) {
  const entries = Object.entries(ENTRY_DECLARATIONS)
    .map(([entry, file]) => [entry, join(root, file)])
    .filter(([, file]) => existsSync(file));
  const program = ts.createProgram(
    entries.map(([, file]) => file),
    { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
  );
  const checker = program.getTypeChecker();
  return entries.map(([entry, file]) => {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${file}: not a module`);
    const exported = checker.getExportsOfModule(module).map((symbol) => ({
      name: symbol.name,
      symbol: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    }));
    return { entry, exported };
  });
}

/**
 * The exported names of every entry whose declaration file exists under `root`, values (what exists at
 * run time: functions, classes, constants) and types (interfaces and type aliases) apart, sorted.
 * A class is a value; a namespace counts as one name of its own kind.
 */
export function publicExports(root = ROOT) {
  const result = {};
  for (const { entry, exported } of readEntries(root)) {
    const values = [];
    const types = [];
    const namespaces = [];
    for (const { name, symbol } of exported) {
      if (symbol.flags & ts.SymbolFlags.Value) values.push(name);
      else if (symbol.flags & ts.SymbolFlags.Namespace) namespaces.push(name);
      else types.push(name);
    }
    result[entry] = { values: values.sort(), types: types.sort(), namespaces: namespaces.sort() };
  }
  return result;
}

/**
 * The names that more than one entry exports, each with those entries and whether the declarations
 * read the same in all of them (each entry's declaration file carries its own copy, so "the same type"
 * is "the same text"; the bundler's `$1` suffixes on renamed references are ignored). Two different
 * declarations under one name are two public types with one name.
 */
export function sharedNames(root = ROOT) {
  const byName = new Map();
  for (const { entry, exported } of readEntries(root)) {
    for (const { name, symbol } of exported) {
      const text = (symbol.declarations ?? [])
        .map((declaration) => declaration.getText().replace(/\$\d+\b/g, '').replace(/\s+/g, ' '))
        .join('\n');
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name).push({ entry, text });
    }
  }
  return [...byName]
    .filter(([, copies]) => copies.length > 1)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, copies]) => ({
      name,
      entries: copies.map(({ entry }) => entry),
      same: copies.every(({ text }) => text === copies[0].text),
    }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rootAt = process.argv.indexOf('--root');
  const root = rootAt === -1 ? ROOT : resolve(process.argv[rootAt + 1] ?? '.');
  if (process.argv.includes('--shared')) {
    for (const { name, entries, same } of sharedNames(root)) {
      console.log(`${same ? 'same     ' : 'DIFFERENT'}  ${name}  (${entries.join(' ')})`);
    }
  } else if (process.argv.includes('--json')) {
    console.log(JSON.stringify(publicExports(root), null, 2));
  } else if (process.argv.includes('--names')) {
    for (const [entry, { values, types, namespaces }] of Object.entries(publicExports(root))) {
      console.log(`${entry}`);
      for (const name of values) console.log(`  value      ${name}`);
      for (const name of namespaces) console.log(`  namespace  ${name}`);
      for (const name of types) console.log(`  type       ${name}`);
    }
  } else {
    const exports = publicExports(root);
    console.log('| entry | exports | values | types | namespaces |');
    console.log('| --- | --- | --- | --- | --- |');
    let total = 0;
    for (const [entry, { values, types, namespaces }] of Object.entries(exports)) {
      const count = values.length + types.length + namespaces.length;
      total += count;
      console.log(`| \`${entry}\` | ${count} | ${values.length} | ${types.length} | ${namespaces.length} |`);
    }
    console.log(`| all | ${total} | | | |`);
  }
}
