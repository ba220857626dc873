import { describe, expect, it, vi } from 'vitest';
import { checkOptions, type OptionChecks } from '../../../src/internal/check-options.js';
import {
  breachedPasswordsCheck,
  createBreachedPasswordCheck,
  sha1Hex,
  type BreachedPasswordsOptions,
  type CheckTimers,
} from '../../../src/password/breached-passwords.js';
import { createPwnedPasswordsStandIn, sha1 } from '../../helpers/pwned-passwords.js';

const RANGE_URL = 'http://127.0.0.1:9/range/';

/** Timers that fire only when the test says so. */
function manualTimers() {
  const due: { callback: () => void; ms: number; cleared: boolean }[] = [];
  const timers: CheckTimers = {
    setTimeout: (callback, ms) => due.push({ callback, ms, cleared: false }) - 1,
    clearTimeout: (handle) => void ((due[handle as number] as { cleared: boolean }).cleared = true),
  };
  return { timers, due };
}

describe('the breached-password check', () => {
  it('finds a breached password, and only the first 5 hex characters of its SHA-1 leave', async () => {
    const standIn = createPwnedPasswordsStandIn();
    standIn.breach('P@ssw0rd', 51_259);
    const check = createBreachedPasswordCheck({ rangeUrl: RANGE_URL, onUnavailable: 'refuse' }, standIn.fetch);

    expect(await check('P@ssw0rd')).toEqual({ verdict: 'breached', count: 51_259 });

    const hash = sha1('P@ssw0rd');
    expect(standIn.requests).toHaveLength(1);
    const [request] = standIn.requests;
    expect(request).toMatchObject({ method: 'GET', url: `http://127.0.0.1:9/range/${hash.slice(0, 5)}`, body: '' });
    expect(request?.headers['add-padding']).toBe('true');
    // Nothing of the rest of the hash, nor the password, in the URL, the headers or the body.
    const sent = JSON.stringify(request);
    expect(sent).not.toContain(hash.slice(5, 10));
    expect(sent.toLowerCase()).not.toContain(hash.slice(5, 10).toLowerCase());
    expect(sent).not.toContain('P@ssw0rd');
    expect(new URL(request!.url).pathname.split('/').at(-1)).toMatch(/^[0-9A-F]{5}$/);
  });

  it('finds a clean password clean, ignoring a padding entry of count 0 with its very suffix', async () => {
    const standIn = createPwnedPasswordsStandIn();
    standIn.padWith('correct horse battery staple');
    const check = createBreachedPasswordCheck({ rangeUrl: RANGE_URL, onUnavailable: 'refuse' }, standIn.fetch);

    expect(await check('correct horse battery staple')).toEqual({ verdict: 'clean' });
    expect(await check('another-unlisted-one')).toEqual({ verdict: 'clean' });
  });

  it('gives up on a slow answer when its timer fires — allowing or refusing as told', async () => {
    for (const onUnavailable of ['allow', 'refuse'] as const) {
      const standIn = createPwnedPasswordsStandIn();
      standIn.behaviour = 'slow';
      const { timers, due } = manualTimers();
      const check = createBreachedPasswordCheck({ rangeUrl: RANGE_URL, timeoutMs: 1500, onUnavailable }, standIn.fetch, timers);

      const result = check('any password');
      await vi.waitFor(() => expect(standIn.requests).toHaveLength(1));
      expect(due.map(({ ms }) => ms)).toEqual([1500]);
      due[0]?.callback();

      expect(await result).toEqual({ verdict: 'unavailable', allowed: onUnavailable === 'allow', reason: 'no answer within 1500 ms' });
    }
  });

  it('treats an error status, a malformed answer or a network failure as unavailable, both ways, and clears its timer', async () => {
    for (const onUnavailable of ['allow', 'refuse'] as const) {
      const standIn = createPwnedPasswordsStandIn();
      const { timers, due } = manualTimers();
      const check = createBreachedPasswordCheck({ rangeUrl: RANGE_URL, onUnavailable }, standIn.fetch, timers);
      const allowed = onUnavailable === 'allow';

      standIn.behaviour = 'failing';
      expect(await check('x')).toEqual({ verdict: 'unavailable', allowed, reason: 'HTTP 503' });
      standIn.behaviour = 'malformed';
      expect(await check('x')).toEqual({ verdict: 'unavailable', allowed, reason: 'a malformed answer' });
      const offline = createBreachedPasswordCheck({ rangeUrl: RANGE_URL, onUnavailable }, () => Promise.reject(new TypeError('fetch failed')), timers);
      expect(await offline('x')).toEqual({ verdict: 'unavailable', allowed, reason: 'network error' });
      expect(due.every(({ cleared }) => cleared)).toBe(true);
    }
  });

  it('refuses an answer larger than any real one, counting what it reads', async () => {
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x41));
      },
    });
    const check = createBreachedPasswordCheck({ rangeUrl: RANGE_URL, onUnavailable: 'refuse' }, async () => new Response(huge, { status: 200 }));
    expect(await check('x')).toEqual({ verdict: 'unavailable', allowed: false, reason: 'an answer over 262144 bytes' });
  });

  it('hashes as the range API lists hashes: SHA-1 of UTF-8, upper-case hex', async () => {
    expect(await sha1Hex('password')).toBe('5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8');
    expect(await sha1Hex('pässwörd')).toBe(sha1('pässwörd'));
  });
});

describe('its options', () => {
  const checks: OptionChecks<{ breachedPasswords?: BreachedPasswordsOptions }> = { breachedPasswords: breachedPasswordsCheck };
  const check = (breachedPasswords: unknown) => () => checkOptions('createChangePasswordPage', checks, { breachedPasswords });

  it('need onUnavailable, and take an https range URL and a timeout within bounds', () => {
    expect(check({ onUnavailable: 'allow' })).not.toThrow();
    expect(check({ onUnavailable: 'refuse', rangeUrl: 'https://pwned.internal.example/range', timeoutMs: 100 })).not.toThrow();
    const cases: [unknown, string][] = [
      [{}, '"options.breachedPasswords.onUnavailable" is required: "allow" or "refuse" (what to do when the range API cannot answer)'],
      [{ onUnavailable: 'ignore' }, '"options.breachedPasswords.onUnavailable" must be "allow" or "refuse" (got "ignore")'],
      [{ onUnavailable: 'allow', rangeUrl: 'http://pwned.example/range/' }, '"options.breachedPasswords.rangeUrl" must be an https:// URL (http:// only for a loopback host such as 127.0.0.1), without query or fragment (got "http://pwned.example/range/")'],
      [{ onUnavailable: 'allow', rangeUrl: 'https://user:secret@pwned.example/range/' }, '"options.breachedPasswords.rangeUrl" must not hold credentials (the value is not shown)'],
      [{ onUnavailable: 'allow', timeoutMs: 99 }, '"options.breachedPasswords.timeoutMs" must be an integer from 100 to 10000 (milliseconds) (got 99)'],
      [{ onUnavailable: 'allow', timeoutMs: 10_001 }, '"options.breachedPasswords.timeoutMs" must be an integer from 100 to 10000 (milliseconds) (got 10001)'],
      [{ onUnavailable: 'allow', retries: 2 }, '"options.breachedPasswords.retries" is not a known option (known: rangeUrl, timeoutMs, onUnavailable)'],
      [true, '"options.breachedPasswords" must be { rangeUrl?, timeoutMs?, onUnavailable } (got true)'],
    ];
    for (const [value, message] of cases) expect(check(value), message).toThrow(message);
    expect(check({ onUnavailable: 'allow', rangeUrl: 'https://user:secret@pwned.example/range/' })).not.toThrow('secret');
  });
});
