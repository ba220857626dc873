#!/usr/bin/env node
// Pins every example in examples/ to the package's version. `npm version <patch|minor|major>` runs
// it (the "version" script), so the examples move with package.json in the same commit; the tests
// fail if they ever differ.
//   node examples/pin-version.mjs [version] [examples-dir]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'auth0-force-password-reset';
const here = dirname(fileURLToPath(import.meta.url));
const version = process.argv[2] ?? JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')).version;
const root = process.argv[3] ?? here;
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  console.error(`pin-version: "${version}" is not an exact version`);
  process.exit(1);
}

const SKIP = new Set(['node_modules', 'dist', '.terraform']);
function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (/\.(json|ya?ml|tf|md)$/.test(entry.name)) yield path;
  }
}

const name = PACKAGE.replace(/-/g, '\\-');
const rules = [
  // package.json: "auth0-force-password-reset": "<version>"
  [new RegExp(`("${name}"\\s*:\\s*")[^"]+(")`, 'g'), `$1${version}$2`],
  // tenant.yaml: - name: auth0-force-password-reset \n version: <version>
  [new RegExp(`(name:\\s*['"]?${name}['"]?\\s*\\n\\s*version:\\s*['"]?)[^'"\\s]+`, 'g'), `$1${version}`],
  // main.tf: force_password_reset_version = "<version>"
  [/(force_password_reset_version\s*=\s*")[^"]+(")/g, `$1${version}$2`],
  // prose and commands: auth0-force-password-reset@<version>
  [new RegExp(`(${name}@)\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?`, 'g'), `$1${version}`],
];

let changed = 0;
for (const file of files(root)) {
  const before = readFileSync(file, 'utf8');
  const after = rules.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), before);
  if (after !== before) {
    writeFileSync(file, after);
    changed += 1;
    console.log(`pin-version: ${relative(process.cwd(), file)} → ${version}`);
  }
}
console.log(`pin-version: ${changed} file(s) updated to ${PACKAGE}@${version}`);
