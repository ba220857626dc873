import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFirstLoginGate } from '../../src/index.js';
import { startLocalTenant, type LocalTenant } from '../../src/testing/local-tenant/index.js';
import { assertBuilt, ROOT, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';
import { redisTestsRun, startRedisServer } from '../helpers/redis-server.mjs';

/**
 * examples/page-server: the change-password page as a Node server, configured by environment variables,
 * run as a company would run it (its own folder, the package installed) against a local tenant over HTTP.
 */
const PAGE_KEY = 'a-page-key-of-at-least-32-bytes-long-for-the-server';
let folder: string;
const running: ChildProcess[] = [];
const tenants: LocalTenant[] = [];

/** The example in a folder of its own, with this package (built) as its installed dependency. */
beforeAll(() => {
  assertBuilt();
  folder = mkdtempSync(join(tmpdir(), 'afpr-page-server-'));
  cpSync(join(ROOT, 'examples', 'page-server'), folder, { recursive: true });
  mkdirSync(join(folder, 'node_modules'));
  symlinkSync(ROOT, join(folder, 'node_modules', 'auth0-force-password-reset'), 'dir');
  // The example's other dependency, as `npm install` there would bring it.
  symlinkSync(join(ROOT, 'node_modules', 'redis'), join(folder, 'node_modules', 'redis'), 'dir');
});

// The tests run side by side (each waits for its servers, files of its own, ports of its own): what they
// start is stopped once all have run.
afterAll(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(tenants.splice(0).map((tenant) => tenant.close()));
});

function startServer(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['server.mjs'], { cwd: folder, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (output += chunk));
  return { child, output: () => output };
}

/** The port a server of the example listens on, once its first line says so (60 s at most). */
async function portOf(output: () => string): Promise<number> {
  for (const started = Date.now(); !/"event":"listening"/.test(output()); await delay(20)) {
    if (Date.now() - started > 60_000) throw new Error(`the server did not listen within 60 s:\n${output()}`);
  }
  return (JSON.parse(output().split('\n')[0] ?? '{}') as { port: number }).port;
}

describe('examples/page-server/server.mjs', { concurrent: true }, () => {
  it('names the missing variables, never a value, and exits 2', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const { child, output } = startServer({ AUTH0_DOMAIN: 'acme.eu.auth0.com', PAGE_CLIENT_SECRET: 'do-not-print-me' });
    // 'close', not 'exit': 'exit' may come before the last of the output is read.
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(2);
    expect(output()).toBe('page-server: set PAGE_CLIENT_ID, CHANGE_PASSWORD_PAGE_SECRET (see examples/page-server/README.md)\n');
  });

  it('serves the page for the gate’s redirect and a health check, and stops on SIGTERM', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const tenant = await startLocalTenant();
    tenants.push(tenant);
    const pageClient = tenant.addClient({ scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options'] });
    const { child, output } = startServer({
      AUTH0_DOMAIN: tenant.domain,
      PAGE_CLIENT_ID: pageClient.clientId,
      PAGE_CLIENT_SECRET: pageClient.clientSecret,
      CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const port = await portOf(output);
    const origin = `http://127.0.0.1:${port}`;

    const health = await fetch(`${origin}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok']);

    const gate = createFirstLoginGate({ changePasswordPage: { url: `${origin}/change-password` }, log: false });
    const user = tenant.users.create({ email: 'ada@example.com' });
    const { redirect } = await tenant.runLogin(user.user_id, gate, { secrets: { CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY } });
    const form = await fetch(redirect!.url);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('name="confirm"');
    expect(html).toContain('ada@example.com');
    // The page read the connection's rules from the tenant, over HTTP, with its own application.
    expect(tenant.requests.filter(({ route }) => route === 'getConnection' || route === 'listConnections').map(({ status }) => status)).toContain(200);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(0);
    expect(output()).not.toContain(pageClient.clientSecret);
    expect(output()).not.toContain(PAGE_KEY);
  });
});

describe('examples/page-server/server.mjs, with the page’s texts from PAGE_TEXTS_FILE', { concurrent: true }, () => {
  it('shows the file’s texts, each in its language, the page’s own in the others', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const tenant = await startLocalTenant();
    tenants.push(tenant);
    const pageClient = tenant.addClient({ scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options'] });
    writeFileSync(join(folder, 'texts.json'), JSON.stringify({ title: { fr: 'Votre nouveau mot de passe Acme', default: 'Your new Acme password' }, accountLabel: 'Acme ID' }));
    const { output } = startServer({
      AUTH0_DOMAIN: tenant.domain,
      PAGE_CLIENT_ID: pageClient.clientId,
      PAGE_CLIENT_SECRET: pageClient.clientSecret,
      CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY,
      PAGE_TEXTS_FILE: join(folder, 'texts.json'),
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const port = await portOf(output);
    const gate = createFirstLoginGate({ changePasswordPage: { url: `http://127.0.0.1:${port}/change-password` }, log: false });
    const formIn = async (locale: string) => {
      const user = tenant.users.create({ email: `${locale}@example.com` });
      const { redirect } = await tenant.runLogin(user.user_id, gate, { locale, secrets: { CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY } });
      return (await fetch(redirect!.url)).text();
    };
    const french = await formIn('fr-CA');
    expect(french).toContain('<html lang="fr">');
    expect(french).toContain('<h1>Votre nouveau mot de passe Acme</h1>');
    expect(french).toContain('<label for="username">Acme ID</label>');
    expect(french).toContain('<label for="password">Nouveau mot de passe</label>');
    const english = await formIn('en-US');
    expect(english).toContain('<h1>Your new Acme password</h1>');
    const german = await formIn('de');
    expect(german).toContain('<h1>Neues Passwort wählen</h1>');
  });

  it.for([
    ['a file that is not there', 'missing.json', undefined, /^page-server: PAGE_TEXTS_FILE \(.*missing\.json\): no such file\n$/],
    ['a file that is not JSON', 'broken.json', '{ "title": ', /^page-server: PAGE_TEXTS_FILE \(.*broken\.json\): not JSON: /],
    ['a text the page does not have', 'unknown.json', '{ "tooShort": "Too short" }', /"options\.texts\.tooShort" is not a known option/],
  ] as const)('stops at start on %s, saying what is wrong', { timeout: SUBPROCESS_TIMEOUT_MS }, async ([, file, content, expected]) => {
    if (content !== undefined) writeFileSync(join(folder, file), content);
    const { child, output } = startServer({ AUTH0_DOMAIN: 'acme.eu.auth0.com', PAGE_CLIENT_ID: 'id', PAGE_CLIENT_SECRET: 'do-not-print-me', CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY, PAGE_TEXTS_FILE: join(folder, file) });
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).not.toBe(0);
    expect(output()).toMatch(expected);
    expect(output()).not.toContain('do-not-print-me');
  });
});

describe.runIf(redisTestsRun())('examples/page-server/server.mjs, two instances sharing one Redis', { concurrent: true }, () => {
  const PASSWORD = 'Brand-New-Passw0rd';
  const INITIAL = 'Initial-Passw0rd!';

  /** Two servers of the example on one Redis and one local tenant (over HTTP), and a user sent to them. */
  async function twoServers(redisUrl: string) {
    const tenant = await startLocalTenant();
    tenants.push(tenant);
    tenant.connections.setPasswordPolicy('Username-Password-Authentication', { passwordPolicy: 'good', passwordHistorySize: 3 });
    const pageClient = tenant.addClient({ scopes: ['read:users', 'update:users', 'read:connections', 'read:connections_options'] });
    const env = {
      AUTH0_DOMAIN: tenant.domain,
      PAGE_CLIENT_ID: pageClient.clientId,
      PAGE_CLIENT_SECRET: pageClient.clientSecret,
      CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY,
      REDIS_URL: redisUrl,
      PORT: '0',
      HOST: '127.0.0.1',
    };
    const servers = [startServer(env), startServer(env)];
    const origins = await Promise.all(
      servers.map(async ({ output }) => `http://127.0.0.1:${await portOf(output)}`),
    );
    const gate = createFirstLoginGate({ changePasswordPage: { url: `${origins[0]}/change-password` }, log: false });
    const user = tenant.users.create({ email: 'ada@example.com', password: INITIAL });
    const { redirect } = await tenant.runLogin(user.user_id, gate, { secrets: { CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY } });
    const fields = new URL(redirect!.url).searchParams;
    /** A POST of the form to one of the two servers. */
    const post = (index: number, password: string) =>
      fetch(`${origins[index % 2]}/change-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ session_token: fields.get('session_token')!, state: fields.get('state')!, password, confirm: password }),
      }).then(async (response) => ({ status: response.status, html: await response.text() }));
    return { tenant, user, post };
  }

  it('sets one password and sends one way back for 10 parallel POSTs spread over both', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const redis = await startRedisServer();
    try {
      const { tenant, user, post } = await twoServers(redis.url);
      const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => post(index, `${PASSWORD}${index}`)));
      expect(answers.filter(({ html }) => html.includes('<form id="continue"'))).toHaveLength(1);
      expect(answers.filter(({ status }) => status === 200)).toHaveLength(1);
      expect(tenant.counts().patchUser).toBe(1);
      expect(Array.from({ length: 10 }, (_, index) => tenant.users.verifyPassword(user.user_id, `${PASSWORD}${index}`)).filter(Boolean)).toHaveLength(1);
    } finally {
      await redis.stop();
    }
  });

  it('lets at most maxAttempts (5) of 20 parallel attempts Auth0 refuses reach the Management API', { timeout: SUBPROCESS_TIMEOUT_MS }, async () => {
    const redis = await startRedisServer();
    try {
      const { tenant, post } = await twoServers(redis.url);
      // INITIAL meets the policy: only Auth0 (its password history) refuses it.
      const burst = await Promise.all(Array.from({ length: 20 }, (_, index) => post(index, INITIAL)));
      expect(burst.every(({ status }) => status >= 400)).toBe(true);
      for (let round = 0; round < 5; round += 1) await Promise.all([post(0, INITIAL), post(1, INITIAL)]);
      expect(tenant.counts().patchUser).toBeGreaterThanOrEqual(1);
      expect(tenant.counts().patchUser).toBeLessThanOrEqual(5);
    } finally {
      await redis.stop();
    }
  });
});
