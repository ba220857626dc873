// What the build and `npm test` share about the project's files: how to list them, and where to keep what
// they know between runs (the build's stamp, the declarations, the type-check's state). A module of its
// own: scripts/build.mjs imports scripts/build-declarations.mjs, and an import back would wait on
// build.mjs's own top-level await.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The folder for what is kept between runs, under `root`: in node_modules/.cache, so `npm ci` empties it. */
export const cacheDirOf = (root) => join(root, 'node_modules', '.cache', 'auth0-force-password-reset');

/** Every file under `path` (or `path` itself), sorted, relative to `root`. */
export function filesOf(root, path) {
  const absolute = join(root, path);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [path];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** Writes `text` to `path` whole, then renames it into place: a run going on at the same time reads the old file or this one. */
export function writeFileWhole(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}
