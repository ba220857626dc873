// The package's entries with declarations: each one's name in dist/ and its source. tsup.config.ts
// builds their code from these, scripts/build-declarations.mjs their declarations; the bin
// (src/cli/main.ts → dist/cli.js) is the one entry without declarations.
export const ENTRIES = {
  index: 'src/index.ts',
  'auth0-types': 'src/auth0/index.ts',
  testing: 'src/testing/index.ts',
  admin: 'src/admin/index.ts',
  page: 'src/page/index.ts',
};
