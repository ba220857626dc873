import { checkFields, integerCheck, NOT_SHOWN, required, shownUrl, type Check, type OptionChecks } from '../internal/check-options.js';
import { isLoopbackHost } from '../internal/loopback.js';

/**
 * A check of a new password against the passwords of known breaches, through the k-anonymity range
 * API of Have I Been Pwned's Pwned Passwords (haveibeenpwned.com/API/v3#PwnedPasswords): the page
 * sends the first 5 hexadecimal characters of the password's SHA-1 and receives every suffix that
 * starts with them (with `Add-Padding: true`, padded to a constant size with entries of count 0, so
 * that the answer's size says nothing either). Only the prefix leaves; the match is made here.
 */

/** Options of the breached-password check (`breachedPasswords` of the page). */
export interface BreachedPasswordsOptions {
  /**
   * The range API: the 5-character prefix is appended (after a `/`). `https://` (`http://` only for a
   * loopback host, to test against a stand-in).
   * @default 'https://api.pwnedpasswords.com/range/'
   */
  rangeUrl?: string;
  /**
   * How long the whole answer may take, in milliseconds, from 100 to 10000.
   * @default 2000
   */
  timeoutMs?: number;
  /**
   * When the API cannot answer (timeout, network, an error status, a malformed answer): `'allow'` sets
   * the password without the check (and the log says so); `'refuse'` asks the user to try again.
   */
  onUnavailable: 'allow' | 'refuse';
}

/** What the check found. */
export type BreachCheckResult =
  /** On the list: seen `count` times in breaches. */
  | { readonly verdict: 'breached'; readonly count: number }
  | { readonly verdict: 'clean' }
  /** No answer; `allowed` is what `onUnavailable` says to do. `reason` is for the log. */
  | { readonly verdict: 'unavailable'; readonly allowed: boolean; readonly reason: string };

/** A check of one password. */
export type BreachedPasswordCheck = (password: string) => Promise<BreachCheckResult>;

/** The timers the check uses; tests give their own, so that a timeout needs no waiting. */
export interface CheckTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const DEFAULT_RANGE_URL = 'https://api.pwnedpasswords.com/range/';
const DEFAULT_TIMEOUT_MS = 2000;
/** A padded answer is 800 to 1,000 lines of 40 bytes or so: far less than this. */
const MAX_ANSWER_BYTES = 256 * 1024;
const SYSTEM_TIMERS: CheckTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const rangeUrlCheck: Check<string> = (value, report) => {
  const expected = 'must be an https:// URL (http:// only for a loopback host such as 127.0.0.1), without query or fragment';
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    return report(expected, shownUrl(value));
  }
  if (url.username !== '' || url.password !== '') return report('must not hold credentials (the value is not shown)', NOT_SHOWN);
  if ((url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) || url.search !== '' || url.hash !== '') report(expected, shownUrl(value));
};

/** The checks of {@link BreachedPasswordsOptions}. */
export const breachedPasswordsOptionChecks: OptionChecks<BreachedPasswordsOptions> = {
  rangeUrl: rangeUrlCheck,
  timeoutMs: integerCheck(100, 10_000, ' (milliseconds)'),
  onUnavailable: required('"allow" or "refuse" (what to do when the range API cannot answer)', (value, report) => {
    if (value !== 'allow' && value !== 'refuse') report('must be "allow" or "refuse"', value);
  }),
};

/** The check of a page's `breachedPasswords` option. */
export const breachedPasswordsCheck: Check<BreachedPasswordsOptions> = (value, report) =>
  void checkFields(value, report, breachedPasswordsOptionChecks, 'must be { rangeUrl?, timeoutMs?, onUnavailable }');

/** The SHA-1 of `password` (UTF-8), in upper-case hexadecimal, as the range API lists it. */
export async function sha1Hex(password: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-1', new TextEncoder().encode(password));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('').toUpperCase();
}

/** Reads at most `maxBytes` of `response`'s body, or `undefined` past that; stops when `signal` aborts. */
async function readText(response: Response, maxBytes: number, signal: AbortSignal): Promise<string | undefined> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      length += value.byteLength;
      if (length > maxBytes) return undefined;
      chunks.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(body);
}

/** The count of `suffix` in a range answer (`SUFFIX:COUNT` lines); padding entries (count 0) do not count. */
function countIn(answer: string, suffix: string): number | 'malformed' {
  let found = 0;
  for (const line of answer.split('\n')) {
    const entry = line.trim();
    if (entry === '') continue;
    const match = /^([0-9A-Fa-f]{35}):(\d+)$/.exec(entry);
    if (match === null) return 'malformed';
    if ((match[1] as string).toUpperCase() === suffix) found = Number(match[2]);
  }
  return found;
}

/**
 * Creates the check, its options already checked ({@link breachedPasswordsOptionChecks}).
 *
 * @param fetchImpl - the `fetch` the range requests go through (the page's `fetch` option).
 * @param timers - the clock of the timeout; tests pass their own.
 *
 * @example
 * ```ts
 * const isBreached = createBreachedPasswordCheck({ onUnavailable: 'allow' });
 * const result = await isBreached('P@ssw0rd'); // { verdict: 'breached', count: … }
 * ```
 */
export function createBreachedPasswordCheck(
  options: BreachedPasswordsOptions,
  fetchImpl: typeof globalThis.fetch = globalThis.fetch,
  timers: CheckTimers = SYSTEM_TIMERS,
): BreachedPasswordCheck {
  const { rangeUrl = DEFAULT_RANGE_URL, timeoutMs = DEFAULT_TIMEOUT_MS, onUnavailable } = options;
  const base = rangeUrl.endsWith('/') ? rangeUrl : `${rangeUrl}/`;
  const unavailable = (reason: string): BreachCheckResult => ({ verdict: 'unavailable', allowed: onUnavailable === 'allow', reason });

  return async function checkBreachedPassword(password) {
    const hash = await sha1Hex(password);
    const prefix = hash.slice(0, 5);
    const controller = new AbortController();
    let timedOut = false;
    const timer = timers.setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
    }, timeoutMs);
    try {
      const response = await fetchImpl(base + prefix, {
        method: 'GET',
        headers: { 'add-padding': 'true', 'user-agent': 'auth0-force-password-reset' },
        redirect: 'error',
        signal: controller.signal,
      });
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => {});
        return unavailable(`HTTP ${response.status}`);
      }
      const answer = await readText(response, MAX_ANSWER_BYTES, controller.signal);
      if (answer === undefined) return unavailable(`an answer over ${MAX_ANSWER_BYTES} bytes`);
      const count = countIn(answer, hash.slice(5));
      if (count === 'malformed') return unavailable('a malformed answer');
      return count > 0 ? { verdict: 'breached', count } : { verdict: 'clean' };
    } catch {
      return unavailable(timedOut ? `no answer within ${timeoutMs} ms` : 'network error');
    } finally {
      timers.clearTimeout(timer);
    }
  };
}
