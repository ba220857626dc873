import type { CommonPasswordList } from '../auth0/password-policy.js';
import type { CommonPasswords } from './password-rules.js';

/**
 * The common-password lists Auth0 names (`en_10k`, `en_100k`), loaded on first use: two modules that
 * the build generates from a devDependency (`scripts/common-passwords.ts`) and writes next to the
 * built entries — kept out of every entry's own load (the Actions' gate never loads them; the page and
 * the local tenant only when a policy asks). Each is one string of sorted, lower-cased passwords
 * separated by spaces, searched as it is: nothing to build, nothing to hold but the string.
 */

type Part = { readonly sortedPasswords: string };

// Literal paths, so that bundlers that follow lazy imports (Next.js, wrangler) see them.
const PARTS: Readonly<Record<'top10k' | 'next90k', () => Promise<Part>>> = {
  top10k: () => import('./common-passwords-top-10k.js'),
  next90k: () => import('./common-passwords-next-90k.js'),
};

const loading = new Map<CommonPasswordList, Promise<CommonPasswords>>();

/**
 * Whether `word` is one of the space-separated words of `sorted` (sorted in UTF-16 order): a binary
 * search over the string, one entry read per step.
 */
export function isInSortedWords(sorted: string, word: string): boolean {
  if (word === '' || word.includes(' ')) return false;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const start = sorted.lastIndexOf(' ', middle - 1) + 1;
    const space = sorted.indexOf(' ', start);
    const end = space === -1 ? sorted.length : space;
    const entry = sorted.slice(start, end);
    if (entry === word) return true;
    if (entry < word) low = end + 1;
    else high = start;
  }
  return false;
}

async function load(list: CommonPasswordList): Promise<CommonPasswords> {
  const [top10k, next90k] = await Promise.all(list === 'en_10k' ? [PARTS.top10k()] : [PARTS.top10k(), PARTS.next90k()]);
  return {
    list,
    has(password, wanted = list) {
      if (wanted === 'en_100k' && next90k === undefined) throw new Error(`[auth0-force-password-reset] the en_10k list was loaded, not en_100k`);
      const lower = password.toLowerCase();
      return isInSortedWords((top10k as Part).sortedPasswords, lower) || (wanted === 'en_100k' && isInSortedWords((next90k as Part).sortedPasswords, lower));
    },
  };
}

/**
 * The common-password list `list`, loaded once per process: `en_10k` (the 10,000 most common of Mark
 * Burnett's ten million passwords, as SecLists publishes them) or `en_100k` (the 100,000 most common,
 * which hold the 10,000). Compared case-insensitively, as Auth0 compares.
 *
 * @throws (rejects) when the list's module cannot be loaded — a bundler that dropped it: a page must
 * then refuse to decide, not let every password through. A later call tries again.
 *
 * @example
 * ```ts
 * const common = await loadCommonPasswords('en_10k');
 * common.has('Password1'); // true
 * ```
 */
export function loadCommonPasswords(list: CommonPasswordList): Promise<CommonPasswords> {
  let pending = loading.get(list);
  if (pending === undefined) {
    pending = load(list);
    loading.set(list, pending);
    pending.catch(() => loading.delete(list));
  }
  return pending;
}
