import { describe, expect, it } from 'vitest';
import {
  fnv1a32,
  graceOffsetDays,
  obligationKeys,
  tenantWideRulesFrom,
  requestedBy,
  ruleObligation,
  ruleWarning,
} from '../../../src/obligation/obligation.js';
import { toIsoInstant, type IsoInstant } from '../../../src/obligation/time.js';

const DAY = 86_400_000;
const instant = (text: string) => toIsoInstant(text) as IsoInstant;

describe('the spread of a passwordsSetBefore cut-off', () => {
  it('hashes with 32-bit FNV-1a: the published test vectors', () => {
    // From the FNV reference test suite (isthe.com/chongo/tech/comp/fnv, "fnv1a_32").
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('places a user on day fnv1a32(user_id) % (graceDays + 1), the same every time', () => {
    const id = 'auth0|64b7f3c2a1d0e9f8a7b6c5d4';
    expect(graceOffsetDays(id, 60)).toBe(fnv1a32(id) % 61);
    expect(graceOffsetDays(id, 60)).toBe(48);
    expect(graceOffsetDays(id, 7)).toBe(2);
  });

  it('spreads many users evenly over the days 0 to graceDays, both ends included', () => {
    const graceDays = 7;
    const perDay = new Array<number>(graceDays + 1).fill(0);
    const users = 8000;
    for (let n = 0; n < users; n += 1) {
      // Ids in Auth0's database shape: "auth0|" and 24 hex digits.
      perDay[graceOffsetDays(`auth0|${n.toString(16).padStart(24, '0')}`, graceDays)]! += 1;
    }
    for (const count of perDay) {
      expect(count).toBeGreaterThan((users / (graceDays + 1)) * 0.85);
      expect(count).toBeLessThan((users / (graceDays + 1)) * 1.15);
    }
  });

  it('puts everyone on day 0 without a spread, and a user without a string id on day 0', () => {
    expect(graceOffsetDays('auth0|64b7f3c2a1d0e9f8a7b6c5d4', 0)).toBe(0);
    for (const id of [undefined, null, 42, {}]) expect(graceOffsetDays(id, 30)).toBe(0);
  });
});

describe('tenantWideRulesFrom', () => {
  it('reads the plain options and the object forms alike', () => {
    const plain = tenantWideRulesFrom({ passwordsSetBefore: '2026-11-30T00:00:00Z', maxPasswordAgeDays: 90 });
    const objects = tenantWideRulesFrom({ passwordsSetBefore: { at: '2026-11-30T00:00:00Z' }, maxPasswordAgeDays: { days: 90 } });
    const expected = {
      passwordsSetBefore: { at: '2026-11-30T00:00:00.000Z', ms: Date.parse('2026-11-30T00:00:00Z'), graceDays: 0 },
      maxPasswordAge: { ms: 90 * DAY, warnMs: 0 },
    };
    expect(plain).toEqual(expected);
    expect(objects).toEqual(expected);
    expect(tenantWideRulesFrom({ passwordsSetBefore: { at: '2026-11-30T00:00:00Z', graceDays: 7 }, maxPasswordAgeDays: { days: 90, warnDays: 14 } })).toEqual({
      passwordsSetBefore: { ...expected.passwordsSetBefore, graceDays: 7 },
      maxPasswordAge: { ms: 90 * DAY, warnMs: 14 * DAY },
    });
    expect(tenantWideRulesFrom({})).toBeUndefined();
  });
});

describe('ruleObligation and ruleWarning', () => {
  const rules = tenantWideRulesFrom({ passwordsSetBefore: { at: '2026-11-30T00:00:00Z', graceDays: 7 } })!;
  const cutOff = Date.parse('2026-11-30T00:00:00Z');
  const before = instant('2026-06-01T00:00:00Z');

  it('without a user id (the administrator tools’ status), a spread binds from the cut-off: the earliest day', () => {
    expect(ruleObligation(before, rules, cutOff)).toEqual({ rule: 'passwords-set-before', since: '2026-11-30T00:00:00.000Z' });
    expect(ruleWarning(before, rules, cutOff)).toBeUndefined();
  });

  it('warns nobody about a rule before its instant, nor about one the password does not break', () => {
    const late = 'auth0|late';
    expect(ruleWarning(before, rules, cutOff - 1, late)).toBeUndefined();
    expect(ruleWarning(instant('2026-11-30T00:00:00.001Z'), rules, cutOff + DAY, late)).toBeUndefined();
  });
});

describe('<flag>By, as a log line shows it', () => {
  const keys = obligationKeys('needsPasswordReset');

  it('is the companion key <flag>By', () => {
    expect(keys.byKey).toBe('needsPasswordResetBy');
    expect(obligationKeys('mustChangePassword').byKey).toBe('mustChangePasswordBy');
  });

  it('is the text as written when it is short and plain', () => {
    expect(requestedBy({ needsPasswordResetBy: 'alice via Xq3bN8kF2mP9sT4v' }, keys)).toBe('alice via Xq3bN8kF2mP9sT4v');
    expect(requestedBy({ needsPasswordResetBy: 'José 🔑' }, keys)).toBe('José 🔑');
  });

  it('keeps 32 characters, with control characters, quotes, backslashes and half characters as "?"', () => {
    expect(requestedBy({ needsPasswordResetBy: 'x'.repeat(100) }, keys)).toBe('x'.repeat(32));
    expect(requestedBy({ needsPasswordResetBy: 'a\u001b[31mb"c\\d\u0085e\u007f' }, keys)).toBe('a?[31mb?c?d?e?');
    // An emoji cut in half at the 32nd code unit, and a lone surrogate.
    expect(requestedBy({ needsPasswordResetBy: `${'x'.repeat(31)}🔑` }, keys)).toBe(`${'x'.repeat(31)}?`);
    expect(requestedBy({ needsPasswordResetBy: 'a\ud800b' }, keys)).toBe('a?b');
    // So that JSON never grows it: what a log line's length budget counts on.
    const hostile = requestedBy({ needsPasswordResetBy: '"\\\u0000\ud800'.repeat(40) }, keys) as string;
    expect(JSON.stringify(hostile)).toHaveLength(hostile.length + 2);
  });

  it('is absent when not a non-empty string, or only inherited', () => {
    for (const value of [undefined, null, '', 42, true, {}, ['alice']]) {
      expect(requestedBy({ needsPasswordResetBy: value }, keys)).toBeUndefined();
    }
    expect(requestedBy(Object.create({ needsPasswordResetBy: 'mallory' }), keys)).toBeUndefined();
    expect(requestedBy(undefined, keys)).toBeUndefined();
  });
});
