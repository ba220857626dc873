import type { CharacterType } from '../auth0/password-policy.js';
import type { PasswordRule } from './password-rules.js';

/**
 * What a page says about a new password: each rule, Auth0's refusals, and the breach check. Each text
 * may hold placeholders in braces — `{min}`, `{max}`, `{atLeast}`, `{types}` — which
 * {@link describePasswordRule} fills in; a translation keeps the same placeholders.
 */
export interface PasswordTexts {
  /** `min-length`: `{min}` characters or more (never 1: see `ruleMinLengthOne`). */
  ruleMinLength: string;
  /** `min-length` of 1: any non-empty password. */
  ruleMinLengthOne: string;
  /** `max-bytes`: `{max}` bytes at most. */
  ruleMaxBytes: string;
  /** `character-type` `lowercase`. */
  ruleLowercase: string;
  /** `character-type` `uppercase`. */
  ruleUppercase: string;
  /** `character-type` `number`. */
  ruleNumber: string;
  /** `character-type` `special`. */
  ruleSpecial: string;
  /** `character-types`: at least `{atLeast}` of `{types}` (the `type…` texts, joined with `listSeparator`). */
  ruleCharacterTypes: string;
  /** In `ruleCharacterTypes`' list: lower case letters. */
  typeLowercase: string;
  /** In `ruleCharacterTypes`' list: upper case letters. */
  typeUppercase: string;
  /** In `ruleCharacterTypes`' list: numbers. */
  typeNumber: string;
  /** In `ruleCharacterTypes`' list: special characters. */
  typeSpecial: string;
  /** `no-identical-run`: no three identical characters in a row. */
  ruleNoIdenticalRun: string;
  /** `no-sequence`: no three sequential letters or digits. */
  ruleNoSequence: string;
  /** `not-common`: not in the dictionary. */
  ruleNotCommon: string;
  /** `no-profile-data`: none of the user's profile fields. */
  ruleNoProfileData: string;
  /** `not-recent`: not in the password history (Auth0 checks it). */
  ruleNotRecent: string;
  /** `not-breached`: not in a known breach. */
  ruleNotBreached: string;
  /** Between the items of a list inside a text (`, `; `、` in Japanese and Chinese). */
  listSeparator: string;
  /** Auth0 refused the password: `PasswordHistoryError` ("Password has previously been used"). */
  refusedHistory: string;
  /** Auth0 refused the password: `PasswordStrengthError` ("Password is too weak"). */
  refusedStrength: string;
  /** Auth0 refused the password: `PasswordDictionaryError` ("Password is too common"). */
  refusedDictionary: string;
  /** Auth0 refused the password: `PasswordNoUserInfoError` ("Password contains user information"). */
  refusedNoUserInfo: string;
  /** The breach check could not answer, and the page is told to refuse then. */
  breachCheckUnavailable: string;
  /** The button that shows the password as plain text (its accessible name). */
  showPassword: string;
  /** The same button once the password is shown. */
  hidePassword: string;
}

/** The texts in English. */
export const ENGLISH_PASSWORD_TEXTS: Readonly<PasswordTexts> = {
  ruleMinLength: 'At least {min} characters',
  ruleMinLengthOne: 'At least 1 character',
  ruleMaxBytes: 'At most {max} bytes (accented letters and other scripts take 2 or more each)',
  ruleLowercase: 'A lower case letter (a–z)',
  ruleUppercase: 'An upper case letter (A–Z)',
  ruleNumber: 'A number (0–9)',
  ruleSpecial: 'A special character, such as ! @ # $ % ^ & *',
  ruleCharacterTypes: 'At least {atLeast} of these: {types}',
  typeLowercase: 'lower case letters (a–z)',
  typeUppercase: 'upper case letters (A–Z)',
  typeNumber: 'numbers (0–9)',
  typeSpecial: 'special characters (such as ! @ # $ % ^ & *)',
  ruleNoIdenticalRun: 'No more than 2 identical characters in a row (such as “aaa”)',
  ruleNoSequence: 'No more than 2 letters or numbers in sequence (such as “abc” or “321”)',
  ruleNotCommon: 'Not a commonly used password',
  ruleNoProfileData: 'No personal information, such as your name or email address',
  ruleNotRecent: 'Not a password you have used recently',
  ruleNotBreached: 'Not found in a known data breach',
  listSeparator: ', ',
  refusedHistory: 'You have previously used this password. Please choose another one.',
  refusedStrength: 'This password is too weak.',
  refusedDictionary: 'This password is too common.',
  refusedNoUserInfo: 'This password contains personal information.',
  breachCheckUnavailable: 'We could not check this password against known data breaches just now. Please try again.',
  showPassword: 'Show password',
  hidePassword: 'Hide password',
};

const TYPE_RULE_TEXTS: Readonly<Record<CharacterType, keyof PasswordTexts>> = {
  lowercase: 'ruleLowercase',
  uppercase: 'ruleUppercase',
  number: 'ruleNumber',
  special: 'ruleSpecial',
};
const TYPE_TEXTS: Readonly<Record<CharacterType, keyof PasswordTexts>> = {
  lowercase: 'typeLowercase',
  uppercase: 'typeUppercase',
  number: 'typeNumber',
  special: 'typeSpecial',
};

/** The text that says `rule`, and the values of its placeholders. */
function ruleText(rule: PasswordRule): { readonly key: keyof PasswordTexts; readonly values: Readonly<Record<string, number | readonly (keyof PasswordTexts)[]>> } {
  switch (rule.id) {
    case 'min-length':
      return rule.min === 1 ? { key: 'ruleMinLengthOne', values: {} } : { key: 'ruleMinLength', values: { min: rule.min } };
    case 'max-bytes':
      return { key: 'ruleMaxBytes', values: { max: rule.max } };
    case 'character-type':
      return { key: TYPE_RULE_TEXTS[rule.type], values: {} };
    case 'character-types':
      return { key: 'ruleCharacterTypes', values: { atLeast: rule.atLeast, types: rule.types.map((type) => TYPE_TEXTS[type]) } };
    case 'no-identical-run':
      return { key: 'ruleNoIdenticalRun', values: {} };
    case 'no-sequence':
      return { key: 'ruleNoSequence', values: {} };
    case 'not-common':
      return { key: 'ruleNotCommon', values: {} };
    case 'no-profile-data':
      return { key: 'ruleNoProfileData', values: {} };
    case 'not-recent':
      return { key: 'ruleNotRecent', values: {} };
    case 'not-breached':
      return { key: 'ruleNotBreached', values: {} };
  }
}

/**
 * `rule` in words, with `text` giving each text in the language shown (a page passes its own lookup,
 * so that `texts` overrides and locales apply).
 *
 * @example
 * ```ts
 * describePasswordRule({ id: 'min-length', min: 12 }, (key) => ENGLISH_PASSWORD_TEXTS[key]); // 'At least 12 characters'
 * ```
 */
export function describePasswordRule(rule: PasswordRule, text: (key: keyof PasswordTexts) => string): string {
  const { key, values } = ruleText(rule);
  return text(key).replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) return placeholder;
    return typeof value === 'number' ? String(value) : value.map((item) => text(item)).join(text('listSeparator'));
  });
}
