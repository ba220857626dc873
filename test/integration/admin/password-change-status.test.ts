import { afterEach, describe, expect, vi } from 'vitest';
import { resolveJobConfig, resolveStatusConfig } from '../../../src/admin/job-config.js';
import type { PasswordChangeStatusOptions } from '../../../src/admin/options.js';
import { passwordChangeStatus, runPasswordChangeStatus, type PasswordStatusCounts } from '../../../src/admin/password-change-status.js';
import { runPasswordChangeJob, type JobClock } from '../../../src/admin/run-password-change-job.js';
import { createPasswordResetClearer } from '../../../src/clearer/create-password-reset-clearer.js';
import { ManagementApiError, OptionsError } from '../../../src/errors/index.js';
import { createFirstLoginGate } from '../../../src/gate/create-first-login-gate.js';
import type { LocalTenant, TenantUser } from '../../../src/testing/local-tenant/index.js';
import { tenantTest as test } from '../../helpers/local-tenant.js';

const DAY = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
});

/** A clock whose monotonic time moves only when the run waits; "now" is the (fakeable) system clock. */
function fakeClock(): JobClock {
  let monotonic = 0;
  return {
    now: () => Date.now(),
    monotonic: () => monotonic,
    sleep: async (ms) => {
      monotonic += ms;
    },
  };
}

const statusOptions = (tenant: LocalTenant, more: Partial<PasswordChangeStatusOptions> = {}): PasswordChangeStatusOptions => ({
  domain: tenant.domain,
  clientId: tenant.clientId,
  clientSecret: tenant.clientSecret,
  fetch: tenant.fetch,
  rate: 100,
  ...more,
});

const statusOf = (tenant: LocalTenant, more: Partial<PasswordChangeStatusOptions> = {}) =>
  runPasswordChangeStatus(resolveStatusConfig(statusOptions(tenant, more)), fakeClock());

const zero: PasswordStatusCounts = { databaseUsers: 0, flagged: 0, flaggedChangedSince: 0, stoppedByFlag: 0, flagFalse: 0, stoppedByRules: 0, stopped: 0 };

describe('passwordChangeStatus', () => {
  test('counts, per database connection, the users flagged, changed since, and stopped today by the flag and by the rules', async ({ tenant }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-10T12:00:00.000Z'));
    tenant.connections.add({ name: 'staff', strategy: 'auth0' });
    // Flagged on 1 March, unchanged: stopped by the flag; its password dates from 2025: by the rules too.
    tenant.users.create({ created_at: '2025-01-01T00:00:00.000Z', app_metadata: { needsPasswordReset: true, needsPasswordResetAt: '2026-03-01T00:00:00.000Z' } });
    // Flagged, then changed on 2 March (the clearer missed it): the gate lets it in; the rules do too.
    tenant.users.create({ created_at: '2025-01-01T00:00:00.000Z', last_password_reset: '2026-03-02T00:00:00.000Z', app_metadata: { needsPasswordReset: true, needsPasswordResetAt: '2026-03-01T00:00:00.000Z' } });
    // Met and cleared; the change was before the breach instant: stopped by the rules only.
    tenant.users.create({ created_at: '2025-01-01T00:00:00.000Z', last_password_reset: '2026-02-20T00:00:00.000Z', app_metadata: { needsPasswordReset: false } });
    // Never flagged, created recently: nobody stops it.
    tenant.users.create({ connection: 'staff', created_at: '2026-03-09T00:00:00.000Z' });
    // Never flagged, its password 100 days old: stopped by both rules.
    tenant.users.create({ connection: 'staff', created_at: '2025-11-30T00:00:00.000Z' });
    tenant.users.create({ connection: 'google-oauth2' });

    const status = await statusOf(tenant, { passwordsSetBefore: '2026-03-01T00:00:00Z', maxPasswordAgeDays: 90 });
    expect(status).toEqual({
      domain: tenant.domain,
      flag: 'needsPasswordReset',
      at: '2026-03-10T12:00:00.000Z',
      rules: { passwordsSetBefore: '2026-03-01T00:00:00Z', maxPasswordAgeDays: 90 },
      connection: undefined,
      connections: [
        { connection: 'Username-Password-Authentication', databaseUsers: 3, flagged: 2, flaggedChangedSince: 1, stoppedByFlag: 1, flagFalse: 1, stoppedByRules: 2, stopped: 2 },
        { connection: 'staff', databaseUsers: 2, flagged: 0, flaggedChangedSince: 0, stoppedByFlag: 0, flagFalse: 0, stoppedByRules: 1, stopped: 1 },
      ],
      total: { databaseUsers: 5, flagged: 2, flaggedChangedSince: 1, stoppedByFlag: 1, flagFalse: 1, stoppedByRules: 3, stopped: 3 },
      otherUsers: 1,
      jobId: expect.stringMatching(/^job_/),
    });

    // Only the age rule: the two passwords older than 90 days; no rule: the flag alone.
    expect((await statusOf(tenant, { maxPasswordAgeDays: 90 })).total.stoppedByRules).toBe(2);
    expect((await statusOf(tenant)).total).toMatchObject({ stoppedByRules: 0, stopped: 1 });
    const staff = await statusOf(tenant, { connection: 'staff', passwordsSetBefore: '2026-03-01T00:00:00Z' });
    expect(staff.connections.map(({ connection }) => connection)).toEqual(['staff']);
    expect(staff).toMatchObject({ connection: 'staff', otherUsers: 0, total: { databaseUsers: 2, stoppedByRules: 1 } });
    // A status costs the export's requests only: it reads no user.
    expect(tenant.counts().getUser).toBe(0);
  });

  test('needs read:users only, checks its options before any request, and refuses a connection no user belongs to', async ({ startTenant }) => {
    const tenant = await startTenant({ scopes: ['read:users'] });
    tenant.users.create();
    expect((await statusOf(tenant)).total.databaseUsers).toBe(1);

    const error = (options: unknown) => {
      try {
        resolveStatusConfig(options);
      } catch (caught) {
        expect(caught).toBeInstanceOf(OptionsError);
        return (caught as OptionsError).message;
      }
      throw new Error('no error');
    };
    expect(error(statusOptions(tenant, { passwordsSetBefore: 'last Tuesday' }))).toBe(
      '[auth0-force-password-reset] passwordChangeStatus: "options.passwordsSetBefore" must be an ISO 8601 time such as "2026-03-01T00:00:00Z" (got "last Tuesday")',
    );
    expect(error(statusOptions(tenant, { maxPasswordAgeDays: 0 }))).toBe(
      '[auth0-force-password-reset] passwordChangeStatus: "options.maxPasswordAgeDays" must be an integer from 1 to 3650 (days) (got 0)',
    );
    expect(error({ ...statusOptions(tenant), users: { all: true } })).toMatch(/"options\.users" is not a known option/);

    const unknown = await statusOf(tenant, { connection: 'nobody' }).catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(OptionsError);
    expect((unknown as OptionsError).message).toBe('[auth0-force-password-reset] passwordChangeStatus: "options.connection" names a connection no user of the tenant belongs to');

    const withoutScope = await startTenant({ scopes: ['update:users'] });
    const refused = await passwordChangeStatus(statusOptions(withoutScope)).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(ManagementApiError);
    expect((refused as ManagementApiError).message).toBe(
      '[auth0-force-password-reset] passwordChangeStatus: getting a Management API token failed: the token does not grant read:users after 1 attempt — grant the M2M application read:users: this run needs read:users',
    );
  });
});

/** A deterministic stream of numbers in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The truth, computed straight from the tenant's records by the rules as the gate states them —
 * independently of the code under test: a password last set (`last_password_reset`, else
 * `created_at`) before the breach instant must change; so must one older than `maxAgeDays`; a flag
 * stops a user until a change later than `<flag>At`.
 */
function truthOf(users: readonly TenantUser[], connection: string, breachAt: number, maxAgeDays: number, now: number): PasswordStatusCounts {
  const counts = { ...zero };
  for (const user of users) {
    if (user.identities[0]?.connection !== connection) continue;
    counts.databaseUsers += 1;
    const setAt = Date.parse(user.last_password_reset ?? user.created_at);
    const flag = user.app_metadata['needsPasswordReset'];
    const changedSinceFlag = flag === true && user.last_password_reset !== undefined && Date.parse(user.last_password_reset) > Date.parse(user.app_metadata['needsPasswordResetAt'] as string);
    const byFlag = flag === true && !changedSinceFlag;
    const byRules = setAt < breachAt || now - setAt > maxAgeDays * DAY;
    counts.flagged += flag === true ? 1 : 0;
    counts.flaggedChangedSince += changedSinceFlag ? 1 : 0;
    counts.flagFalse += flag === false ? 1 : 0;
    counts.stoppedByFlag += byFlag ? 1 : 0;
    counts.stoppedByRules += byRules ? 1 : 0;
    counts.stopped += byFlag || byRules ? 1 : 0;
  }
  return counts;
}

describe('breach day: 10,000 users, passwordsSetBefore deployed, users changing their passwords over the days after', () => {
  test('the status matches the truth each day: by connection, by the flag and by the rules', { timeout: 120_000 }, async ({ tenant }) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const breachAt = Date.parse('2026-03-01T09:00:00.000Z');
    vi.setSystemTime(breachAt);
    const random = seeded(13);
    tenant.connections.add({ name: 'staff', strategy: 'auth0' });
    const connections = ['Username-Password-Authentication', 'staff'] as const;
    const users: TenantUser[] = [];
    for (let index = 0; index < 10_000; index += 1) {
      const social = index % 50 === 0;
      const createdAt = breachAt - Math.floor(random() * 400 * DAY) - DAY;
      const changed = !social && random() < 0.3 ? createdAt + Math.floor(random() * (breachAt - createdAt)) : undefined;
      users.push(
        tenant.users.create({
          connection: social ? 'google-oauth2' : index % 25 === 1 ? 'staff' : 'Username-Password-Authentication',
          created_at: new Date(createdAt).toISOString(),
          ...(changed === undefined ? {} : { last_password_reset: new Date(changed).toISOString() }),
        }),
      );
    }
    const rules = { passwordsSetBefore: new Date(breachAt).toISOString(), maxPasswordAgeDays: 365 };

    // Breach day: staff passwords leaked — the administrator flags every staff user, besides the rule.
    const campaign = await runPasswordChangeJob(
      resolveJobConfig('requirePasswordChange', { ...statusOptions(tenant), users: { connection: 'staff' } }),
      fakeClock(),
    );
    const staffCount = users.filter((user) => user.identities[0]?.connection === 'staff').length;
    expect(campaign.counts).toEqual({ done: staffCount, skipped: 0, failed: 0, excluded: 0 });

    const clearer = createPasswordResetClearer({ log: false });
    // flagOnFirstLogin off: these logins must not add flags of their own to the numbers.
    const flagOnly = createFirstLoginGate({ log: false, flagOnFirstLogin: false });
    const withRules = createFirstLoginGate({ log: false, flagOnFirstLogin: false, ...rules });
    let remaining = users.filter((user) => !user.user_id.startsWith('google-oauth2|'));
    for (let day = 0; day <= 4; day += 1) {
      vi.setSystemTime(breachAt + day * DAY + 3_600_000);
      if (day > 0) {
        // A third of those who have not changed yet do so today; every twentieth staff change
        // misses the clearer (it failed): the flag stays, and the gate heals it at the next login.
        const changing = remaining.filter(() => random() < 1 / 3);
        for (const [index, user] of changing.entries()) {
          vi.setSystemTime(breachAt + day * DAY + 3_600_000 + index * 1000);
          const isStaff = user.identities[0]?.connection === 'staff';
          if (isStaff && index % 20 !== 0) await tenant.runPasswordChange(user.user_id, `N3w-Passw0rd-${day}-${index}`, clearer).completion;
          else tenant.users.changePassword(user.user_id, `N3w-Passw0rd-${day}-${index}`);
        }
        const changed = new Set(changing.map((user) => user.user_id));
        remaining = remaining.filter((user) => !changed.has(user.user_id));
        vi.setSystemTime(breachAt + day * DAY + 20 * 3_600_000);
      }
      const now = Date.now();
      const status = await statusOf(tenant, rules);
      const records = tenant.users.list();
      for (const connection of connections) {
        expect(status.connections.find((counts) => counts.connection === connection), `day ${day}, ${connection}`).toEqual({
          connection,
          ...truthOf(records, connection, breachAt, rules.maxPasswordAgeDays, now),
        });
      }
      expect(status.otherUsers).toBe(200);
      // Everyone who has not changed since the breach is stopped by the rule, whatever the flag says.
      expect(status.total.stoppedByRules).toBe(remaining.length);

      // The numbers are the gate's own decisions: logins of a sample of each connection agree, the
      // flag alone (the gate as deployed before the rule) and with the rules.
      for (const connection of connections) {
        const sample = records.filter((user) => user.identities[0]?.connection === connection).slice(0, 40);
        const truth = truthOf(sample, connection, breachAt, rules.maxPasswordAgeDays, now);
        const deniedBy = async (handler: typeof flagOnly) => {
          let denied = 0;
          for (const user of sample) if ((await tenant.runLogin(user.user_id, handler)).allowed !== true) denied += 1;
          return denied;
        };
        expect(await deniedBy(flagOnly), `day ${day}, ${connection}, the flag`).toBe(truth.stoppedByFlag);
        expect(await deniedBy(withRules), `day ${day}, ${connection}, the flag and the rules`).toBe(truth.stopped);
      }
    }
    expect(remaining.length).toBeLessThan(2500);
  });
});
