import { describe, expect, it } from 'vitest';
import {
  describePasswordPolicy,
  passwordPolicyFromOptions,
  strengthProblem,
  type PasswordStrength,
} from '../../src/auth0/password-policy.js';

const passes = (password: string, passwordPolicy: PasswordStrength, minLength?: number) =>
  strengthProblem(password, { passwordPolicy, ...(minLength === undefined ? {} : { minLength }) }) === undefined;

describe("Auth0's password strength levels", () => {
  it('none: any non-empty password', () => {
    expect(passes('a', 'none')).toBe(true);
    expect(passes('', 'none')).toBe(false);
  });

  it('low: 6 characters of any kind', () => {
    expect(passes('aaaaaa', 'low')).toBe(true);
    expect(passes('aaaaa', 'low')).toBe(false);
  });

  it('fair: 8 characters with lower case, upper case and digits, all three', () => {
    expect(passes('abcdEF12', 'fair')).toBe(true);
    expect(passes('abcdEFG!', 'fair')).toBe(false);
    expect(passes('abcDE12', 'fair')).toBe(false);
  });

  it('good: 8 characters with 3 of lower, upper, digits, special', () => {
    expect(passes('abcdefG!', 'good')).toBe(true);
    expect(passes('abcdef1!', 'good')).toBe(true);
    expect(passes('ABCDEF1 ', 'good')).toBe(true);
    expect(passes('abcdefgH', 'good')).toBe(false);
    expect(passes('ab1!Cd', 'good')).toBe(false);
    // Letters outside ASCII count in no class.
    expect(passes('ééééééA1', 'good')).toBe(false);
  });

  it('excellent: 10 characters, 3 of 4 classes, no character more than twice in a row', () => {
    expect(passes('abcdefG!12', 'excellent')).toBe(true);
    expect(passes('aabcdefG!1', 'excellent')).toBe(true);
    expect(passes('aaabcdeG!1', 'excellent')).toBe(false);
    expect(passes('abcdeG!12', 'excellent')).toBe(false);
  });

  it('a minimum length replaces the level’s, upwards or downwards', () => {
    expect(passes('abcdef1!A', 'good', 12)).toBe(false);
    expect(passes('abcdef1!Abcd', 'good', 12)).toBe(true);
    expect(passes('aB1!', 'good', 4)).toBe(true);
  });

  it('names the rule a password breaks, in words, and never quotes the password', () => {
    expect(strengthProblem('Sh0rt!', { passwordPolicy: 'good' })).toBe('At least 8 characters');
    expect(strengthProblem('onlylowercase', { passwordPolicy: 'good' })).toBe(
      'At least 3 of the following 4 types of characters: lower case letters (a-z), upper case letters (A-Z), numbers (0-9), special characters (e.g. !@#$%^&*)',
    );
    expect(strengthProblem('abcdefG!12xxx', { passwordPolicy: 'excellent' })).toBe('No more than 2 identical characters in a row (e.g., "aaa" not allowed)');
    expect(describePasswordPolicy({ passwordPolicy: 'fair', minLength: 12 })).toEqual([
      'At least 12 characters',
      'Contains lower case letters (a-z), upper case letters (A-Z), numbers (0-9)',
    ]);
  });
});

describe('passwordPolicyFromOptions', () => {
  it('reads a connection’s options as the Management API returns them', () => {
    expect(
      passwordPolicyFromOptions({ passwordPolicy: 'excellent', password_complexity_options: { min_length: 12 }, password_history: { enable: true, size: 3 } }),
    ).toEqual({ passwordPolicy: 'excellent', minLength: 12, passwordHistorySize: 3 });
    expect(passwordPolicyFromOptions({ passwordPolicy: 'good', password_history: { enable: false, size: 5 } })).toEqual({ passwordPolicy: 'good' });
  });

  it('reads a missing, null or unknown level as none, as Auth0 does', () => {
    expect(passwordPolicyFromOptions(undefined)).toEqual({ passwordPolicy: 'none' });
    expect(passwordPolicyFromOptions({ passwordPolicy: null })).toEqual({ passwordPolicy: 'none' });
    expect(passwordPolicyFromOptions({ passwordPolicy: 'strong' as never })).toEqual({ passwordPolicy: 'none' });
  });
});
