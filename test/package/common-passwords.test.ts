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

  it('are never part of the Actions’ entry nor the page’s code: only files imported on demand', () => {
    const importers = readdirSync(DIST)
      .filter((file) => /\.(c?js)$/.test(file) && !FILES.includes(file))
      .filter((file) => readFileSync(join(DIST, file), 'utf8').includes('common-passwords-'));
    expect(importers.sort()).toEqual(['testing.cjs', 'testing.js']);
    for (const file of importers) expect(readFileSync(join(DIST, file), 'utf8')).toContain(`import('./common-passwords-top-10k.js')`);
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
