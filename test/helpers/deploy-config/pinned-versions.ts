import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { PACKAGE_NAME, ROOT } from './paths.js';

export interface PinnedVersion {
  /** Path relative to the repository root, and 1-based line. */
  file: string;
  line: number;
  /** The version (or version spec) pinned for the package there. */
  version: string;
  /** How it was found. */
  how: 'package.json' | 'same line' | 'name/version pair';
}

const TEXT_EXTENSIONS = new Set([
  '.cjs',
  '.js',
  '.json',
  '.md',
  '.mjs',
  '.mts',
  '.cts',
  '.ts',
  '.tf',
  '.tfvars',
  '.tftpl',
  '.yaml',
  '.yml',
]);
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.terraform', '.git']);
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

const NAME = PACKAGE_NAME.replace(/[-]/g, '\\-');
/** The package name, then on the same line (within 40 characters) a version: `pkg@1.2.3`, `"pkg": "^1.2.3"`, `pkg`, version `1.2.3`. */
const SAME_LINE = new RegExp(
  `${NAME}(?![\\w-])[^\\n]{0,40}?(?<![\\w.])(\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?)`,
  'g',
);
/** YAML / HCL / JSON blocks: a `name` line for the package next to a `version` line, in either order. */
const NAME_LINE = `["']?name["']?\\s*[:=]\\s*["']?${NAME}["']?`;
const VERSION_LINE = `["']?version["']?\\s*[:=]\\s*["']?([^"'\\s,}]+)["']?`;
const NAME_THEN_VERSION = new RegExp(`${NAME_LINE}[,\\s]*\\n\\s*(?:-\\s*)?${VERSION_LINE}`, 'g');
const VERSION_THEN_NAME = new RegExp(`${VERSION_LINE}[,\\s]*\\n\\s*(?:-\\s*)?${NAME_LINE}`, 'g');
/** A literal version or range; anything else (`local.x`, `@@KEY@@`, `${…}`) is resolved by the structured checks. */
const LOOKS_LIKE_VERSION = /^[\^~=v<>]*\d/;

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every pin of the package found in one file's text. */
export function findPinnedVersions(file: string, text: string): PinnedVersion[] {
  const found: PinnedVersion[] = [];
  const seen = new Set<string>();
  const add = (pin: PinnedVersion): void => {
    const key = `${pin.line}:${pin.version}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push(pin);
  };

  if (basename(file) === 'package.json') {
    const pkg = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
    for (const field of DEPENDENCY_FIELDS) {
      const spec = pkg[field]?.[PACKAGE_NAME];
      if (spec === undefined) continue;
      // file:, link:, workspace: and git specs point at a copy of the package, not at a published version.
      if (/^(file|link|workspace|git\+?[a-z]*|github):/.test(spec)) continue;
      const index = text.indexOf(`"${PACKAGE_NAME}"`);
      add({ file, line: lineOf(text, index), version: spec, how: 'package.json' });
    }
  }
  for (const match of text.matchAll(SAME_LINE)) {
    add({ file, line: lineOf(text, match.index), version: match[1] ?? '', how: 'same line' });
  }
  for (const pattern of [NAME_THEN_VERSION, VERSION_THEN_NAME]) {
    for (const match of text.matchAll(pattern)) {
      const version = match[1] ?? '';
      if (!LOOKS_LIKE_VERSION.test(version)) continue;
      add({ file, line: lineOf(text, match.index), version, how: 'name/version pair' });
    }
  }
  return found;
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* walk(join(dir, entry.name));
    } else if (entry.isFile() && TEXT_EXTENSIONS.has(extname(entry.name))) {
      yield join(dir, entry.name);
    }
  }
}

/** Every pin of the package in the text files under `dir`. */
export function scanPinnedVersions(dir: string): PinnedVersion[] {
  const pins: PinnedVersion[] = [];
  for (const path of walk(dir)) {
    pins.push(...findPinnedVersions(relative(ROOT, path), readFileSync(path, 'utf8')));
  }
  return pins;
}
