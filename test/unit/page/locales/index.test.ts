import { describe, expect, it } from 'vitest';
import { DEFAULT_EMAIL_SENT_MESSAGE, DEFAULT_MESSAGE } from '../../../../src/gate/default-messages.js';
import { selectMessage, type LocalizedMessage } from '../../../../src/internal/select-message.js';
import { BUILT_IN_LOCALES, ENGLISH, type LocaleTexts } from '../../../../src/page/locales/index.js';
import { describePasswordRule } from '../../../../src/password/password-texts.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
const keys = Object.keys(ENGLISH) as (keyof LocaleTexts)[];
const translations = Object.entries(BUILT_IN_LOCALES).filter(([tag]) => tag !== 'en');

describe('the page’s languages', () => {
  it('are the twelve of issue 20, English included', () => {
    expect(Object.keys(BUILT_IN_LOCALES)).toEqual(['en', 'fr', 'de', 'es', 'it', 'pt-BR', 'nl', 'pl', 'sv', 'ja', 'zh-CN', 'ko']);
  });

  it.each(translations)('%s has every text, non-empty, with exactly the placeholders of the English one', (_, texts) => {
    expect(Object.keys(texts).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(texts[key].trim(), key).not.toBe('');
      expect(placeholders(texts[key]), key).toEqual(placeholders(ENGLISH[key]));
    }
  });

  it.each(translations)('%s is a translation, not a copy of the English', (_, texts) => {
    for (const key of ['title', 'intro', 'reasonFirstLogin', 'reasonFlagged', 'reasonPasswordsSetBefore', 'reasonPasswordTooOld', 'submit', 'passwordRefused', 'ruleMet', 'busy', 'missingLink', 'ruleMinLength', 'ruleNotCommon', 'refusedHistory', 'breachCheckUnavailable', 'showPassword'] as const) {
      expect(texts[key], key).not.toBe(ENGLISH[key]);
    }
  });

  it('says a rule in the language shown, its list joined as that language joins lists', () => {
    const rule = { id: 'character-types', atLeast: 3, types: ['lowercase', 'uppercase', 'number', 'special'] } as const;
    expect(describePasswordRule(rule, (key) => BUILT_IN_LOCALES.ja![key])).toBe('次のうち 3 種類以上を含む：英小文字（a～z）、英大文字（A～Z）、数字（0～9）、記号（! @ # $ % ^ & * など）');
    expect(describePasswordRule({ id: 'min-length', min: 12 }, (key) => BUILT_IN_LOCALES.pl![key])).toBe('Minimalna liczba znaków: 12');
    expect(describePasswordRule({ id: 'min-length', min: 1 }, (key) => BUILT_IN_LOCALES.de![key])).toBe('Mindestens 1 Zeichen');
  });

  it('is chosen with the gate’s rules: the exact tag, then its language, then English', () => {
    const title: LocalizedMessage = { default: ENGLISH.title, ...Object.fromEntries(translations.map(([tag, texts]) => [tag, texts.title])) };
    expect(selectMessage(title, 'fr-CA')).toBe(BUILT_IN_LOCALES.fr!.title);
    expect(selectMessage(title, 'pt-br')).toBe(BUILT_IN_LOCALES['pt-BR']!.title);
    expect(selectMessage(title, 'zh-CN')).toBe(BUILT_IN_LOCALES['zh-CN']!.title);
    // Brazilian Portuguese is not European Portuguese, nor Simplified Chinese Traditional.
    expect(selectMessage(title, 'pt-PT')).toBe(ENGLISH.title);
    expect(selectMessage(title, 'zh-TW')).toBe(ENGLISH.title);
    expect(selectMessage(title, undefined)).toBe(ENGLISH.title);
  });
});

describe('the gate’s default messages', () => {
  it('come in the page’s languages, chosen by the login’s locale', () => {
    for (const message of [DEFAULT_MESSAGE, DEFAULT_EMAIL_SENT_MESSAGE] as Exclude<LocalizedMessage, string>[]) {
      expect(Object.keys(message)).toEqual(['default', ...translations.map(([tag]) => tag)]);
      for (const text of Object.values(message)) expect(text.trim()).not.toBe('');
    }
    expect(selectMessage(DEFAULT_MESSAGE, 'de-AT')).toBe('Bitte setzen Sie Ihr Passwort zurück.');
    expect(selectMessage(DEFAULT_MESSAGE, 'ja')).toBe('パスワードをリセットしてください。');
    expect(selectMessage(DEFAULT_MESSAGE, 'en-GB')).toBe('Please reset your password!');
    expect(selectMessage(DEFAULT_EMAIL_SENT_MESSAGE, 'ko-KR')).toContain('이메일');
  });
});
