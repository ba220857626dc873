import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFirstLoginGate, createPasswordResetClearer } from '../../../src/index.js';
import { createChangePasswordPage } from '../../../src/page/index.js';
import { buildPostChangePasswordEvent, buildPostLoginEvent, GOOGLE_CONNECTION } from '../../../src/testing/events.js';
import { createMemoryCache } from '../../../src/testing/memory-cache.js';
import { createPostLoginApi } from '../../../src/testing/recording-api.js';

/**
 * FORCE_PASSWORD_RESET_LOG: a test run silences the JSON lines of every handler whose `log` option is
 * not given, without a `log: false` in each test; an explicit `log` wins.
 */
const VARIABLE = 'FORCE_PASSWORD_RESET_LOG';
const saved = process.env[VARIABLE];

afterEach(() => {
  if (saved === undefined) delete process.env[VARIABLE];
  else process.env[VARIABLE] = saved;
  vi.restoreAllMocks();
});

/** The JSON lines a first login through a gate made with `options` printed. */
async function linesOfAFirstLogin(options: Parameters<typeof createFirstLoginGate>[0] = {}): Promise<string[]> {
  const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
  const api = createPostLoginApi();
  await createFirstLoginGate(options)(buildPostLoginEvent(), api);
  expect(api.deniedWith).toBe('Please reset your password!');
  const lines = printed.mock.calls.map(([line]) => String(line));
  printed.mockRestore();
  return lines;
}

describe('FORCE_PASSWORD_RESET_LOG', () => {
  it('unset, empty or anything else: the gate prints its line, as before', async () => {
    delete process.env[VARIABLE];
    expect(await linesOfAFirstLogin()).toEqual([expect.stringContaining('"decision":"deny","reason":"first-login"')]);
    for (const value of ['', '1', 'true', 'yes']) {
      process.env[VARIABLE] = value;
      expect(await linesOfAFirstLogin(), value).toHaveLength(1);
    }
  });

  it('0, false, off or no (any case, spaces around): the gate prints nothing and decides the same', async () => {
    for (const value of ['0', 'false', 'FALSE', ' off ', 'No']) {
      process.env[VARIABLE] = value;
      expect(await linesOfAFirstLogin(), value).toEqual([]);
    }
  });

  it('an explicit log option wins: log: true prints, a function receives the entry', async () => {
    process.env[VARIABLE] = '0';
    expect(await linesOfAFirstLogin({ log: true })).toHaveLength(1);
    const entries: unknown[] = [];
    expect(await linesOfAFirstLogin({ log: (entry) => void entries.push(entry) })).toEqual([]);
    expect(entries).toEqual([expect.objectContaining({ decision: 'deny', reason: 'first-login' })]);
  });

  it('is read when the handler is created, not at each decision', async () => {
    process.env[VARIABLE] = '0';
    const gate = createFirstLoginGate();
    process.env[VARIABLE] = '1';
    const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
    await gate(buildPostLoginEvent(), createPostLoginApi());
    expect(printed).not.toHaveBeenCalled();
  });

  it('silences the clearer and the change-password page too', async () => {
    process.env[VARIABLE] = 'false';
    const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
    // A social user's password change: the clearer skips it, and would log that.
    await createPasswordResetClearer()(buildPostChangePasswordEvent({ connection: GOOGLE_CONNECTION }), { cache: createMemoryCache() });
    const page = createChangePasswordPage({ domain: 'acme.eu.auth0.com', clientId: 'id', clientSecret: 'secret', sessionSecret: 'k'.repeat(32) });
    const answer = await page(new Request('https://login-help.example.com/change-password'));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(printed).not.toHaveBeenCalled();

    delete process.env[VARIABLE];
    await createPasswordResetClearer()(buildPostChangePasswordEvent({ connection: GOOGLE_CONNECTION }), { cache: createMemoryCache() });
    await createChangePasswordPage({ domain: 'acme.eu.auth0.com', clientId: 'id', clientSecret: 'secret', sessionSecret: 'k'.repeat(32) })(
      new Request('https://login-help.example.com/change-password'),
    );
    expect(printed.mock.calls.map(([line]) => JSON.parse(String(line)).trigger)).toEqual(['post-change-password', 'change-password-page']);
  });
});
