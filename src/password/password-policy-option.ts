import {
  PASSWORD_STRENGTHS,
  type Auth0PasswordOptions,
  type CharacterType,
  type CommonPasswordList,
  type FlexiblePasswordOptions,
  type PasswordStrength,
} from '../auth0/password-policy.js';
import { booleanCheck, checkFields, integerCheck, NOT_SHOWN, required, type Check, type OptionChecks, type Report } from '../internal/check-options.js';
import { isRecord } from '../obligation/obligation.js';
import { passwordRulesFromConnection, type PasswordRules } from './password-rules.js';

/**
 * A password policy given instead of read from Auth0: the connection's `options` in Auth0's shape —
 * legacy keys or `password_options`, as `GET /api/v2/connections/{id}?fields=options` returns them (the
 * password keys only) — or 0.1's short form `{ level, minLength? }`.
 *
 * @example
 * ```ts
 * const legacy: PasswordPolicyOption = { passwordPolicy: 'good', password_dictionary: { enable: true } };
 * const flexible: PasswordPolicyOption = { password_options: { complexity: { min_length: 12, sequential_characters: 'block' } } };
 * const short: PasswordPolicyOption = { level: 'good', minLength: 10 };
 * ```
 */
export type PasswordPolicyOption = Auth0PasswordOptions | ShortPasswordPolicy;

/** 0.1's short form of a legacy policy. */
export interface ShortPasswordPolicy {
  /** Auth0's strength level of the connection. */
  level: PasswordStrength;
  /** The connection's minimum length, when it sets one (it replaces the level's). */
  minLength?: number;
}

const quoted = (values: readonly string[]) => values.map((value) => `"${value}"`).join(', ');

/** One of `values`. */
const oneOf =
  <T extends string>(values: readonly T[]): Check<T> =>
  (value, report) => {
    if (!values.includes(value as T)) report(`must be one of ${quoted(values)}`, value);
  };

/** `check`, or `null` (Auth0 returns `null` for a legacy key it has no value for). */
const nullable = <T>(check: Check<T>): Check<T | null> => ((value, report) => (value === null ? undefined : check(value, report))) as Check<T | null>;

/** An object checked against `checks`. */
const fieldsCheck =
  <T>(checks: OptionChecks<T>, shape: string): Check<T> =>
  (value, report) =>
    void checkFields(value, report, checks, `must be ${shape}`);

/** An array of up to `maxEntries` non-empty strings of at most `maxLength` characters. */
const stringsCheck =
  (maxEntries: number, maxLength: number, what: string): Check<string[]> =>
  (value, report) => {
    if (!Array.isArray(value)) return report(`must be an array of ${what}`, value);
    // The count says it all; the entries are not quoted back.
    if (value.length > maxEntries) report(`must have at most ${maxEntries} entries (got ${value.length})`, NOT_SHOWN);
    value.forEach((entry, index) => {
      if (typeof entry !== 'string' || entry.length === 0 || entry.length > maxLength) {
        report(`must be a non-empty string of at most ${maxLength} characters`, entry, [index]);
      }
    });
  };

const CHARACTER_TYPES: readonly CharacterType[] = ['lowercase', 'uppercase', 'number', 'special'];

type Complexity = NonNullable<FlexiblePasswordOptions['complexity']>;
type Flexible<Key extends keyof FlexiblePasswordOptions> = NonNullable<FlexiblePasswordOptions[Key]>;
type Legacy<Key extends keyof Auth0PasswordOptions> = NonNullable<Auth0PasswordOptions[Key]>;

const complexityChecks: OptionChecks<Complexity> = {
  min_length: integerCheck(1, 72, ' (characters)'),
  character_types: (value, report) => {
    if (!Array.isArray(value)) return report(`must be an array of ${quoted(CHARACTER_TYPES)}`, value);
    value.forEach((type, index) => oneOf(CHARACTER_TYPES)(type, (expected, input) => report(expected, input, [index])));
    if (new Set(value).size !== value.length) report('must not repeat a type', value);
  },
  character_type_rule: oneOf<'all' | 'three_of_four'>(['all', 'three_of_four']),
  identical_characters: oneOf<'allow' | 'block'>(['allow', 'block']),
  sequential_characters: oneOf<'allow' | 'block'>(['allow', 'block']),
  max_length_exceeded: oneOf<'truncate' | 'error'>(['truncate', 'error']),
};

const flexibleChecks: OptionChecks<FlexiblePasswordOptions> = {
  complexity: (value, report) => {
    if (!checkFields(value, report, complexityChecks, 'must be { min_length?, character_types?, character_type_rule?, identical_characters?, sequential_characters?, max_length_exceeded? }')) return;
    const { character_types: types, character_type_rule: rule } = value as Complexity;
    // As Auth0's schema says: three of four "can only be enabled when all 4 character types are specified".
    if (rule === 'three_of_four' && !(Array.isArray(types) && CHARACTER_TYPES.every((type) => types.includes(type)))) {
      report('must list all four types when "character_type_rule" is "three_of_four"', NOT_SHOWN, ['character_types']);
    }
  },
  history: fieldsCheck<Flexible<'history'>>({ active: booleanCheck, size: integerCheck(1, 24, ' (passwords)') }, '{ active?, size? }'),
  dictionary: fieldsCheck<Flexible<'dictionary'>>(
    { active: booleanCheck, default: oneOf<CommonPasswordList>(['en_10k', 'en_100k']), custom: stringsCheck(200, 50, 'passwords') },
    '{ active?, default?, custom? }',
  ),
  profile_data: fieldsCheck<Flexible<'profile_data'>>({ active: booleanCheck, blocked_fields: stringsCheck(12, 100, 'profile field names') }, '{ active?, blocked_fields? }'),
};

/** The checks of {@link Auth0PasswordOptions}, Auth0's limits included. */
export const auth0PasswordOptionsChecks: OptionChecks<Auth0PasswordOptions> = {
  passwordPolicy: nullable(oneOf(PASSWORD_STRENGTHS)),
  password_complexity_options: nullable(fieldsCheck<Legacy<'password_complexity_options'>>({ min_length: integerCheck(1, 72, ' (characters)') }, '{ min_length? }')),
  password_history: nullable(fieldsCheck<Legacy<'password_history'>>({ enable: required('true or false', booleanCheck), size: integerCheck(1, 24, ' (passwords)') }, '{ enable, size? }')),
  password_dictionary: nullable(
    fieldsCheck<Legacy<'password_dictionary'>>({ enable: required('true or false', booleanCheck), dictionary: stringsCheck(200, 50, 'passwords') }, '{ enable, dictionary? }'),
  ),
  password_no_personal_info: nullable(fieldsCheck<Legacy<'password_no_personal_info'>>({ enable: required('true or false', booleanCheck) }, '{ enable }')),
  password_options: nullable(fieldsCheck<FlexiblePasswordOptions>(flexibleChecks, '{ complexity?, history?, dictionary?, profile_data? }')),
};

const shortChecks: OptionChecks<ShortPasswordPolicy> = {
  level: required(quoted(PASSWORD_STRENGTHS), oneOf(PASSWORD_STRENGTHS)),
  minLength: integerCheck(1, 72, ''),
};

/** The check of a {@link PasswordPolicyOption}: Auth0's shape, or 0.1's `{ level, minLength? }`. */
export const passwordPolicyOptionCheck: Check<PasswordPolicyOption> = ((value: unknown, report: Report) => {
  const shape = 'Auth0’s password options ({ passwordPolicy?, password_complexity_options?, …, password_options? }) or { level, minLength? }';
  if (!isRecord(value)) return report(`must be ${shape}`, value);
  if (Object.hasOwn(value, 'level') || Object.hasOwn(value, 'minLength')) checkFields(value, report, shortChecks, `must be ${shape}`);
  else checkFields(value, report, auth0PasswordOptionsChecks, `must be ${shape}`);
}) as Check<PasswordPolicyOption>;

/** The rules of a checked {@link PasswordPolicyOption}. */
export function passwordRulesFromOption(option: PasswordPolicyOption): PasswordRules {
  if ('level' in option) {
    return passwordRulesFromConnection({
      passwordPolicy: option.level,
      ...(option.minLength === undefined ? {} : { password_complexity_options: { min_length: option.minLength } }),
    });
  }
  return passwordRulesFromConnection(option);
}
