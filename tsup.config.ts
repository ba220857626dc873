import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // zod is a devDependency on purpose: it is bundled and tree-shaken (zod/mini), so the gate
  // costs milliseconds to load. `auth0` is a dependency and stays external; only the clearer
  // loads it, lazily.
  noExternal: ['zod'],
  external: ['auth0'],
  // Split so the Management API code is a separate chunk that only the clearer loads, lazily.
  splitting: true,
  // Minified: the gate's whole load is zod/mini plus our gate code, under 30 KB. Error classes set
  // `name` explicitly, and every message says where it comes from, so nothing relies on identifiers.
  minify: true,
  treeshake: true,
  sourcemap: false,
  // Lazy loads of our own chunks stay `import()` in both builds (Node imports a CommonJS chunk from
  // CommonJS fine), so the gate's load needs no interop helpers; `auth0` itself is loaded with
  // `module.require` in the CommonJS build (see management-session.ts), as Auth0 runs Actions.
  define: { __PACKAGE_VERSION__: JSON.stringify(version) },
});
