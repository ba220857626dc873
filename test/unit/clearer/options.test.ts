import { describe, expect, it } from 'vitest';
import { createPasswordResetClearer } from '../../../src/clearer/create-password-reset-clearer.js';
import { decideClear } from '../../../src/clearer/decide-clear.js';
import { OptionsError } from '../../../src/errors/index.js';
import { obligationKeys } from '../../../src/obligation/obligation.js';
import { toIsoInstant } from '../../../src/obligation/time.js';

const P = '[auth0-force-password-reset] createPasswordResetClearer:';

function messageOf(options: unknown): string {
  try {
    createPasswordResetClearer(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return (error as Error).message;
  }
  throw new Error('expected createPasswordResetClearer to throw');
}

describe('createPasswordResetClearer options', () => {
  it('accepts no options, and every documented option; returns a named handler', () => {
    expect(createPasswordResetClearer().name).toBe('onExecutePostChangePassword');
    expect(
      createPasswordResetClearer({
        flag: 'mustChangePassword',
        secrets: { domain: 'MGMT_DOMAIN', clientId: 'MGMT_ID', clientSecret: 'MGMT_SECRET' },
        log: false,
        fetch: globalThis.fetch,
        requestTimeoutMs: 3000,
        deadlineMs: 10000,
        maxAttempts: 3,
      }),
    ).toBeTypeOf('function');
  });

  it.each([
    [{ flag: 'x.y' }, `${P} "options.flag" must not contain "." or "$" (got "x.y")`],
    [{ secrets: 'AUTH0' }, `${P} "options.secrets" must be an object with domain, clientId and/or clientSecret (got "AUTH0")`],
    [{ secrets: { clientSecret: '' } }, `${P} "options.secrets.clientSecret" must be the name of an Action secret (got "")`],
    [{ secrets: { secret: 'X' } }, `${P} "options.secrets.secret" is not a known option (known: domain, clientId, clientSecret)`],
    [{ fetch: 'node-fetch' }, `${P} "options.fetch" must be a function (got "node-fetch")`],
    [{ requestTimeoutMs: 0 }, `${P} "options.requestTimeoutMs" must be an integer from 100 to 15000 (milliseconds) (got 0)`],
    [{ deadlineMs: 20000 }, `${P} "options.deadlineMs" must be an integer from 500 to 18000 (milliseconds) (got 20000)`],
    [{ maxAttempts: 2.5 }, `${P} "options.maxAttempts" must be an integer from 1 to 10 (got 2.5)`],
    [{ message: 'hi' }, `${P} "options.message" is not a known option (known: flag, secrets, log, fetch, requestTimeoutMs, deadlineMs, maxAttempts)`],
    [{ flag: 'constructor' }, `${P} "options.flag" must not be a name JavaScript objects already have (got "constructor")`],
    // Issue 10, item 14: a request timeout longer than the whole budget.
    [{ deadlineMs: 600, requestTimeoutMs: 10_000 }, `${P} "options.requestTimeoutMs" must not be longer than "options.deadlineMs" (got 10000 with a deadline of 600)`],
  ])('rejects %j with an exact message', (options, message) => {
    expect(messageOf(options)).toBe(message);
  });

  it('shrinks the default request timeout to a shorter deadline instead of refusing it', () => {
    expect(createPasswordResetClearer({ deadlineMs: 600 })).toBeTypeOf('function');
  });
});

describe('decideClear: the obligation rule the gate uses too', () => {
  const CHANGED = toIsoInstant('2026-02-10T00:00:00.000Z')!;
  const CREATED = '2026-01-15T09:30:00.000Z';
  const keys = obligationKeys('f');
  it.each([
    [{}, 'keep', 'not-flagged'],
    [{ f: null }, 'keep', 'not-flagged'],
    [{ f: false }, 'keep', 'not-flagged'],
    [{ f: true }, 'clear', 'password-changed'],
    [{ f: 'yes' }, 'clear', 'password-changed'],
    [{ f: true, fAt: '2026-02-01T00:00:00.000Z' }, 'clear', 'password-changed'],
    // The same millisecond: the obligation stands, as at the gate (strictly later only).
    [{ f: true, fAt: '2026-02-10T00:00:00.000Z' }, 'keep', 'reflagged-after-change'],
    [{ f: true, fAt: 'not a date' }, 'clear', 'password-changed'],
    [{ f: true, fAt: '2026-13-01T00:00:00.000Z' }, 'clear', 'password-changed'],
    [{ f: true, fAt: '2026-02-10T00:00:00.001Z' }, 'keep', 'reflagged-after-change'],
  ])('%j → %s (%s)', (appMetadata, action, reason) => {
    expect(decideClear(appMetadata, keys, CREATED, CHANGED)).toEqual({ action, reason });
  });

  it('reads only own properties: an inherited flag is no flag', () => {
    expect(decideClear(Object.create({ f: true }) as Record<string, unknown>, keys, CREATED, CHANGED)).toEqual({ action: 'keep', reason: 'not-flagged' });
  });
});
