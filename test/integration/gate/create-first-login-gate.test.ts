/**
 * Issue 23, item 2, on a local tenant: the warning window of `maxPasswordAgeDays` and the spread of
 * `passwordsSetBefore`, at their boundaries. The gate has the change-password page and reset emails
 * configured: an interactive login in a warning window goes to the page (which offers "Not now"), one
 * outside it is let in or stopped; at every row the tenant records no Management API request, sends no
 * email, and the user's `app_metadata` stays as it was.
 */
import { afterEach, describe, expect, vi } from 'vitest';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { FirstLoginGateOptions } from '../../../src/gate/options.js';
import { graceOffsetDays } from '../../../src/obligation/obligation.js';
import type { LocalTenant } from '../../../src/testing/local-tenant/index.js';
import { tenantTest as it } from '../../helpers/local-tenant.js';

const DAY = 86_400_000;
const PAGE_KEY = 'a-page-key-of-at-least-thirty-two-bytes';
const iso = (ms: number) => new Date(ms).toISOString();

afterEach(() => {
  vi.useRealTimers();
});

/** What a login came to, as the user and the tenant saw it. */
type Seen = 'let in' | 'sent to the page' | 'denied';

/** One login of `userId` at `ms` on the system clock (moved with the tenant's), with the gate's log line. */
async function loginAt(tenant: LocalTenant, userId: string, ms: number, options: FirstLoginGateOptions) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(ms);
  const lines: Array<Record<string, unknown>> = [];
  const gate = createFirstLoginGate({
    ...options,
    changePasswordPage: { url: 'https://account.example.com/change-password' },
    sendResetEmail: true,
    fetch: tenant.fetch,
    log: (entry) => void lines.push({ ...entry }),
  });
  const before = tenant.users.get(userId)?.app_metadata;
  const outcome = await tenant.runLogin(userId, gate, { secrets: { CHANGE_PASSWORD_PAGE_SECRET: PAGE_KEY } });
  const seen: Seen = outcome.allowed ? 'let in' : outcome.redirect !== undefined ? 'sent to the page' : 'denied';
  return { seen, outcome, line: lines[0], before, after: tenant.users.get(userId)?.app_metadata };
}

describe('maxPasswordAgeDays: { days: 90, warnDays: 14 }, on a local tenant', () => {
  const SET = Date.parse('2026-01-10T08:00:00.000Z');
  const DUE = SET + 90 * DAY;
  const options: FirstLoginGateOptions = { maxPasswordAgeDays: { days: 90, warnDays: 14 } };

  for (const [name, ms, seen, reason] of [
    ['before the first warning day', DUE - 14 * DAY - 1, 'let in', 'not-flagged'],
    ['the first warning day', DUE - 14 * DAY, 'sent to the page', 'password-expires-soon'],
    ['the last warning day, to its last millisecond', DUE, 'sent to the page', 'password-expires-soon'],
    ['a millisecond after', DUE + 1, 'sent to the page', 'password-too-old'],
  ] as const) {
    it(`${name}: ${seen} (${reason}), no Management API request, no write`, async ({ tenant }) => {
      const { user_id: userId } = tenant.users.create({ email: 'ada@example.com', created_at: iso(SET - DAY), last_password_reset: iso(SET), logins_count: 8 });
      const login = await loginAt(tenant, userId, ms, options);
      expect(login.seen).toBe(seen);
      expect(login.line).toMatchObject({ reason });
      // With the page, an interactive login in the window goes there, to choose "Not now" or a new password.
      if (reason === 'password-expires-soon') expect(login.line).toMatchObject({ decision: 'redirect', page: 'sent', due: iso(DUE) });
      expect(login.outcome.appMetadataWrites).toEqual([]);
      expect(login.after).toEqual(login.before);
      expect(tenant.counts().total).toBe(0);
      expect(tenant.resetEmails).toEqual([]);
    });
  }
});

describe('passwordsSetBefore: { at, graceDays: 7 }, on a local tenant', () => {
  const CUT_OFF = Date.parse('2026-11-30T00:00:00.000Z');
  const options: FirstLoginGateOptions = { passwordsSetBefore: { at: iso(CUT_OFF), graceDays: 7 } };
  /** A database user id, in Auth0's shape, whose day in the 7-day spread is `offset`. */
  const idAt = (offset: number) => {
    for (let n = 0; ; n += 1) {
      const id = `auth0|${n.toString(16).padStart(24, '0')}`;
      if (graceOffsetDays(id, 7) === offset) return id;
    }
  };

  for (const [name, offset, ms, seen, reason] of [
    ['offset 0, before the cut-off', 0, CUT_OFF - 1, 'let in', 'not-flagged'],
    ['offset 0, the first day of the spread', 0, CUT_OFF, 'sent to the page', 'passwords-set-before'],
    ['the largest offset (7), the first day', 7, CUT_OFF, 'sent to the page', 'passwords-set-before-grace'],
    ['the largest offset, the last moment of its grace', 7, CUT_OFF + 7 * DAY - 1, 'sent to the page', 'passwords-set-before-grace'],
    ['the largest offset, its own day', 7, CUT_OFF + 7 * DAY, 'sent to the page', 'passwords-set-before'],
  ] as const) {
    it(`${name}: ${seen} (${reason}), no Management API request, no write`, async ({ tenant }) => {
      const { user_id: userId } = tenant.users.create({
        user_id: idAt(offset),
        email: 'ada@example.com',
        created_at: '2026-03-01T00:00:00.000Z',
        last_password_reset: '2026-06-01T00:00:00.000Z',
        logins_count: 8,
      });
      const login = await loginAt(tenant, userId, ms, options);
      expect(login.seen).toBe(seen);
      expect(login.line).toMatchObject({ reason });
      if (reason === 'passwords-set-before-grace') expect(login.line).toMatchObject({ decision: 'redirect', page: 'sent', due: iso(CUT_OFF + 7 * DAY) });
      expect(login.outcome.appMetadataWrites).toEqual([]);
      expect(login.after).toEqual(login.before);
      expect(tenant.counts().total).toBe(0);
      expect(tenant.resetEmails).toEqual([]);
    });
  }
});
