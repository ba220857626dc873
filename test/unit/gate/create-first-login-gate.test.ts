import { describe, expect, it, vi } from 'vitest';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { LogEntry } from '../../../src/internal/log.js';
import type { PostLoginApi, PostLoginEvent } from '../../../src/auth0/post-login.js';
import { buildPostLoginEvent, GOOGLE_CONNECTION } from '../../../src/testing/events.js';
import { createPostLoginApi } from '../../../src/testing/recording-api.js';
import { VERSION } from '../../../src/version.js';

function collectLogs() {
  const entries: LogEntry[] = [];
  return { entries, log: (entry: LogEntry) => void entries.push(entry) };
}

const flaggedUser = { app_metadata: { needsPasswordReset: true, needsPasswordResetAt: '2026-02-01T00:00:00.000Z', plan: 'gold' } };

describe('the post-login handler', () => {
  it('denies a first login with the default message and queues the flag through api.user.setAppMetadata', async () => {
    const api = createPostLoginApi();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.parse('2026-03-01T09:30:00.250Z'));
      await createFirstLoginGate({ log: false })(buildPostLoginEvent(), api);
    } finally {
      vi.useRealTimers();
    }
    expect(api.denials).toEqual(['Please reset your password!']);
    expect(api.appMetadataWrites.map(([key]) => key)).toEqual(['needsPasswordReset', 'needsPasswordResetAt']);
    expect(api.pendingAppMetadata['needsPasswordReset']).toBe(true);
    // Stamped with the clock's time at the decision, to the millisecond.
    expect(api.pendingAppMetadata['needsPasswordResetAt']).toBe('2026-03-01T09:30:00.250Z');
  });

  it('uses the localized message for event.transaction.locale', async () => {
    const gate = createFirstLoginGate({ log: false, message: { default: 'Reset it.', fr: 'Réinitialisez-le.' } });
    const api = createPostLoginApi();
    await gate(buildPostLoginEvent({ transaction: { locale: 'fr-CA' } }), api);
    expect(api.deniedWith).toBe('Réinitialisez-le.');
  });

  it('heals: lets in a flagged user who changed the password, writing only the flag', async () => {
    const api = createPostLoginApi();
    await createFirstLoginGate({ log: false })(
      buildPostLoginEvent({ user: { ...flaggedUser, last_password_reset: '2026-02-03T00:00:00.000Z' }, stats: { logins_count: 2 } }),
      api,
    );
    expect(api.denials).toEqual([]);
    expect(api.appMetadataWrites).toEqual([['needsPasswordReset', false]]);
  });

  it('allows a social user with no writes, even a flagged one', async () => {
    const api = createPostLoginApi();
    await createFirstLoginGate({ log: false })(buildPostLoginEvent({ connection: GOOGLE_CONNECTION, user: flaggedUser }), api);
    expect(api.denials).toEqual([]);
    expect(api.appMetadataWrites).toEqual([]);
  });

  it('in report mode decides and logs, but never denies and never writes', async () => {
    const { entries, log } = collectLogs();
    const api = createPostLoginApi();
    await createFirstLoginGate({ mode: 'report', log })(buildPostLoginEvent(), api);
    expect(api.denials).toEqual([]);
    expect(api.appMetadataWrites).toEqual([]);
    expect(entries).toEqual([
      expect.objectContaining({ decision: 'deny', reason: 'first-login', mode: 'report', wrote: ['needsPasswordReset', 'needsPasswordResetAt'] }),
    ]);
  });

  describe('logging', () => {
    it('prints one JSON line per decision with the decision, reason, user id and version, under 256 characters', async () => {
      const lines: string[] = [];
      const original = console.log;
      console.log = (line: string) => void lines.push(line);
      try {
        const longId = `auth0|${'x'.repeat(300)}`;
        await createFirstLoginGate()(buildPostLoginEvent({ user: { user_id: longId } }), createPostLoginApi());
      } finally {
        console.log = original;
      }
      expect(lines).toHaveLength(1);
      const line = lines[0] as string;
      expect(line.length).toBeLessThan(256);
      expect(JSON.parse(line)).toMatchObject({
        lib: 'auth0-force-password-reset',
        v: VERSION,
        trigger: 'post-login',
        decision: 'deny',
        reason: 'first-login',
        mode: 'enforce',
      });
      expect(JSON.parse(line).user_id).toMatch(/^auth0\|x+…$/);
    });

    it('keeps the line under 256 characters with a very long flag name and user id', async () => {
      const entries: string[] = [];
      const gate = createFirstLoginGate({ flag: 'f'.repeat(200), log: (entry) => void entries.push(JSON.stringify(entry)) });
      await gate(buildPostLoginEvent({ user: { user_id: `auth0|${'9'.repeat(200)}` } }), createPostLoginApi());
      expect(entries).toHaveLength(1);
      expect((entries[0] as string).length).toBeLessThan(256);
      expect(JSON.parse(entries[0] as string)).toMatchObject({ decision: 'deny', reason: 'first-login' });
    });

    // Issue 10, item 12: escaping grows the line; the cut must count the JSON, not the characters.
    it.each([
      ['quotes', '"'.repeat(240)],
      ['backslashes', '\\'.repeat(240)],
      ['control characters', '\u0001'.repeat(240)],
      ['a short id of control characters', '\u0007'.repeat(40)],
    ])('keeps the line within 255 characters when user_id holds %s, and when the detail does too', async (_name, tail) => {
      const lines: string[] = [];
      const gate = createFirstLoginGate({ log: (entry) => void lines.push(JSON.stringify(entry)) });
      await gate(buildPostLoginEvent({ user: { user_id: `auth0|${tail}` } }), createPostLoginApi());
      // An internal fault whose message escapes as badly: 0.1.0 cut both fields to 16 characters
      // and still wrote a line of over 300.
      const faulty = buildPostLoginEvent({ user: { user_id: `auth0|${tail}` } });
      Object.defineProperty(faulty, 'connection', {
        get() {
          throw new Error(tail);
        },
      });
      await gate(faulty, createPostLoginApi());
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(255);
      expect(JSON.parse(lines[0] as string)).toMatchObject({ decision: 'deny', reason: 'first-login' });
      expect(JSON.parse(lines[1] as string)).toMatchObject({ decision: 'deny', reason: 'internal-error' });
    });

    it('is silent with log: false', async () => {
      const lines: unknown[] = [];
      const original = console.log;
      console.log = (line: unknown) => void lines.push(line);
      try {
        await createFirstLoginGate({ log: false })(buildPostLoginEvent(), createPostLoginApi());
      } finally {
        console.log = original;
      }
      expect(lines).toEqual([]);
    });

    it('survives a log function that throws', async () => {
      const api = createPostLoginApi();
      const gate = createFirstLoginGate({
        log: () => {
          throw new Error('log sink down');
        },
      });
      await expect(gate(buildPostLoginEvent(), api)).resolves.toBeUndefined();
      expect(api.deniedWith).toBe('Please reset your password!');
    });
  });

  describe('never throws; fails closed', () => {
    it.each([
      ['an empty event', {}],
      ['no user', { connection: { strategy: 'auth0', name: 'db', id: 'c' }, stats: { logins_count: 1 } }],
      ['app_metadata not an object', buildPostLoginEvent({ user: { app_metadata: 'oops' as never } })],
    ])('%s → deny with the message and a log line saying why', async (_name, event) => {
      const { entries, log } = collectLogs();
      const api = createPostLoginApi();
      await expect(createFirstLoginGate({ log })(event as PostLoginEvent, api)).resolves.toBeUndefined();
      expect(api.denials).toEqual(['Please reset your password!']);
      expect(entries).toEqual([expect.objectContaining({ decision: 'deny', reason: 'malformed-event', detail: expect.any(String) })]);
    });

    it('denies when the event throws as it is read (an internal fault)', async () => {
      const { entries, log } = collectLogs();
      const api = createPostLoginApi();
      const event = buildPostLoginEvent();
      Object.defineProperty(event, 'user', {
        get() {
          throw new Error('boom');
        },
      });
      await expect(createFirstLoginGate({ log })(event, api)).resolves.toBeUndefined();
      expect(api.denials).toEqual(['Please reset your password!']);
      expect(entries[0]).toMatchObject({ decision: 'deny', reason: 'internal-error' });
    });

    // Issue 10, item 3: the deny itself was outside the try.
    it.each([
      ['an api without access', {}],
      ['an access without deny', { access: {} }],
      ['a deny that throws', { access: { deny: () => { throw new Error('deny unavailable'); } } }],
    ])('resolves with %s, and says so in the log', async (_name, parts) => {
      const { entries, log } = collectLogs();
      const api = { user: { setAppMetadata: () => api }, ...parts } as unknown as PostLoginApi;
      await expect(createFirstLoginGate({ log })(buildPostLoginEvent(), api)).resolves.toBeUndefined();
      expect(entries.at(-1)).toMatchObject({ decision: 'warn', reason: 'deny-failed', detail: expect.stringMatching(/Error/) });
    });

    it('denies when api.user.setAppMetadata throws, instead of surfacing an Extensibility Error', async () => {
      const denials: string[] = [];
      const api = {
        access: { deny: (reason: string) => void denials.push(reason) },
        user: {
          setAppMetadata: () => {
            throw new Error('metadata store unavailable');
          },
        },
      } as unknown as PostLoginApi;
      const event = buildPostLoginEvent({ user: { ...flaggedUser, last_password_reset: '2026-02-03T00:00:00.000Z' } });
      await expect(createFirstLoginGate({ log: false })(event, api)).resolves.toBeUndefined();
      expect(denials).toEqual(['Please reset your password!']);
    });
  });

  // Issue 23, items 2–4: warnings, the passkey exemption, and the audit fields of a line.
  describe('warnings, passkey logins and the audit fields', () => {
    const PAGE_KEY = 'a-page-key-of-at-least-thirty-two-bytes';
    const SET = '2026-01-10T08:00:00.000Z';
    const DUE = '2026-04-10T08:00:00.000Z'; // SET + 90 days

    /** The gate with everything a stopped login could use: the page, reset emails (through `requests`), logs. */
    function fullGate(options: Parameters<typeof createFirstLoginGate>[0] = {}) {
      const { entries, log } = collectLogs();
      const requests: string[] = [];
      const fetch = (async (input: RequestInfo | URL) => {
        requests.push(String(input));
        return new Response(null, { status: 200 });
      }) as typeof globalThis.fetch;
      const gate = createFirstLoginGate({
        changePasswordPage: { url: 'https://account.example.com/change-password' },
        sendResetEmail: true,
        fetch,
        log,
        ...options,
      });
      return { gate, entries, requests };
    }

    async function at<T>(iso: string, run: () => Promise<T>): Promise<T> {
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.parse(iso));
        return await run();
      } finally {
        vi.useRealTimers();
      }
    }

    it('a warning lets the login go on: logged with when the change is due; no deny, write, redirect, email or request', async () => {
      // A login the page cannot take (a refresh-token exchange): the warning is only logged.
      const { gate, entries, requests } = fullGate({ maxPasswordAgeDays: { days: 90, warnDays: 14 } });
      const event = buildPostLoginEvent({
        stats: { logins_count: 9 },
        user: { last_password_reset: SET },
        secrets: { CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY },
        transaction: { protocol: 'oauth2-refresh-token' },
      });
      const api = createPostLoginApi({ event });
      await at('2026-04-01T00:00:00.000Z', () => gate(event, api));
      expect(api.denials).toEqual([]);
      expect(api.appMetadataWrites).toEqual([]);
      expect(api.redirectedTo).toBeUndefined();
      expect(api.blockedRequests).toEqual([]);
      expect(requests).toEqual([]);
      expect(entries).toEqual([
        {
          lib: 'auth0-force-password-reset',
          v: VERSION,
          trigger: 'post-login',
          decision: 'allow',
          reason: 'password-expires-soon',
          user_id: event.user.user_id,
          mode: 'enforce',
          due: DUE,
        },
      ]);
    });

    it('a warning without the page is only logged, interactive or not', async () => {
      const { entries, log } = collectLogs();
      const gate = createFirstLoginGate({ sendResetEmail: true, fetch: (() => Promise.reject(new Error('no request expected'))) as typeof globalThis.fetch, log, maxPasswordAgeDays: { days: 90, warnDays: 14 } });
      const event = buildPostLoginEvent({ stats: { logins_count: 9 }, user: { last_password_reset: SET } });
      const api = createPostLoginApi({ event });
      await at('2026-04-01T00:00:00.000Z', () => gate(event, api));
      expect(api.denials).toEqual([]);
      expect(api.redirectedTo).toBeUndefined();
      expect(api.appMetadataWrites).toEqual([]);
      expect(entries).toEqual([expect.objectContaining({ decision: 'allow', reason: 'password-expires-soon', due: DUE })]);
      expect(entries[0]).not.toHaveProperty('page');
    });

    it('the same login a millisecond after the deadline goes to the page, the line saying since when', async () => {
      const { gate, entries } = fullGate({ maxPasswordAgeDays: { days: 90, warnDays: 14 } });
      const event = buildPostLoginEvent({ stats: { logins_count: 9 }, user: { last_password_reset: SET }, secrets: { CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY } });
      const api = createPostLoginApi({ event });
      await at('2026-04-10T08:00:00.001Z', () => gate(event, api));
      expect(api.redirectedTo?.url).toMatch(/^https:\/\/account\.example\.com\/change-password\?session_token=/);
      expect(entries).toEqual([expect.objectContaining({ decision: 'redirect', reason: 'password-too-old', page: 'sent', since: DUE })]);
    });

    it('a flagged user’s line says since when and by whom', async () => {
      const { entries, log } = collectLogs();
      const flagged = { app_metadata: { needsPasswordReset: true, needsPasswordResetAt: '2026-02-01T00:00:00.000Z', needsPasswordResetBy: 'alice via Xq3bN8kF2mP9' } };
      await createFirstLoginGate({ log })(buildPostLoginEvent({ stats: { logins_count: 3 }, user: flagged }), createPostLoginApi());
      expect(entries).toEqual([
        expect.objectContaining({ decision: 'deny', reason: 'flagged', since: '2026-02-01T00:00:00.000Z', by: 'alice via Xq3bN8kF2mP9' }),
      ]);
    });

    describe.each([
      ['quotes', '"'.repeat(200)],
      ['backslashes', '\\'.repeat(200)],
      ['control characters and an escape sequence', '\u001b]0;pwned\u0007\n'.repeat(20)],
    ])('when <flag>By holds %s', (_name, by) => {
      const userId = 'auth0|64b7f0c2a1d3e4f5a6b7c8d9';
      const flagged = { user_id: userId, app_metadata: { needsPasswordReset: true, needsPasswordResetAt: '2026-02-01T00:00:00.000Z', needsPasswordResetBy: by } };

      it('the line shows its first 32 characters, made plain, within 255 characters', async () => {
        const lines: string[] = [];
        await createFirstLoginGate({ log: (entry) => void lines.push(JSON.stringify(entry)) })(
          buildPostLoginEvent({ stats: { logins_count: 3 }, user: flagged }),
          createPostLoginApi(),
        );
        const line = lines[0] as string;
        expect(line.length).toBeLessThanOrEqual(255);
        const entry = JSON.parse(line) as LogEntry;
        expect(entry).toMatchObject({ decision: 'deny', reason: 'flagged', user_id: userId, since: '2026-02-01T00:00:00.000Z' });
        expect(entry.by).toHaveLength(32);
        expect(entry.by).not.toMatch(/[\u0000-\u001f\u007f-\u009f"\\]/);
      });

      it('the fullest line (page and email tried) leaves since and by out rather than cut the user id or the detail', async () => {
        const lines: string[] = [];
        const { gate } = fullGate({ log: (entry) => void lines.push(JSON.stringify(entry)) });
        // A refresh-token exchange: the page is not possible, and no email for it either.
        const event = buildPostLoginEvent({ stats: { logins_count: 3 }, user: flagged, transaction: { protocol: 'oauth2-refresh-token' } });
        await gate(event, createPostLoginApi({ event }));
        const line = lines[0] as string;
        expect(line.length).toBeLessThanOrEqual(255);
        const entry = JSON.parse(line) as LogEntry;
        expect(entry).toMatchObject({
          decision: 'deny',
          reason: 'flagged',
          user_id: userId,
          page: 'not-possible',
          email: 'not-interactive',
          // Already at the edge before since and by: the emitter may shorten it by the version's length.
          detail: expect.stringMatching(/^not an interactive/),
        });
        expect(entry).not.toHaveProperty('since');
        expect(entry).not.toHaveProperty('by');
      });
    });

    it('with exempt.passkeyLogins, a flagged user’s passkey login is let in and logged; nothing written', async () => {
      const { entries, log } = collectLogs();
      const api = createPostLoginApi();
      const event = buildPostLoginEvent({
        stats: { logins_count: 3 },
        user: flaggedUser,
        authentication: { methods: [{ name: 'passkey', timestamp: '2026-03-01T00:00:00.000Z' }] },
      });
      await createFirstLoginGate({ log, exempt: { passkeyLogins: true } })(event, api);
      expect(api.denials).toEqual([]);
      expect(api.appMetadataWrites).toEqual([]);
      expect(entries).toEqual([expect.objectContaining({ decision: 'allow', reason: 'passkey-login' })]);
    });
  });
});
