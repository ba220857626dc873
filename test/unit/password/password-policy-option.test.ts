import { describe, expect, it } from 'vitest';
import { checkOptions, type OptionChecks } from '../../../src/internal/check-options.js';
import { passwordPolicyOptionCheck, passwordRulesFromOption, type PasswordPolicyOption } from '../../../src/password/password-policy-option.js';
import { listPasswordRules } from '../../../src/password/password-rules.js';

// As a factory's options would carry it.
const checks: OptionChecks<{ passwordPolicy?: PasswordPolicyOption }> = { passwordPolicy: passwordPolicyOptionCheck };
const check = (passwordPolicy: unknown) => () => checkOptions('createChangePasswordPage', checks, { passwordPolicy });
const prefix = '[auth0-force-password-reset] createChangePasswordPage: ';

describe('a password policy given as an option', () => {
  it('takes Auth0’s documented examples in either shape, and 0.1’s short form', () => {
    const accepted: PasswordPolicyOption[] = [
      { password_history: { enable: true, size: 5 }, password_dictionary: { enable: true, dictionary: ['badPassword', 'reallyBadPassword'] } },
      { password_options: { history: { active: true, size: 5 }, dictionary: { active: true, default: 'en_10k', custom: ['badPassword', 'reallyBadPassword'] } } },
      {
        passwordPolicy: 'excellent',
        password_complexity_options: { min_length: 12 },
        password_no_personal_info: { enable: true },
        // As GET /api/v2/connections returns a legacy connection: null where nothing is set.
        password_dictionary: null,
      },
      {
        password_options: {
          complexity: {
            min_length: 72,
            character_types: ['lowercase', 'uppercase', 'number', 'special'],
            character_type_rule: 'three_of_four',
            identical_characters: 'block',
            sequential_characters: 'block',
            max_length_exceeded: 'error',
          },
          profile_data: { active: true, blocked_fields: ['name', 'user_metadata.first'] },
        },
      },
      { level: 'good' },
      { level: 'fair', minLength: 10 },
    ];
    for (const option of accepted) {
      // Taken as given (nothing dropped or rewritten), and read into rules beyond the bare minimum length.
      expect(check(option)().passwordPolicy, JSON.stringify(option)).toEqual(option);
      expect(listPasswordRules(passwordRulesFromOption(option)).map((rule) => rule.id).filter((id) => id !== 'min-length'), JSON.stringify(option)).not.toEqual([]);
    }
  });

  it('reads each shape as the same rules a connection with those options has', () => {
    expect(listPasswordRules(passwordRulesFromOption({ level: 'fair', minLength: 10 }))).toEqual(
      listPasswordRules(passwordRulesFromOption({ passwordPolicy: 'fair', password_complexity_options: { min_length: 10 } })),
    );
    expect(passwordRulesFromOption({ password_options: { complexity: { min_length: 9 } } }).minLength).toBe(9);
  });

  it('names the field at fault and what Auth0 accepts there, at the boundaries of Auth0’s limits', () => {
    const cases: [unknown, string][] = [
      [{ passwordPolicy: 'strong' }, '"options.passwordPolicy.passwordPolicy" must be one of "none", "low", "fair", "good", "excellent" (got "strong")'],
      [{ password_complexity_options: { min_length: 0 } }, '"options.passwordPolicy.password_complexity_options.min_length" must be an integer from 1 to 72 (characters) (got 0)'],
      [{ password_options: { complexity: { min_length: 73 } } }, '"options.passwordPolicy.password_options.complexity.min_length" must be an integer from 1 to 72 (characters) (got 73)'],
      [{ password_options: { history: { active: true, size: 25 } } }, '"options.passwordPolicy.password_options.history.size" must be an integer from 1 to 24 (passwords) (got 25)'],
      [{ password_history: { size: 3 } }, '"options.passwordPolicy.password_history.enable" is required: true or false'],
      [{ password_options: { dictionary: { default: 'en_1m' } } }, '"options.passwordPolicy.password_options.dictionary.default" must be one of "en_10k", "en_100k" (got "en_1m")'],
      [{ password_options: { dictionary: { custom: Array.from({ length: 201 }, (_, index) => `entry${index}`) } } }, '"options.passwordPolicy.password_options.dictionary.custom" must have at most 200 entries (got 201)'],
      [{ password_options: { dictionary: { custom: ['x'.repeat(51)] } } }, '"options.passwordPolicy.password_options.dictionary.custom[0]" must be a non-empty string of at most 50 characters'],
      [{ password_options: { profile_data: { blocked_fields: Array.from({ length: 13 }, (_, index) => `f${index}`) } } }, 'must have at most 12 entries (got 13)'],
      [{ password_options: { complexity: { character_types: ['lowercase', 'emoji'] } } }, '"options.passwordPolicy.password_options.complexity.character_types[1]" must be one of "lowercase", "uppercase", "number", "special" (got "emoji")'],
      [{ password_options: { complexity: { character_types: ['number', 'number'] } } }, '"options.passwordPolicy.password_options.complexity.character_types" must not repeat a type'],
      [
        { password_options: { complexity: { character_types: ['lowercase', 'uppercase', 'number'], character_type_rule: 'three_of_four' } } },
        '"options.passwordPolicy.password_options.complexity.character_types" must list all four types when "character_type_rule" is "three_of_four"',
      ],
      [{ password_options: { complexity: { max_length_exceeded: 'cut' } } }, '"options.passwordPolicy.password_options.complexity.max_length_exceeded" must be one of "truncate", "error" (got "cut")'],
      [{ brute_force_protection: true }, '"options.passwordPolicy.brute_force_protection" is not a known option (known: passwordPolicy, password_complexity_options, password_history, password_dictionary, password_no_personal_info, password_options)'],
      [{ level: 'good', passwordPolicy: 'good' }, '"options.passwordPolicy.passwordPolicy" is not a known option (known: level, minLength)'],
      [{ minLength: 12 }, '"options.passwordPolicy.level" is required: "none", "low", "fair", "good", "excellent"'],
      ['good', '"options.passwordPolicy" must be Auth0’s password options'],
    ];
    for (const [option, message] of cases) expect(check(option), message).toThrow(message.startsWith('"') ? `${prefix}${message}` : message);
  });

  it('reports every problem at once', () => {
    expect(check({ password_options: { complexity: { min_length: 0, identical_characters: 'maybe' }, history: { size: 0 } } })).toThrow(
      `${prefix}"options.passwordPolicy.password_options.complexity.min_length" must be an integer from 1 to 72 (characters) (got 0); ` +
        '"options.passwordPolicy.password_options.complexity.identical_characters" must be one of "allow", "block" (got "maybe"); ' +
        '"options.passwordPolicy.password_options.history.size" must be an integer from 1 to 24 (passwords) (got 0)',
    );
  });
});
