// Where the build and `npm test` keep what they know between runs (the build's stamp, the declarations,
// the type-check's state). Under node_modules/.cache, so `npm ci`, which empties node_modules, starts
// from a clean slate. A module of its own: scripts/build.mjs imports scripts/build-declarations.mjs, and
// an import back would wait on build.mjs's own top-level await.
import { join } from 'node:path';

/** The folder, under `root`. */
export const cacheDirOf = (root) => join(root, 'node_modules', '.cache', 'auth0-force-password-reset');
