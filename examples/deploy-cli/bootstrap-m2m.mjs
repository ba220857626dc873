// First import on a new tenant: creates only the M2M application and its Management API grant, so
// that its client id and secret exist before the post-change-password Action's secrets refer to them.
//   AUTH0_CLIENT_SECRET=<the Deploy CLI's own secret> node bootstrap-m2m.mjs dev
// Needs auth0-deploy-cli installed in this repo (npm install -D auth0-deploy-cli).
import { fileURLToPath } from 'node:url';
import { deploy } from 'auth0-deploy-cli';

const tenant = process.argv[2];
if (!tenant) {
  console.error('usage: node bootstrap-m2m.mjs <dev|staging|prod>');
  process.exit(2);
}

await deploy({
  input_file: fileURLToPath(new URL('./tenant.yaml', import.meta.url)),
  config_file: fileURLToPath(new URL(`./config.${tenant}.json`, import.meta.url)),
  env: true, // as the CLI does by default: the environment supplies AUTH0_CLIENT_SECRET
  config: { AUTH0_INCLUDED_ONLY: ['clients', 'clientGrants'] },
});
