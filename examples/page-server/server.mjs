#!/usr/bin/env node
/**
 * The change-password page of auth0-force-password-reset, as a small Node server to host: the page the
 * post-login Action's `changePasswordPage.url` sends users to, and `GET /healthz` for a load balancer.
 * Configured by environment variables only (see README.md); it never prints a secret.
 *
 *   AUTH0_DOMAIN                 the tenant's canonical domain, e.g. acme.eu.auth0.com
 *   PAGE_CLIENT_ID               the page's own M2M application: read:users, update:users,
 *   PAGE_CLIENT_SECRET             read:connections, read:connections_options on the Management API
 *   CHANGE_PASSWORD_PAGE_SECRET  the key shared with the post-login Action (its secret of that name)
 *   ALLOWED_HOSTS                optional: the hosts users sign in on, comma-separated (custom domains,
 *                                https:// may be given); default AUTH0_DOMAIN
 *   REDIS_URL                    optional: redis://… shared by every instance of the page, so that a
 *                                session sets one password whichever instance serves it (required
 *                                with more than one instance); default: memory, one process
 *   PAGE_TEXTS_FILE              optional: a JSON file of the page's texts, each a string or one per
 *                                language tag ({ "title": { "fr": "…", "default": "…" } })
 *   PORT, HOST                   where to listen (default 8080 on 0.0.0.0)
 *   TRUST_PROXY=1                behind a TLS-terminating proxy that sets X-Forwarded-Proto
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createChangePasswordPage, createNodeListener, createRedisSessionStore } from 'auth0-force-password-reset/page';

const REQUIRED = ['AUTH0_DOMAIN', 'PAGE_CLIENT_ID', 'PAGE_CLIENT_SECRET', 'CHANGE_PASSWORD_PAGE_SECRET'];
const missing = REQUIRED.filter((name) => !process.env[name]);
if (missing.length > 0) {
  // Names only: a value could be a secret.
  console.error(`page-server: set ${missing.join(', ')} (see examples/page-server/README.md)`);
  process.exit(2);
}
const { AUTH0_DOMAIN, PAGE_CLIENT_ID, PAGE_CLIENT_SECRET, CHANGE_PASSWORD_PAGE_SECRET } = process.env;
const allowedHosts = (process.env.ALLOWED_HOSTS ?? '').split(',').map((host) => host.trim()).filter(Boolean);
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '0.0.0.0';

/** The sessions, shared in Redis when REDIS_URL is set (loaded only then); otherwise in this process. */
async function sessionStoreFromEnvironment() {
  if (!process.env.REDIS_URL) return undefined;
  const { createClient } = await import('redis');
  const redis = createClient({ url: process.env.REDIS_URL });
  // The error's code only: a message may quote the URL, password included.
  redis.on('error', (error) => console.error(JSON.stringify({ event: 'redis-error', code: error.code ?? error.name })));
  await redis.connect();
  return createRedisSessionStore({ client: redis });
}
const sessionStore = await sessionStoreFromEnvironment();

/** The texts of PAGE_TEXTS_FILE, when it is set; what is wrong with the file stops the server. */
function textsFromEnvironment() {
  const file = process.env.PAGE_TEXTS_FILE;
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`page-server: PAGE_TEXTS_FILE (${file}): ${error.code === 'ENOENT' ? 'no such file' : error.name === 'SyntaxError' ? `not JSON: ${error.message}` : error.message}`);
    process.exit(2);
  }
}
const texts = textsFromEnvironment();

// Options are checked here, at start: a mistake stops the server with a message naming the option.
const page = createChangePasswordPage({
  domain: AUTH0_DOMAIN,
  clientId: PAGE_CLIENT_ID,
  clientSecret: PAGE_CLIENT_SECRET,
  sessionSecret: CHANGE_PASSWORD_PAGE_SECRET,
  ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
  ...(sessionStore === undefined ? {} : { sessionStore }),
  // A mistake in the file's texts stops the server too, naming the text (options.texts.…).
  ...(texts === undefined ? {} : { texts }),
});

/** The page, and a health check that tells nothing about the tenant. */
async function handle(request) {
  if (new URL(request.url).pathname === '/healthz') return new Response('ok', { headers: { 'cache-control': 'no-store' } });
  return page(request);
}

const server = createServer(createNodeListener(handle, { trustProxy: process.env.TRUST_PROXY === '1' }));
server.listen(port, host, () => {
  const { port: listening } = server.address();
  console.log(JSON.stringify({ event: 'listening', host, port: listening }));
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
