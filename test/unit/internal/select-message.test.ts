import { describe, expect, it } from 'vitest';
import { createMessageSelector, selectMessage } from '../../../src/internal/select-message.js';

const messages = { default: 'Please reset your password!', fr: 'Réinitialisez votre mot de passe.', 'fr-CA': 'Réinitialisez (CA).', 'pt-BR': 'Redefina sua senha.' };

const table: Array<[string | undefined, string]> = [
  ['fr-CA', 'Réinitialisez (CA).'],
  ['fr-ca', 'Réinitialisez (CA).'],
  ['fr-FR', 'Réinitialisez votre mot de passe.'],
  ['fr_FR', 'Réinitialisez votre mot de passe.'],
  ['fr', 'Réinitialisez votre mot de passe.'],
  ['FR', 'Réinitialisez votre mot de passe.'],
  ['pt-BR', 'Redefina sua senha.'],
  ['pt', 'Please reset your password!'],
  ['de', 'Please reset your password!'],
  ['', 'Please reset your password!'],
  [undefined, 'Please reset your password!'],
];

describe('selectMessage', () => {
  it.each(table)('locale %j → %j', (locale, expected) => {
    expect(selectMessage(messages, locale)).toBe(expected);
  });

  it('returns a plain string as is', () => {
    expect(selectMessage('Set a new password.', 'fr')).toBe('Set a new password.');
  });
});

describe('createMessageSelector: the same rule, the locales lower-cased once', () => {
  const select = createMessageSelector(messages);

  it.each(table)('locale %j → %j', (locale, expected) => {
    expect(select(locale)).toBe(expected);
  });

  it('answers from the message as it was when built', () => {
    const message = { default: 'Reset it.', es: 'Restablézcala.' };
    const selectSpanish = createMessageSelector(message);
    message.es = 'changed';
    expect(selectSpanish('es-MX')).toBe('Restablézcala.');
  });

  it('takes the first of two locales that differ only in case', () => {
    expect(createMessageSelector({ default: 'd', FR: 'first', fr: 'second' })('fr')).toBe('first');
  });

  it('returns a plain string for every locale', () => {
    expect(createMessageSelector('Set a new password.')('fr')).toBe('Set a new password.');
  });

  it('answers each locale the same the second time, and after it has remembered as many as it keeps', () => {
    const select = createMessageSelector(messages);
    // 200 made-up region tags first (more than the selector remembers), then the table, twice.
    for (let index = 0; index < 200; index += 1) expect(select(`xx-${index}`)).toBe(messages.default);
    for (let round = 0; round < 2; round += 1) {
      for (const [locale, expected] of table) expect(select(locale), `${String(locale)}, round ${round + 1}`).toBe(expected);
    }
  });
});
