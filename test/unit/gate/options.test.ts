import { describe, expect, it } from 'vitest';
import { createFirstLoginGate, resolveGateOptions } from '../../../src/gate/create-first-login-gate.js';
import { DEFAULT_EMAIL_SENT_MESSAGE } from '../../../src/gate/default-messages.js';
import { selectMessage, type LocalizedMessage } from '../../../src/internal/select-message.js';
import { OptionsError, isForcePasswordResetError } from '../../../src/errors/index.js';
import { buildPostLoginEvent } from '../../../src/testing/events.js';
import { createPostLoginApi } from '../../../src/testing/recording-api.js';

const P = '[auth0-force-password-reset] createFirstLoginGate:';

function messageOf(options: unknown): string {
  try {
    createFirstLoginGate(options as never);
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    expect(isForcePasswordResetError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected createFirstLoginGate to throw');
}

describe('createFirstLoginGate options', () => {
  it('accepts no options, and every documented option', () => {
    expect(createFirstLoginGate()).toBeTypeOf('function');
    expect(
      createFirstLoginGate({
        flag: 'mustChangePassword',
        message: { default: 'Please set a new password.', fr: 'Choisissez un nouveau mot de passe.' },
        flagOnFirstLogin: false,
        connections: ['Username-Password-Authentication'],
        mode: 'report',
        log: () => {},
      }),
    ).toBeTypeOf('function');
    expect(
      createFirstLoginGate({
        passwordsSetBefore: { at: '2026-11-30T00:00:00Z', graceDays: 7 },
        maxPasswordAgeDays: { days: 90, warnDays: 14 },
        exempt: { passkeyLogins: true },
        log: false,
      }),
    ).toBeTypeOf('function');
  });

  it('returns a named handler, so stack traces read well', () => {
    expect(createFirstLoginGate({ log: false }).name).toBe('onExecutePostLogin');
  });

  it.each([
    [{ flag: 'a.b' }, `${P} "options.flag" must not contain "." or "$" (got "a.b")`],
    [{ flag: 'a$b' }, `${P} "options.flag" must not contain "." or "$" (got "a$b")`],
    [{ flag: '' }, `${P} "options.flag" must be a non-empty string (got "")`],
    [{ flag: 42 }, `${P} "options.flag" must be a string (got 42)`],
    [{ message: '' }, `${P} "options.message" must be a non-empty string (got "")`],
    [{ message: 7 }, `${P} "options.message" must be a non-empty string or an object of locale → message with a "default" entry (got 7)`],
    [{ message: { fr: 'Bonjour' } }, `${P} "options.message.default" is required when "options.message" is an object`],
    [{ message: { default: 'Hi', fr: '' } }, `${P} "options.message.fr" must be a non-empty string (got "")`],
    [{ message: { default: 3 } }, `${P} "options.message.default" must be a string (got 3)`],
    [{ flagOnFirstLogin: 'yes' }, `${P} "options.flagOnFirstLogin" must be true or false (got "yes")`],
    [{ connections: 'Username-Password-Authentication' }, `${P} "options.connections" must be an array of connection names (got "Username-Password-Authentication")`],
    [{ connections: [] }, `${P} "options.connections" must name at least one connection (got [])`],
    [{ connections: ['ok', ''] }, `${P} "options.connections[1]" must be a non-empty string (got "")`],
    [{ mode: 'dry-run' }, `${P} "options.mode" must be "enforce" or "report" (got "dry-run")`],
    [{ log: 'verbose' }, `${P} "options.log" must be true, false or a function (got "verbose")`],
    [{ flags: 'x' }, `${P} "options.flags" is not a known option (known: flag, message, flagOnFirstLogin, connections, mode, log, sendResetEmail, emailSentMessage, passwordsSetBefore, maxPasswordAgeDays, exempt, changePasswordPage, fetch)`],
    ['needsPasswordReset', `${P} "options" must be an object or undefined (got "needsPasswordReset")`],
    [null, `${P} "options" must be an object or undefined (got null)`],
    [{ passwordsSetBefore: '20a6-01-15T09:30:00.000Z' }, `${P} "options.passwordsSetBefore" must be an ISO 8601 date-time such as "2026-11-30T00:00:00Z" (got "20a6-01-15T09:30:00.000Z")`],
    // An instant before the year 0000 does not sort as text among the others: no time, not a dropped rule.
    [{ passwordsSetBefore: '0000-01-01T00:30:00+01:00' }, `${P} "options.passwordsSetBefore" must be an ISO 8601 date-time such as "2026-11-30T00:00:00Z" (got "0000-01-01T00:30:00+01:00")`],
    [{ changePasswordPage: {} }, `${P} "options.changePasswordPage.url" is required: the change-password page’s https:// URL`],
    [{ changePasswordPage: { secret: 'PAGE_KEY' } }, `${P} "options.changePasswordPage.url" is required: the change-password page’s https:// URL`],
  ])('rejects %j with an exact message', (options, message) => {
    expect(messageOf(options)).toBe(message);
  });

  it('names every problem at once, and lists them as issues', () => {
    try {
      createFirstLoginGate({ flag: 'a.b', mode: 'x' } as never);
      expect.unreachable();
    } catch (error) {
      const optionsError = error as OptionsError;
      expect(optionsError.code).toBe('ERR_INVALID_OPTIONS');
      expect(optionsError.name).toBe('OptionsError');
      expect(optionsError.issues.map((issue) => issue.path)).toEqual(['options.flag', 'options.mode']);
      expect(optionsError.message).toBe(
        `${P} "options.flag" must not contain "." or "$" (got "a.b"); "options.mode" must be "enforce" or "report" (got "x")`,
      );
    }
  });

  it('does not mutate the caller’s options', () => {
    const message = { default: 'A', fr: 'B' };
    const options = Object.freeze({ message: Object.freeze(message), log: false as const });
    expect(() => createFirstLoginGate(options)).not.toThrow();
    expect(options).toEqual({ message: { default: 'A', fr: 'B' }, log: false });
  });

  it('does not follow later changes to the caller’s options', async () => {
    const message: { default: string; [locale: string]: string } = { default: 'Set a password.', fr: 'Choisissez.' };
    const connections = ['Username-Password-Authentication'];
    const options = { message, connections, log: false as const };
    const gate = createFirstLoginGate(options);
    message.default = 'Changed later';
    connections.length = 0;
    options.message = { default: 'Replaced' };
    const api = createPostLoginApi();
    await gate(buildPostLoginEvent(), api);
    expect(api.deniedWith).toBe('Set a password.');
  });
});

describe('createFirstLoginGate reset-email options', () => {
  it.each([
    [{ sendResetEmail: 'yes' }, `${P} "options.sendResetEmail" must be true, false or { cooldownMinutes?, timeoutMs? } (got "yes")`],
    [{ sendResetEmail: { cooldownMinutes: 0 } }, `${P} "options.sendResetEmail.cooldownMinutes" must be an integer from 1 to 1440 (minutes) (got 0)`],
    [{ sendResetEmail: { timeoutMs: 60_000 } }, `${P} "options.sendResetEmail.timeoutMs" must be an integer from 100 to 5000 (milliseconds) (got 60000)`],
    [{ sendResetEmail: { cooldown: 5 } }, `${P} "options.sendResetEmail.cooldown" is not a known option (known: cooldownMinutes, timeoutMs)`],
    [{ emailSentMessage: { fr: 'x' } }, `${P} "options.emailSentMessage.default" is required when "options.emailSentMessage" is an object`],
    [{ fetch: 'undici' }, `${P} "options.fetch" must be a function (got "undici")`],
  ])('rejects %j with an exact message', (options, message) => {
    expect(messageOf(options)).toBe(message);
  });
});

// Issue 10, item 1: such a name was read through the prototype chain and locked out every user.
describe('flag names that JavaScript objects already have', () => {
  it.each([
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['valueOf', 'valueOf'],
    ['hasOwnProperty', 'hasOwnProperty'],
    ['__proto__', '__proto__'],
    ['isPrototypeOf', 'isPrototypeOf'],
  ])('rejects flag %j', (flag, key) => {
    expect(messageOf({ flag })).toBe(`${P} "options.flag" must not be a name JavaScript objects already have (got "${key}")`);
  });

  it('accepts a name that merely contains one, and writes the flag under it', async () => {
    const api = createPostLoginApi();
    await createFirstLoginGate({ flag: 'constructorOnboarding', log: false })(buildPostLoginEvent(), api);
    expect(api.appMetadataWrites.map(([key]) => key)).toEqual(['constructorOnboarding', 'constructorOnboardingAt']);
    expect(api.pendingAppMetadata['constructorOnboarding']).toBe(true);
  });
});

// Issue 10, item 14: options valid one by one that contradict each other.
describe('options that contradict each other', () => {
  it('rejects a message in a language the default emailSentMessage lacks, when emails are on', () => {
    expect(messageOf({ message: { default: 'Reset it.', fi: 'Vaihda salasanasi.' }, sendResetEmail: true })).toBe(
      `${P} "options.emailSentMessage" must have the locales of "options.message" (missing: fi); the default does not have them`,
    );
  });

  it('keeps each default in the languages of the message it goes with, so that 0.1’s options mean what they meant', () => {
    const fr = (message: LocalizedMessage | undefined) => (message === undefined ? undefined : selectMessage(message, 'fr-FR'));
    const both = resolveGateOptions({ sendResetEmail: true, log: false });
    expect([fr(both.message), fr(both.resetEmail?.sentMessage)]).toEqual([
      'Veuillez réinitialiser votre mot de passe.',
      'Veuillez réinitialiser votre mot de passe. Nous vous avons envoyé par e-mail un lien pour en définir un nouveau.',
    ]);
    // A tenant's own English text: its companion default stays English too.
    const ownSent = resolveGateOptions({ sendResetEmail: true, emailSentMessage: 'Check your inbox.', log: false });
    expect([fr(ownSent.message), fr(ownSent.resetEmail?.sentMessage)]).toEqual(['Please reset your password!', 'Check your inbox.']);
    const ownMessage = resolveGateOptions({ sendResetEmail: true, message: 'Change your password first.', log: false });
    expect([fr(ownMessage.message), fr(ownMessage.resetEmail?.sentMessage)]).toEqual(['Change your password first.', 'Please reset your password! We have emailed you a link to set a new password.']);
    const ownSpanish = resolveGateOptions({ sendResetEmail: true, message: { default: 'Reset it.', es: 'Restablézcala.' }, log: false });
    expect(ownSpanish.resetEmail?.sentMessage).toEqual({
      default: 'Please reset your password! We have emailed you a link to set a new password.',
      es: 'Restablezca su contraseña, por favor. Le hemos enviado por correo electrónico un enlace para establecer una nueva.',
    });
  });

  it('accepts a message in a language the default emailSentMessage has, and says "sent" in that language', () => {
    const resolved = resolveGateOptions({ message: { default: 'Reset it.', es: 'Restablézcala.', 'pt-BR': 'Redefina.' }, sendResetEmail: true, log: false });
    const sent = resolved.resetEmail?.sentMessage;
    expect(Object.keys(sent ?? {}).sort()).toEqual(['default', 'es', 'pt-BR']);
    expect(selectMessage(sent!, 'pt-BR')).toBe(selectMessage(DEFAULT_EMAIL_SENT_MESSAGE, 'pt-BR'));
    expect(selectMessage(sent!, 'pt-BR')).not.toBe(selectMessage(DEFAULT_EMAIL_SENT_MESSAGE, 'en'));
  });

  it('rejects an emailSentMessage that lacks a locale of message', () => {
    expect(
      messageOf({
        message: { default: 'Reset it.', es: 'Restablézcala.', fr: 'Réinitialisez-le.' },
        emailSentMessage: { default: 'Check your email.', fr: 'Vérifiez vos courriels.' },
        sendResetEmail: true,
      }),
    ).toBe(`${P} "options.emailSentMessage" must have the locales of "options.message" (missing: es)`);
  });

  it('accepts a localized message when both are localized alike, or when emails are off', () => {
    const both = resolveGateOptions({
      message: { default: 'Reset it.', es: 'Restablézcala.' },
      emailSentMessage: { default: 'Check your email.', ES: 'Revise su correo.' },
      sendResetEmail: true,
      log: false,
    });
    expect([selectMessage(both.message, 'es-MX'), selectMessage(both.resetEmail!.sentMessage, 'es-MX')]).toEqual(['Restablézcala.', 'Revise su correo.']);
    const emailsOff = resolveGateOptions({ message: { default: 'Reset it.', es: 'Restablézcala.' }, log: false });
    expect([selectMessage(emailsOff.message, 'es'), emailsOff.resetEmail]).toEqual(['Restablézcala.', undefined]);
  });
});
