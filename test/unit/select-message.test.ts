import { describe, expect, it } from 'vitest';
import { selectMessage } from '../../src/internal/select-message.js';

const messages = { default: 'Please reset your password!', fr: 'Réinitialisez votre mot de passe.', 'fr-CA': 'Réinitialisez (CA).', 'pt-BR': 'Redefina sua senha.' };

describe('selectMessage', () => {
  it.each([
    ['fr-CA', 'Réinitialisez (CA).'],
    ['fr-ca', 'Réinitialisez (CA).'],
    ['fr-FR', 'Réinitialisez votre mot de passe.'],
    ['fr', 'Réinitialisez votre mot de passe.'],
    ['pt-BR', 'Redefina sua senha.'],
    ['pt', 'Please reset your password!'],
    ['de', 'Please reset your password!'],
    ['', 'Please reset your password!'],
    [undefined, 'Please reset your password!'],
  ])('locale %j → %j', (locale, expected) => {
    expect(selectMessage(messages, locale)).toBe(expected);
  });

  it('returns a plain string as is', () => {
    expect(selectMessage('Set a new password.', 'fr')).toBe('Set a new password.');
  });
});
