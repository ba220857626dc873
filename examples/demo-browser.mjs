/**
 * `npm run demo:browser`: the inline password change, for you to click through in your own browser —
 * a local application, a local stand-in for an Auth0 tenant (its sign-in form, the post-login gate with
 * `changePasswordPage`, `/continue`, the clearer) and the change-password page, all on 127.0.0.1.
 * No Auth0 account, nothing to configure. It prints where to go and whom to sign in as, logs what the
 * Actions decide, and stops on Ctrl-C.
 */

// This script uses the freshly built package. In your own repo you would import the package name:
//   import { createFirstLoginGate, createPasswordResetClearer } from 'auth0-force-password-reset';
//   import { createChangePasswordPage, createNodeListener } from 'auth0-force-password-reset/page';
//   import { startLocalApplication, startLocalTenant } from 'auth0-force-password-reset/testing';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createFirstLoginGate, createPasswordResetClearer, VERSION } from '../dist/index.js';
import { createChangePasswordPage, createNodeListener } from '../dist/page.js';
import { startLocalApplication, startLocalTenant } from '../dist/testing.js';

const USERS = [
  { email: 'ada@example.com', password: 'Initial-Passw0rd', note: 'new: must choose a password at the first sign-in' },
  { email: 'bob@example.com', password: 'Initial-Passw0rd', note: 'new too: try a weak password, or this one again' },
];

const LABELS = { 'post-login': 'gate', 'post-change-password': 'clearer', 'change-password-page': 'page' };

/** One line per decision of the Actions and the page, as the tenant logs would show it (no token, no password). */
function log(entry) {
  const page = entry.page === undefined ? '' : ` (page: ${entry.page})`;
  console.log(`  [${LABELS[entry.trigger] ?? entry.trigger}] ${entry.decision} ${entry.reason}${page}`);
}

// The clearer's application keeps the narrowest scopes; the page gets one of its own that may set passwords.
const tenant = await startLocalTenant({ scopes: ['read:users', 'update:users_app_metadata'] });
// A password reused from the last 5 is refused by Auth0 itself (PasswordHistoryError), shown on the page.
tenant.connections.setPasswordPolicy('Username-Password-Authentication', { passwordPolicy: 'good', passwordHistorySize: 5 });
const pageClient = tenant.addClient({ scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options'] });
const pageKey = randomBytes(48).toString('base64url');

const page = createChangePasswordPage({
  domain: tenant.domain,
  clientId: pageClient.clientId,
  clientSecret: pageClient.clientSecret,
  sessionSecret: pageKey,
  fetch: tenant.fetch,
  log,
});
const pageServer = createServer(createNodeListener(page));
pageServer.listen(0, '127.0.0.1');
await once(pageServer, 'listening');
const pageUrl = `http://127.0.0.1:${pageServer.address().port}/change-password`;

const gate = createFirstLoginGate({ changePasswordPage: { url: pageUrl }, log });
tenant.bindActions({
  postLogin: { onExecutePostLogin: gate, onContinuePostLogin: gate.onContinuePostLogin },
  postChangePassword: createPasswordResetClearer({ log }),
  secrets: { CHANGE_PASSWORD_PAGE_SECRET: pageKey },
});
for (const { email, password } of USERS) tenant.users.create({ email, password });

const app = await startLocalApplication(tenant, { name: 'Acme Portal (local demo)' });

console.log(`auth0-force-password-reset ${VERSION} — the change-password page, in your browser`);
console.log(`
  Open ${app.origin}/ and choose "Sign in".

  Sign in as:`);
for (const { email, password, note } of USERS) console.log(`    ${email}   ${password}   (${note})`);
console.log(`
  The tenant:   ${tenant.origin} (its /authorize form, /continue)
  The page:     ${pageUrl}
  Passwords need 8 characters and 3 of: lower case, upper case, digits, special characters.

  Ctrl-C stops everything. What the Actions decide:`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await Promise.all([app.close(), new Promise((resolve) => pageServer.close(resolve)), tenant.close()]);
  console.log('\nStopped.');
  process.exit(0);
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
