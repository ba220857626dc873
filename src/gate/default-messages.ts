import type { LocalizedMessage } from '../internal/select-message.js';

// The gate's default deny reasons, in the languages the change-password page ships
// (src/page/locales/), chosen by `event.transaction.locale` with the rules of `selectMessage`. Kept
// here, small, because every post-login cold start loads them.

/** The deny reason when no `message` is given. */
export const DEFAULT_MESSAGE: LocalizedMessage = {
  default: 'Please reset your password!',
  fr: 'Veuillez réinitialiser votre mot de passe.',
  de: 'Bitte setzen Sie Ihr Passwort zurück.',
  es: 'Restablezca su contraseña, por favor.',
  it: 'La preghiamo di reimpostare la password.',
  'pt-BR': 'Redefina sua senha, por favor.',
  nl: 'Stel uw wachtwoord opnieuw in.',
  pl: 'Prosimy zresetować hasło.',
  sv: 'Återställ ditt lösenord.',
  ja: 'パスワードをリセットしてください。',
  'zh-CN': '请重置您的密码。',
  ko: '비밀번호를 재설정해 주세요.',
};

/** The deny reason once a reset email was sent, when no `emailSentMessage` is given. */
export const DEFAULT_EMAIL_SENT_MESSAGE: LocalizedMessage = {
  default: 'Please reset your password! We have emailed you a link to set a new password.',
  fr: 'Veuillez réinitialiser votre mot de passe. Nous vous avons envoyé par e-mail un lien pour en définir un nouveau.',
  de: 'Bitte setzen Sie Ihr Passwort zurück. Wir haben Ihnen per E-Mail einen Link gesendet, mit dem Sie ein neues Passwort festlegen können.',
  es: 'Restablezca su contraseña, por favor. Le hemos enviado por correo electrónico un enlace para establecer una nueva.',
  it: 'La preghiamo di reimpostare la password. Le abbiamo inviato per email un link per impostarne una nuova.',
  'pt-BR': 'Redefina sua senha, por favor. Enviamos por e-mail um link para você definir uma nova senha.',
  nl: 'Stel uw wachtwoord opnieuw in. We hebben u een e-mail gestuurd met een link om een nieuw wachtwoord in te stellen.',
  pl: 'Prosimy zresetować hasło. Wysłaliśmy e-mail z linkiem do ustawienia nowego hasła.',
  sv: 'Återställ ditt lösenord. Vi har skickat en länk via e-post där du kan välja ett nytt lösenord.',
  ja: 'パスワードをリセットしてください。新しいパスワードを設定するためのリンクをメールでお送りしました。',
  'zh-CN': '请重置您的密码。我们已通过电子邮件向您发送了设置新密码的链接。',
  ko: '비밀번호를 재설정해 주세요. 새 비밀번호를 설정할 수 있는 링크를 이메일로 보내 드렸습니다.',
};

/**
 * `defaults` in the languages of `chosen` only (a string: English only), so that a default never speaks
 * more languages than the message it goes with: a tenant that wrote its own `message` in English gets the
 * English `emailSentMessage` default, as before there were others.
 */
export function inLanguagesOf(defaults: LocalizedMessage, chosen: LocalizedMessage): LocalizedMessage {
  if (typeof defaults === 'string' || typeof chosen === 'string') return typeof defaults === 'string' ? defaults : defaults.default;
  const wanted = new Set(Object.keys(chosen).map((locale) => locale.toLowerCase()));
  const kept = Object.entries(defaults).filter(([locale]) => locale === 'default' || wanted.has(locale.toLowerCase()));
  return Object.fromEntries(kept) as LocalizedMessage;
}
