import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, runNode, SUBPROCESS_TIMEOUT_MS } from '../helpers/built-package.js';

const DIST = join(ROOT, 'dist');
const FILES = ['common-passwords-top-10k.js', 'common-passwords-next-90k.js'];

describe('the common-password lists in dist/', { timeout: SUBPROCESS_TIMEOUT_MS }, () => {
  beforeAll(assertBuilt);

  it('are two files of sorted, lower-cased, distinct passwords, with SecLists’ license', async () => {
    const [top10k, next90k] = (await Promise.all(FILES.map((file) => import(join(DIST, file))))) as { sortedPasswords: string; count: number }[];
    const lists = [top10k!.sortedPasswords.split(' '), next90k!.sortedPasswords.split(' ')];
    expect(lists.map((list) => list.length)).toEqual([top10k!.count, next90k!.count]);
    // 10,000 and 100,000 source lines, fewer once lower-cased and without repeats.
    expect(top10k!.count).toBeGreaterThan(9_800);
    expect(top10k!.count + next90k!.count).toBeGreaterThan(95_000);
    for (const list of lists) {
      expect([...list].sort()).toEqual(list);
      expect(new Set(list).size).toBe(list.length);
      expect(list.every((password) => password !== '' && password === password.toLowerCase())).toBe(true);
    }
    const inTop10k = new Set(lists[0]);
    expect(lists[1]!.some((password) => inTop10k.has(password))).toBe(false);
    for (const file of FILES) expect(readFileSync(join(DIST, file), 'utf8')).toMatch(/^\/\*! Common passwords[\s\S]*Copyright \(c\) 2018 Daniel Miessler[\s\S]*\*\/\nexport const sortedPasswords/);
  });

  it('are never part of an entry’s own load: only the page and the testing toolkit import them, on demand', () => {
    const importers = readdirSync(DIST)
      .filter((file) => /\.(c?js)$/.test(file) && !FILES.includes(file))
      .filter((file) => readFileSync(join(DIST, file), 'utf8').includes('common-passwords-'));
    // The Actions' entry (index.*, with its chunks), /admin and the CLI never name them.
    expect(importers.sort()).toEqual(['page.cjs', 'page.js', 'testing.cjs', 'testing.js']);
    for (const file of importers) {
      const code = readFileSync(join(DIST, file), 'utf8');
      expect(code).toContain(`import('./common-passwords-top-10k.js')`);
      expect(code).toContain(`import('./common-passwords-next-90k.js')`);
      // Only through import(): no static import or require of a list.
      expect(code).not.toMatch(/(?:from\s*|require\()["']\.\/common-passwords-/);
    }
  });

  it('are loaded by the built page only when a policy names a dictionary, from require and from import', () => {
    const script = (load: string) => `
      ${load}.then(async ({ createChangePasswordPage }) => {
        const { createHmac } = await import('node:crypto');
        const key = 'a-page-session-key-of-48-bytes-for-the-tests-!!!';
        const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const sign = (claims) => { const input = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64(claims); return input + '.' + createHmac('sha256', key).update(input).digest('base64url'); };
        const api = async (input, init) => String(input).endsWith('/oauth/token')
          ? Response.json({ access_token: 'x.y.z', token_type: 'Bearer', expires_in: 86400 })
          : Response.json({ user_id: 'auth0|1', email: 'ada@example.com', last_password_reset: init?.method === 'PATCH' ? new Date().toISOString() : undefined });
        const attempt = async (passwordPolicy, password) => {
          const page = createChangePasswordPage({ domain: 'acme.auth0.test', clientId: 'id', clientSecret: 's', sessionSecret: key, passwordPolicy, fetch: api, log: false });
          const iat = Math.floor(Date.now() / 1000);
          const token = sign({ iat, exp: iat + 600, iss: 'acme.auth0.test', sub: 'auth0|1', purpose: 'afpr:change-password', connection: 'db', host: 'acme.auth0.test', since: new Date(Date.now() - 60000).toISOString() });
          const response = await page(new Request('https://page.test/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ session_token: token, state: 's', password, confirm: password }) }));
          return response.status;
        };
        const before = await attempt({ level: 'none' }, 'blue23');
        const withList = await attempt({ password_options: { dictionary: { active: true, default: 'en_100k' } } }, 'blue23');
        console.log(JSON.stringify([before, withList]));
      })`;
    // Without a dictionary the common password is set (200); with the 100,000 list it is refused (400).
    const expected = [200, 400];
    expect(runNode<number[]>(script(`Promise.resolve(require('auth0-force-password-reset/page'))`))).toEqual(expected);
    expect(runNode<number[]>(script(`import('auth0-force-password-reset/page')`))).toEqual(expected);
  });

  it('are found by the built testing toolkit, from require and from import', () => {
    const script = (load: string) => `
      ${load}.then(async ({ startLocalTenant }) => {
        const tenant = await startLocalTenant();
        tenant.connections.setPasswordOptions('Username-Password-Authentication', { password_options: { dictionary: { active: true, default: 'en_100k' } } });
        const outcome = (password) => { try { tenant.users.create({ password }); return 'accepted'; } catch (error) { return error.message.slice(error.message.lastIndexOf('(')); } };
        console.log(JSON.stringify([outcome('blue23'), outcome('correcthorsebatterystaple')]));
        await tenant.close();
      })`;
    const expected = ['(Auth0 answers PasswordDictionaryError)', 'accepted'];
    expect(runNode<string[]>(script(`Promise.resolve(require('auth0-force-password-reset/testing'))`))).toEqual(expected);
    expect(runNode<string[]>(script(`import('auth0-force-password-reset/testing')`))).toEqual(expected);
  });
});
