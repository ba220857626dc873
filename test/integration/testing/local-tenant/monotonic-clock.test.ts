import { afterEach, describe, expect, vi } from 'vitest';
import { createPasswordResetClearer } from '../../../../src/clearer/create-password-reset-clearer.js';
import { createFirstLoginGate } from '../../../../src/gate/create-first-login-gate.js';
import type { LocalTenant } from '../../../../src/testing/local-tenant/index.js';
import { tenantTest as it } from '../../../helpers/local-tenant.js';

const YEAR = 365 * 24 * 60 * 60 * 1000;

afterEach(() => {
  vi.useRealTimers();
});

/** First login denied → password change → the clearer clears → the next login is allowed. */
async function lifecycle(tenant: LocalTenant) {
  const gate = createFirstLoginGate({ log: false });
  const clearer = createPasswordResetClearer({ fetch: tenant.fetch, log: false });
  const { user_id: userId } = tenant.users.create({ email: 'ada@example.com' });

  const first = await tenant.runLogin(userId, gate);
  const change = tenant.runPasswordChange(userId, 'A-new-Passw0rd', clearer);
  const completion = await change.completion;
  const next = await tenant.runLogin(userId, gate);
  return { first, change, completion, next, user: tenant.users.get(userId)! };
}

describe('one clock: the system clock, moved by the test runner, drives the tenant and the handlers alike', () => {
  for (const [moved, shift] of [
    ['a year into the past', -YEAR],
    ['a year into the future', YEAR],
  ] as const) {
    it(`the lifecycle holds with the clock moved ${moved}`, async ({ tenant }) => {
      const movedTo = Date.now() + shift;
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(movedTo);

      const { first, change, completion, next, user } = await lifecycle(tenant);

      expect(first.deniedWith).toBe('Please reset your password!');
      expect(Date.parse(String(first.user.app_metadata['needsPasswordResetAt']))).toBe(movedTo);
      expect(Date.parse(change.changedAt)).toBeGreaterThan(movedTo);
      expect(Math.abs(Date.parse(change.changedAt) - movedTo)).toBeLessThan(1_000);
      expect(completion).toEqual({ ok: true });
      expect(user.app_metadata['needsPasswordReset']).toBe(false);
      expect(next.allowed).toBe(true);
    });
  }

  it('a plain vi.useFakeTimers() does not stall the runners: the toolkit uses node:timers, not the globals', async ({ tenant }) => {
    vi.useFakeTimers();

    const { first, completion, next } = await lifecycle(tenant);

    expect(first.deniedWith).toBe('Please reset your password!');
    expect(completion).toEqual({ ok: true });
    expect(next.allowed).toBe(true);
  });
});
