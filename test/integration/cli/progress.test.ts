import { afterEach, describe, expect, vi } from 'vitest';
import { cliTest as it } from '../../helpers/cli.js';

/** What the tool prints while a plan's rate limit holds it back: a line per kind of wait, not per wait. */

afterEach(() => {
  vi.useRealTimers();
});

// In a describe, not at the top of the file: there, with the integration project's modules shared by
// the files of a worker (isolate: false), the override stayed on `cliTest` for the files run after this one.
describe('rate-limit waits', () => {
  it.override('tenantOptions', { rateLimit: 'free' });

  it('a free plan (2 requests/s, a burst of 2) run at --rate 4 over 33 users: one line for the rate limit, the other waits counted at the end', async ({ tenant, users, cli }) => {
    // The tenant's bucket refills by the system clock: the tool's waits move it, so the run meets the
    // limit as it would in real time, without taking that time.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-03-01T10:00:00.000Z') });
    const selected = Array.from({ length: 33 }, () => users.database());
    // Faster than the plan allows: the bucket runs dry again and again, and each 429 is waited out.
    const run = await cli(['require-change', ...selected.map((user) => user.user_id), '--rate', '4'], { onSleep: (ms) => vi.setSystemTime(Date.now() + ms) });

    expect(run.code).toBe(0);
    const lines = run.stderr.split('\n');
    const waits = run.sleeps.filter((ms) => ms >= 1000);
    // Each of these used to print its own "waiting 1s: …" line.
    expect(waits.length).toBeGreaterThanOrEqual(20);
    expect(lines.filter((line) => line.startsWith('waiting '))).toEqual(["waiting 1s: the tenant's rate limit is used up (HTTP 429)"]);
    const seconds = Math.round(waits.reduce((sum, ms) => sum + ms, 0) / 1000);
    expect(lines.at(-2)).toBe(`waited ${waits.length} times on the tenant's rate limit (HTTP 429), ${seconds}s in all`);
    expect(lines.filter((line) => line.startsWith('['))).toHaveLength(33);
    expect(selected.every((user) => tenant.users.get(user.user_id)!.app_metadata['needsPasswordReset'] === true)).toBe(true);
  });
});
