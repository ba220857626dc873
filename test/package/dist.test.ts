import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, createActionsRepo, ROOT, runNode, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';

const PUBLIC_EXPORTS = [
  'ForcePasswordResetError',
  'InvalidEventError',
  'ManagementApiError',
  'OptionsError',
  'SecretsError',
  'VERSION',
  'createFirstLoginGate',
  'createPasswordResetClearer',
  'isForcePasswordResetError',
];

// Every test here runs node in a child process.
describe('the built package (dist/)', { timeout: SUBPROCESS_TIMEOUT_MS }, () => {
  beforeAll(assertBuilt);

  it('loads through require and import, with the same public surface', () => {
    const fromRequire = runNode<string[]>(
      `console.log(JSON.stringify(Object.keys(require('auth0-force-password-reset')).sort()))`,
    );
    const fromImport = runNode<string[]>(
      `import('auth0-force-password-reset').then((m) => console.log(JSON.stringify(Object.keys(m).sort())))`,
    );
    expect(fromRequire).toEqual(PUBLIC_EXPORTS);
    expect(fromImport).toEqual(PUBLIC_EXPORTS);
  });

  it('reports the version from package.json', () => {
    const { version } = createRequire(import.meta.url)(join(ROOT, 'package.json')) as { version: string };
    expect(runNode<string>(`console.log(JSON.stringify(require('auth0-force-password-reset').VERSION))`)).toBe(version);
  });

  it('loads neither auth0 nor an external zod when the gate is created (CJS and ESM)', () => {
    const cjs = runNode<string[]>(`
      const { createFirstLoginGate } = require('auth0-force-password-reset');
      createFirstLoginGate({ flag: 'mustChangePassword' });
      console.log(JSON.stringify(Object.keys(require.cache)));
    `);
    expect(cjs.some((file) => file.includes(`${'node_modules'}/auth0/`))).toBe(false);
    expect(cjs.some((file) => file.includes('node_modules/zod/'))).toBe(false);
    expect(cjs.every((file) => file.startsWith(join(ROOT, 'dist')))).toBe(true);

    // ESM has no require.cache: a loader hook lists every module resolved. Its messages arrive in order,
    // so once the hook reports a last, marker import, it has reported every module before it.
    const esm = runNode<string[]>(
      `
      import { register } from 'node:module';
      const seen = [];
      const MARKER = 'data:text/javascript,export default "every module before me was reported"';
      const { port1, port2 } = new MessageChannel();
      const reported = new Promise((resolve) => port1.on('message', (url) => (url === MARKER ? resolve() : seen.push(url))));
      register('data:text/javascript,' + encodeURIComponent(\`
        let port;
        export function initialize(data) { port = data.port; }
        export async function resolve(specifier, context, next) {
          const result = await next(specifier, context);
          port.postMessage(result.url);
          return result;
        }\`), { data: { port: port2 }, transferList: [port2] });
      const { createFirstLoginGate } = await import('auth0-force-password-reset');
      createFirstLoginGate();
      await import(MARKER);
      await reported;
      console.log(JSON.stringify(seen));
      port1.close();
      `,
      { args: ['--input-type=module'] },
    );
    expect(esm.length).toBeGreaterThan(0);
    expect(esm.some((url) => url.includes('/node_modules/auth0/'))).toBe(false);
    expect(esm.some((url) => url.includes('/node_modules/zod/'))).toBe(false);
  });

  it('loads at most 48 KB (48,000 bytes) of readable code for the gate (the benchmark’s budget; sizes are deterministic)', () => {
    const loaded = runNode<{ files: number; bytes: number }>(`
      const { createFirstLoginGate } = require('auth0-force-password-reset');
      createFirstLoginGate({ flag: 'mustChangePassword' });
      const files = Object.keys(require.cache);
      console.log(JSON.stringify({ files: files.length, bytes: files.reduce((n, f) => n + require('fs').statSync(f).size, 0) }));
    `);
    expect(loaded.bytes).toBeLessThanOrEqual(48_000);
    // index.cjs, and the two small chunks it shares with the lazily loaded clearer and email code
    // (the errors; the obligation rule).
    expect(loaded.files).toBeLessThanOrEqual(3);
  });

  it('loads the reset-email code only when a gate with sendResetEmail denies', () => {
    const result = runNode<{ afterCreate: boolean; afterAllow: boolean }>(`
      const { createFirstLoginGate } = require('auth0-force-password-reset');
      const loaded = () => Object.keys(require.cache).some((file) => file.includes('send-reset-email'));
      const gate = createFirstLoginGate({ sendResetEmail: true, log: false });
      const afterCreate = loaded();
      const api = { access: { deny() {} }, user: { setAppMetadata() {} } };
      const event = { connection: { strategy: 'auth0', name: 'db' }, user: { user_id: 'auth0|1', app_metadata: { needsPasswordReset: false } }, stats: { logins_count: 4 } };
      gate(event, api).then(() => console.log(JSON.stringify({ afterCreate, afterAllow: loaded() })));
    `);
    expect(result).toEqual({ afterCreate: false, afterAllow: false });

    const denied = runNode<{ loaded: boolean; requests: string[]; denied: string }>(`
      const { createFirstLoginGate } = require('auth0-force-password-reset');
      const requests = [];
      const fetch = async (url) => { requests.push(String(url)); return new Response('sent', { status: 200 }); };
      const gate = createFirstLoginGate({ sendResetEmail: true, fetch, log: false });
      let denied;
      const api = { access: { deny(reason) { denied = reason; } }, user: { setAppMetadata() {} } };
      const event = { connection: { strategy: 'auth0', name: 'db' }, client: { client_id: 'c' }, request: { hostname: 'acme.eu.auth0.com' },
        transaction: { protocol: 'oidc-basic-profile' },
        user: { user_id: 'auth0|1', email: 'a@example.com', created_at: '2026-01-01T00:00:00.000Z', app_metadata: { needsPasswordReset: true } }, stats: { logins_count: 4 } };
      gate(event, api).then(() => console.log(JSON.stringify({
        loaded: Object.keys(require.cache).some((file) => file.includes('send-reset-email')), requests, denied })));
    `);
    expect(denied).toEqual({
      loaded: true,
      requests: ['https://acme.eu.auth0.com/dbconnections/change_password'],
      denied: 'Please reset your password! We have emailed you a link to set a new password.',
    });
  });

  it('loads auth0 lazily, only when the clearer runs', () => {
    const result = runNode<{ afterCreate: boolean; afterRun: boolean }>(`
      const { createPasswordResetClearer } = require('auth0-force-password-reset');
      const loaded = () => Object.keys(require.cache).some((file) => file.includes('/node_modules/auth0/'));
      const clearer = createPasswordResetClearer({ log: false, fetch: async () => { throw new Error('offline'); }, maxAttempts: 1 });
      const afterCreate = loaded();
      clearer(
        { user: { user_id: 'auth0|1', last_password_reset: new Date().toISOString() }, connection: { strategy: 'auth0' }, secrets: { AUTH0_DOMAIN: 'acme.auth0.com', AUTH0_CLIENT_ID: 'id', AUTH0_CLIENT_SECRET: 'secret' } },
        { cache: { get() {}, set() { return { type: 'success' }; }, delete() { return { type: 'success' }; } } },
      ).catch(() => {}).finally(() => console.log(JSON.stringify({ afterCreate, afterRun: loaded() })));
    `);
    expect(result).toEqual({ afterCreate: false, afterRun: true });
  });

  it('keeps the testing toolkit out of the main entry', () => {
    const cjs = runNode<string[]>(`
      require('auth0-force-password-reset');
      console.log(JSON.stringify(Object.keys(require.cache)));
    `);
    expect(cjs.some((file) => file.includes('testing'))).toBe(false);
  });

  it('serves the testing entry through require and import', () => {
    const names = ['buildPostChangePasswordEvent', 'buildPostLoginEvent', 'createPostLoginApi'];
    const fromRequire = runNode<string[]>(`console.log(JSON.stringify(Object.keys(require('auth0-force-password-reset/testing'))))`);
    const fromImport = runNode<string[]>(
      `import('auth0-force-password-reset/testing').then((m) => console.log(JSON.stringify(Object.keys(m))))`,
    );
    for (const name of names) {
      expect(fromRequire).toContain(name);
      expect(fromImport).toContain(name);
    }
  });
});

describe('the thin action files in examples/ (against the built package)', { timeout: SUBPROCESS_TIMEOUT_MS }, () => {
  it('post-login: denies and flags a first login with the tenant’s own flag and message', () => {
    const repo = createActionsRepo();
    const result = runNode<{ denied: string[]; writes: [string, unknown][] }>(
      `
      const { onExecutePostLogin } = require('./actions/post-login.js');
      const { buildPostLoginEvent, createPostLoginApi } = require('auth0-force-password-reset/testing');
      const api = createPostLoginApi();
      console.log = ((log) => () => {})(console.log);
      onExecutePostLogin(buildPostLoginEvent(), api).then(() => {
        process.stdout.write(JSON.stringify({ denied: api.denials, writes: api.appMetadataWrites.map(([k, v]) => [k, typeof v]) }));
      });
      `,
      { cwd: repo },
    );
    expect(result).toEqual({
      denied: ['Please set a new password.'],
      writes: [
        ['mustChangePassword', 'boolean'],
        ['mustChangePasswordAt', 'string'],
      ],
    });
  });

  it('post-change-password: rejects with the names of the missing secrets, before any request', () => {
    const repo = createActionsRepo();
    const result = runNode<{ name: string; message: string; requests: number }>(
      `
      const { onExecutePostChangePassword } = require('./actions/post-change-password.js');
      const { buildPostChangePasswordEvent, createPostChangePasswordApi } = require('auth0-force-password-reset/testing');
      let requests = 0;
      globalThis.fetch = async () => { requests += 1; throw new Error('no network in this test'); };
      console.log = () => {};
      onExecutePostChangePassword(buildPostChangePasswordEvent({ secrets: { AUTH0_DOMAIN: 'acme.eu.auth0.com' } }), createPostChangePasswordApi())
        .catch((error) => process.stdout.write(JSON.stringify({ name: error.name, message: error.message, requests })));
      `,
      { cwd: repo },
    );
    expect(result).toEqual({
      name: 'SecretsError',
      message:
        '[auth0-force-password-reset] createPasswordResetClearer: missing Action secrets "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET" — add them under the Action\'s Secrets (the M2M application\'s domain, client id and client secret)',
      requests: 0,
    });
  });
});
